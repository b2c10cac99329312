import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { CaseError } from '../../machines/engine/case-error.js';
import type { CaseStore } from '../../db/case-store.js';
import type { CaseTimersTable } from '../../db/schema.js';
import type { TimerStore } from '../../db/timer-store.js';
import type { CaseService } from '../case-service.js';
import { TIMER_ACTOR, timerIdempotencyKey } from '../case-timers.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { ServerMetrics } from '../observability/server-metrics.js';

/** Default pause between two scheduler ticks, in milliseconds. */
export const DEFAULT_SCHEDULER_INTERVAL_MS = 5_000;

/** Timers claimed per batch; a tick keeps claiming batches while they come back full, up to `MAX_BATCHES_PER_TICK`. */
const DEFAULT_BATCH_SIZE = 20;
const MAX_BATCHES_PER_TICK = 10;

/** How long a claim keeps other schedulers off a timer, in milliseconds; a crashed claimant's timers wait this long. */
const DEFAULT_LEASE_MS = 60_000;

/** Attempts after which a timer whose firing keeps failing with an unexpected error is marked failed. */
const DEFAULT_MAX_ATTEMPTS = 10;

/** Immediate retries of one firing when a concurrent writer moved the case first. */
const MAX_VERSION_CONFLICT_RETRIES = 5;

/** A tick failure is logged the first time and then once per this many failures in a row. */
const LOG_EVERY_NTH_TICK_FAILURE = 10;

/** Outcome of one firing. */
export type FiringOutcome = 'fired' | 'obsolete' | 'skipped' | 'retry' | 'failed';

/** Counts of one tick's firings by outcome. */
export type TickSummary = Readonly<Record<FiringOutcome, number>>;

/** The part of a scheduler that the readiness check and the sandbox routes use. */
export interface SchedulerStatus {
  readonly claimant: string;
  /** True between `start()` and `stop()`. */
  readonly running: boolean;
  /** Whether the loop is running and was active within three intervals (at least 30 s). */
  isHealthy(): boolean;
  /** Runs a tick soon instead of after the interval, for example after a sandbox's date moved. */
  wake(): void;
}

export interface TimerSchedulerOptions {
  readonly timers: TimerStore;
  readonly cases: CaseStore;
  readonly service: CaseService;
  /** The business clock: real cases' timers are due when their due time is not after it. */
  readonly clock: Clock;
  /** Wall-clock time for claim leases; the system clock by default. */
  readonly wallClock?: Clock;
  readonly logger: Logger;
  readonly metrics?: ServerMetrics;
  /** Recorded in `claimed_by`; host, process id and a random suffix by default. */
  readonly claimant?: string;
  readonly intervalMs?: number;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  readonly maxAttempts?: number;
}

/**
 * Fires due deadline timers. Every server process runs one: each tick claims due timers with a lease
 * (see `TimerStore.claimDue`) and sends each timer's event through the case service as the system, with
 * the case's current version and the idempotency key `timer:<timerId>`. The event's transaction marks
 * the timer fired, so across processes and crashes a timer adds at most one event. A timer whose event
 * the case rejects is marked obsolete with the rejection code. An unexpected error keeps it pending for
 * a later attempt, and after `maxAttempts` attempts the timer is marked failed.
 */
export class TimerScheduler implements SchedulerStatus {
  readonly claimant: string;
  readonly #options: TimerSchedulerOptions;
  readonly #wallClock: Clock;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #leaseMs: number;
  readonly #maxAttempts: number;
  #running = false;
  #timer: NodeJS.Timeout | null = null;
  #currentTick: Promise<void> | null = null;
  #wakeRequested = false;
  #lastActivityAt: number | null = null;
  #failuresInARow = 0;

  constructor(options: TimerSchedulerOptions) {
    this.#options = options;
    this.#wallClock = options.wallClock ?? systemClock;
    this.claimant = options.claimant ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#intervalMs = options.intervalMs ?? DEFAULT_SCHEDULER_INTERVAL_MS;
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts the loop; its first tick runs at once. Calling it twice does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#lastActivityAt = this.#wallClock.now().getTime();
    this.#options.logger.info({ claimant: this.claimant, intervalMs: this.#intervalMs }, 'timer scheduler started');
    this.#schedule(0);
  }

