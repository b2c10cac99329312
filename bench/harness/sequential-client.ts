/** Latencies of requests sent one after another, with what came back. */
export interface SequentialResult {
  readonly latenciesMs: readonly number[];
  /** Response body size of the last request, in bytes. */
  readonly lastBodyBytes: number;
  /** Responses by HTTP status code. */
  readonly statusCounts: Readonly<Record<string, number>>;
}

export interface SequentialOptions {
  readonly baseUrl: string;
  /** Requests sent and discarded first, so that caches and compiled code are warm. */
  readonly warmup: number;
  readonly maxRequests: number;
  /** Stops earlier once this much time has passed, so that a slow endpoint cannot stall the suite. */
  readonly maxMs: number;
  /** Path and query of request number `index`. */
  readonly pathOf: (index: number) => string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Sends GET requests one at a time over a kept-alive connection (the global fetch) and times each until
 * its body is read, so the latency is the server's time plus one loopback round trip.
 */
export async function timeSequentialGets(options: SequentialOptions): Promise<SequentialResult> {
  if (!options.baseUrl.startsWith('http://127.0.0.1:')) {
    throw new Error(`Requests stay on loopback; refusing ${options.baseUrl}`);
  }
  const headers = options.headers ?? {};
  for (let index = 0; index < options.warmup; index++) await get(`${options.baseUrl}${options.pathOf(index)}`, headers);

  const latenciesMs: number[] = [];
  const statusCounts: Record<string, number> = {};
  let lastBodyBytes = 0;
  const deadline = performance.now() + options.maxMs;
  for (let index = 0; index < options.maxRequests && (index === 0 || performance.now() < deadline); index++) {
    const started = performance.now();
    const response = await get(`${options.baseUrl}${options.pathOf(options.warmup + index)}`, headers);
    latenciesMs.push(performance.now() - started);
    statusCounts[response.status] = (statusCounts[response.status] ?? 0) + 1;
    lastBodyBytes = response.bytes;
  }
  return { latenciesMs, lastBodyBytes, statusCounts };
}

async function get(url: string, headers: Readonly<Record<string, string>>): Promise<{ status: number; bytes: number }> {
  const response = await fetch(url, { headers });
  const body = await response.arrayBuffer();
  return { status: response.status, bytes: body.byteLength };
}
