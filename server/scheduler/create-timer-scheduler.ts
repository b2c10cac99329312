import type { Logger } from 'pino';
import type { CaseStore } from '../../db/case-store.js';
import { TimerStore } from '../../db/timer-store.js';
import { CaseService } from '../case-service.js';
import type { Clock } from '../clock.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import { TimerScheduler } from './timer-scheduler.js';
import type { TimerSchedulerOptions } from './timer-scheduler.js';

/**
 * Builds a timer scheduler over a case store, with its own case service on the same store (so its events
 * reach the store's change listeners like any other). The scheduler is not started.
 */
export function createTimerScheduler(
  options: {
    readonly store: CaseStore;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly newId: () => string;
    readonly metrics?: ServerMetrics;
  } & Pick<TimerSchedulerOptions, 'wallClock' | 'claimant' | 'intervalMs' | 'batchSize' | 'leaseMs' | 'maxAttempts'>,
): TimerScheduler {
  const { store, clock, logger, newId, ...rest } = options;
  return new TimerScheduler({
    ...rest,
    timers: new TimerStore(store.db),
    cases: store,
    service: new CaseService({ store, clock, newId }),
    clock,
    logger: logger.child({ component: 'timer-scheduler' }),
  });
}