  /** Stops the loop and waits for a tick in progress, so the database can be closed afterwards. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#currentTick;
    this.#options.logger.info({ claimant: this.claimant }, 'timer scheduler stopped');
  }

  isHealthy(): boolean {
    if (!this.#running || this.#lastActivityAt === null) return false;
    const limitMs = Math.max(3 * this.#intervalMs, 30_000);
    return this.#wallClock.now().getTime() - this.#lastActivityAt <= limitMs;
  }

  wake(): void {
    if (!this.#running) return;
    if (this.#currentTick) {
      this.#wakeRequested = true;
      return;
    }
    this.#schedule(0);
  }

  /**
   * Claims and fires the timers due now, batch after batch, and returns how each firing went. The loop
   * calls it every interval; tests call it directly. Throws when claiming fails (the database is down).
   */
  async runOnce(): Promise<TickSummary> {
    const summary: Record<FiringOutcome, number> = { fired: 0, obsolete: 0, skipped: 0, retry: 0, failed: 0 };
    for (let batch = 0; batch < MAX_BATCHES_PER_TICK; batch++) {
      const wallNow = this.#wallClock.now();
      const claimed = await this.#options.timers.claimDue({
        claimant: this.claimant,
        businessNow: this.#options.clock.now().toISOString(),
        wallNow: wallNow.toISOString(),
        leaseUntil: new Date(wallNow.getTime() + this.#leaseMs).toISOString(),
        limit: this.#batchSize,
      });
      for (const timer of claimed) {
        summary[await this.#fire(timer)] += 1;
        this.#lastActivityAt = this.#wallClock.now().getTime();
      }
      if (claimed.length < this.#batchSize) break;
    }
    return summary;
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#currentTick = this.#tick().finally(() => {
        this.#currentTick = null;
        const again = this.#wakeRequested;
        this.#wakeRequested = false;
        this.#schedule(again ? 0 : this.#intervalMs);
      });
    }, delayMs);
    // The HTTP server keeps the process alive; the scheduler alone must not.
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    this.#lastActivityAt = this.#wallClock.now().getTime();
    try {
      await this.runOnce();
      if (this.#failuresInARow > 0) {
        this.#options.logger.info({ claimant: this.claimant, failures: this.#failuresInARow }, 'timer scheduler recovered');
      }
      this.#failuresInARow = 0;
    } catch (error) {
      this.#failuresInARow += 1;
      this.#options.metrics?.timerErrors.inc();
      if (this.#failuresInARow === 1 || this.#failuresInARow % LOG_EVERY_NTH_TICK_FAILURE === 0) {
        this.#options.logger.error(
          { err: error, claimant: this.claimant, failuresInARow: this.#failuresInARow },
          'timer scheduler tick failed; retrying after the interval',
        );
      }
    }
    this.#lastActivityAt = this.#wallClock.now().getTime();
  }

  /** Sends one claimed timer's event, retrying at once when another writer moved the case first. */
  async #fire(timer: CaseTimersTable): Promise<FiringOutcome> {
    const { logger } = this.#options;
    const ids = { caseId: timer.case_id, timerId: timer.id, eventType: timer.event_type };
    try {
      for (let attempt = 1; attempt <= MAX_VERSION_CONFLICT_RETRIES; attempt++) {
        const outcome = await this.#submit(timer);
        if (outcome !== 'version-conflict') return outcome;
        logger.info({ ...ids, attempt }, 'timer event met a concurrent change; retrying');
      }
      // The case keeps changing meanwhile, so release the claim soon rather than hold it for a whole lease.
      await this.#options.timers.postponeRetry(timer.id, this.claimant, this.#retryAt(1));
      logger.warn({ ...ids, attempts: MAX_VERSION_CONFLICT_RETRIES }, 'timer event kept meeting concurrent changes; retrying later');
      return 'retry';
    } catch (error) {
      return this.#handleFailure(timer, error);
    }
  }

  async #submit(timer: CaseTimersTable): Promise<Exclude<FiringOutcome, 'retry' | 'failed'> | 'version-conflict'> {
    const { cases, service, logger, metrics, timers } = this.#options;
    const ids = { caseId: timer.case_id, timerId: timer.id, eventType: timer.event_type };
    const caseRow = await cases.getCase(timer.case_id);
    if (!caseRow) {
      await timers.markObsolete(timer.id, 'CASE_NOT_FOUND', this.#wallClock.now().toISOString());
      logger.error(ids, 'timer refers to a missing case; marked obsolete');
      return 'obsolete';
    }
    // An event stored under the timer's key means an earlier firing got through: close the timer, add nothing.
    const stored = await cases.findEventByIdempotencyKey(timer.case_id, timerIdempotencyKey(timer.id));
    if (stored) {
      await timers.markFiredByStoredEvent(timer.id, stored.id, this.#wallClock.now().toISOString());
      logger.warn({ ...ids, seq: stored.seq }, 'timer event was already stored; timer marked fired, nothing added');
      return 'skipped';
    }

    try {
      const result = await service.submitEvent(
        timer.case_id,
        { type: timer.event_type, data: JSON.parse(timer.data) as unknown, expectedVersion: caseRow.version, channel: 'system' },
        TIMER_ACTOR,
        timerIdempotencyKey(timer.id),
        { firedTimerId: timer.id },
      );
      if (result.replayed) {
        logger.info({ ...ids, seq: result.event.seq }, 'timer event was already stored; nothing added');
        return 'skipped';
      }
      const lagSeconds = this.#observeLag(timer);
      metrics?.timersFinished.inc({ outcome: 'fired' });
      logger.info({ ...ids, seq: result.event.seq, dueOn: timer.due_on, lagSeconds }, 'timer fired');
      return 'fired';
    } catch (error) {
      if (!(error instanceof CaseError)) throw error;
      if (error.code === 'VERSION_CONFLICT') return 'version-conflict';
      if (error.code === 'TIMER_NOT_PENDING') {
        logger.info(ids, 'timer was fired or cancelled by another writer; nothing added');
        return 'skipped';
      }
      // The case no longer accepts the event (its state moved on, or a rule now fails), so the timer is moot.
      const marked = await timers.markObsolete(timer.id, error.code, this.#wallClock.now().toISOString());
      metrics?.rejections.inc({ code: error.code, source: 'timer' });
      if (marked) metrics?.timersFinished.inc({ outcome: 'obsolete' });
      logger.warn({ ...ids, code: error.code, marked }, 'timer event rejected; timer marked obsolete');
      return 'obsolete';
    }
  }

  async #handleFailure(timer: CaseTimersTable, error: unknown): Promise<FiringOutcome> {
    const { logger, metrics, timers } = this.#options;
    const ids = { caseId: timer.case_id, timerId: timer.id, eventType: timer.event_type, attempts: timer.attempts };
    metrics?.timerErrors.inc();
    try {
      if (timer.attempts >= this.#maxAttempts) {
        await timers.markFailed(timer.id, 'ERROR', this.#wallClock.now().toISOString());
        metrics?.timersFinished.inc({ outcome: 'failed' });
        logger.error({ ...ids, err: error }, 'timer firing failed too often; marked failed');
        return 'failed';
      }
      const retryAt = this.#retryAt(timer.attempts);
      await timers.postponeRetry(timer.id, this.claimant, retryAt);
      logger.error({ ...ids, err: error, retryAt }, 'timer firing failed; retrying later');
    } catch (bookkeepingError) {
      // The claim's lease still ends, so another tick retries the timer.
      logger.error({ ...ids, err: error, bookkeepingError }, 'timer firing failed and its retry could not be recorded');
    }
    return 'retry';
  }

  /** Wall-clock time of the next attempt: the interval doubled per attempt, capped at the lease length. */
  #retryAt(attempts: number): string {
    const delayMs = Math.min(this.#leaseMs, this.#intervalMs * 2 ** Math.max(0, attempts - 1));
    return new Date(this.#wallClock.now().getTime() + delayMs).toISOString();
  }

  #observeLag(timer: CaseTimersTable): number | undefined {
    if (timer.sandbox_id !== null) return undefined;
    const lagSeconds = Math.max(0, (this.#options.clock.now().getTime() - Date.parse(timer.due_at)) / 1000);
    this.#options.metrics?.timerLag.observe({}, lagSeconds);
    return lagSeconds;
  }
}
