import type { CaseChangeEmitter } from '../../db/case-change.js';
import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics-registry.js';

/** Bounds of the request latency histogram, in seconds. */
const REQUEST_DURATION_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Bounds of the timer lag histogram, in seconds: from a prompt scheduler to one that was down for a day. */
const TIMER_LAG_BOUNDS = [1, 5, 15, 60, 300, 900, 3600, 21_600, 86_400];

/** The metrics one server process exposes at GET /metrics. All counts are since the process started. */
export class ServerMetrics {
  readonly registry = new MetricsRegistry();

  readonly eventsApplied = this.registry.register(
    new Counter<'process' | 'event_type'>(
      'case_events_applied_total',
      'Events committed by this process, case creations (CASE_CREATED) and timer events included.',
    ),
  );
  readonly rejections = this.registry.register(
    new Counter<'code' | 'source'>(
      'case_rejections_total',
      'Rejected requests and timer events by error code; source is api or timer.',
    ),
  );
  readonly timerLag = this.registry.register(
    new Histogram<never>(
      'case_timer_lag_seconds',
      'Seconds from a real case timer\'s due time to its firing by this process; sandbox timers are not observed.',
      TIMER_LAG_BOUNDS,
    ),
  );
  readonly timersFinished = this.registry.register(
    new Counter<'outcome'>('case_timers_finished_total', 'Timers this process finished, by outcome: fired, obsolete or failed.'),
  );
  readonly timerErrors = this.registry.register(
    new Counter('case_timer_errors_total', 'Failed timer firings and scheduler ticks that will be retried.'),
  );
  readonly requestDuration = this.registry.register(
    new Histogram<'method' | 'route' | 'status'>(
      'http_request_duration_seconds',
      'HTTP request latency until the response headers, by method, route pattern and status.',
      REQUEST_DURATION_BOUNDS,
    ),
  );

  #liveStreams: () => number = () => 0;

  constructor() {
    this.registry.register(new Gauge('live_streams_open', 'Server-sent event streams open on this process.', () => this.#liveStreams()));
  }

  /** Counts every change committed through a store as one applied event. */
  countCommittedEvents(changes: CaseChangeEmitter): () => void {
    return changes.on((change) => this.eventsApplied.inc({ process: change.processId, event_type: change.eventType }));
  }

  /** Reads the number of open live streams at scrape time. */
  setLiveStreamCount(read: () => number): void {
    this.#liveStreams = read;
  }

  render(): string {
    return this.registry.render();
  }
}
