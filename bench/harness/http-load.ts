import autocannon from 'autocannon';
import { percentile } from './statistics.js';

/** A request as the load generator sends it. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface LoadOptions {
  readonly baseUrl: string;
  /** How long to run, in seconds; ignored when `amount` is set. */
  readonly durationS: number;
  /** Stops after this many requests instead of after `durationS`. */
  readonly amount?: number;
  readonly connections: number;
  /** Requests per second over all connections; unlimited when absent. */
  readonly overallRate?: number;
  /** Called once per request, in order, to build it (so that every request can name another case). */
  readonly nextRequest: () => LoadRequest;
}

export interface LoadResult {
  readonly completed: number;
  readonly durationS: number;
  readonly requestsPerSecond: number;
  /** Latency of every completed request, in milliseconds. */
  readonly latenciesMs: readonly number[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses by HTTP status code. */
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Connection errors and timeouts. */
  readonly errors: number;
}

/**
 * Runs autocannon against 127.0.0.1 for a fixed time or count. Latencies are recorded from autocannon's
 * `response` events rather than its histogram. With a rate limit, autocannon 8 corrects for coordinated
 * omission with an expected interval of `Math.ceil(1 / rate)`, where `rate` is requests per second per
 * connection (lib/run.js). That interval is always 1 ms, so the corrected percentiles would count a 12 ms
 * response twelve times.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (!options.baseUrl.startsWith('http://127.0.0.1:')) {
    throw new Error(`Load tests stay on loopback; refusing to load ${options.baseUrl}`);
  }
  const latenciesMs: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        duration: options.durationS,
        ...(options.amount !== undefined ? { amount: options.amount } : {}),
        ...(options.overallRate !== undefined ? { overallRate: options.overallRate, ignoreCoordinatedOmission: true } : {}),
        timeout: 10,
        requests: [{ setupRequest: (request) => ({ ...request, ...options.nextRequest() }) }],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, _statusCode, _bytes, responseTimeMs) => latenciesMs.push(responseTimeMs));
  });

  const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, stats]) => [status, stats.count]));
  const completed = latenciesMs.length;
  return {
    completed,
    durationS: result.duration,
    requestsPerSecond: completed / result.duration,
    latenciesMs,
    p50Ms: completed > 0 ? percentile(latenciesMs, 0.5) : Number.NaN,
    p99Ms: completed > 0 ? percentile(latenciesMs, 0.99) : Number.NaN,
    statusCounts,
    errors: result.errors + result.timeouts,
  };
}

/** Status counts as `200: 9,998, 409: 2`. */
export function describeStatuses(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([status, count]) => `${status}: ${count.toLocaleString('en-US')}`)
    .join(', ');
}

/** Status counts of several runs added up. */
export function sumStatusCounts(results: readonly LoadResult[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const result of results) {
    for (const [status, count] of Object.entries(result.statusCounts)) total[status] = (total[status] ?? 0) + count;
  }
  return total;
}
