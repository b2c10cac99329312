/**
 * One unit of repeated work: it does some operations (one event, one case path, one batch) and returns how
 * many it did, so that a rate can be computed whatever the unit size.
 */
export type Workload = () => number | Promise<number>;

/** How long to warm up and how many timed samples of what length to take. */
export interface SamplingPlan {
  readonly warmupMs: number;
  readonly samples: number;
  readonly sampleMs: number;
}

/** Runs a workload until at least `durationMs` has passed; returns operations per second. */
export async function measureRate(workload: Workload, durationMs: number): Promise<number> {
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(durationMs * 1e6));
  let operations = 0;
  let now = started;
  while (now < deadline) {
    operations += await workload();
    now = process.hrtime.bigint();
  }
  return operations / (Number(now - started) / 1e9);
}

/**
 * Warms every contender up, then takes the samples round-robin (A, B, A, B, ...) so that drift during the
 * run (a growing database file, garbage collection, CPU frequency) falls on every contender alike.
 * Returns the rates of each contender in operations per second, keyed as given.
 */
export async function sampleRates<TName extends string>(
  contenders: Readonly<Record<TName, Workload>>,
  plan: SamplingPlan,
): Promise<Record<TName, number[]>> {
  const names = Object.keys(contenders) as TName[];
  for (const name of names) await measureRate(contenders[name], plan.warmupMs);

  const rates = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<TName, number[]>;
  for (let sample = 0; sample < plan.samples; sample++) {
    for (const name of names) rates[name].push(await measureRate(contenders[name], plan.sampleMs));
  }
  return rates;
}

/** Runs an async task once and returns how long it took in milliseconds, with its result. */
export async function timed<T>(task: () => Promise<T> | T): Promise<{ readonly ms: number; readonly result: T }> {
  const started = process.hrtime.bigint();
  const result = await task();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}
