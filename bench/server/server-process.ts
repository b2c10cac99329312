import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProfileSummary } from '../harness/cpu-profile.js';
import type { MemoryReading, ProbeReply, ProbeRequest } from './protocol.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));

/** How long the server may take to listen, reply to a probe request or stop, in milliseconds. */
const SERVER_TIMEOUT_MS = 30_000;

/** Lines of the server's output kept for error messages. */
const KEPT_OUTPUT_LINES = 40;

/**
 * Writes per API token per minute allowed during benchmarks: the largest WRITE_RATE_LIMIT_PER_MINUTE the
 * configuration accepts, because the default (120) would reject almost every request of a load test.
 */
const BENCH_WRITE_RATE_LIMIT = '1000000';

/** A running `server/main.ts` with the probe preloaded, and what the benchmark can ask of it. */
export interface BenchServer {
  readonly baseUrl: string;
  readonly pid: number;
  /** Memory after forced garbage collection; needs `exposeGc`. */
  measureMemory(): Promise<MemoryReading>;
  /** Profiles the server's CPU while `during` runs in this process, typically a load against the server. */
  profile<T>(title: string, during: () => Promise<T>): Promise<{ readonly summary: ProfileSummary; readonly result: T }>;
  /** Sends SIGTERM, which main.ts handles with a graceful stop, and waits for the exit. */
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  readonly databasePath: string;
  /** Starts Node with --expose-gc so that memory readings can collect garbage first. */
  readonly exposeGc?: boolean;
}

/**
 * Starts the product's server as `npm start` does (server/main.ts through tsx, SQLite in WAL mode, pino at
 * info on stdout, timer scheduler running) on 127.0.0.1 with an ephemeral port, with demo seeding off and
 * the write rate limit raised. Its logs are read and dropped, as a log collector would read them.
 */
export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const child = spawn(
    process.execPath,
    [...(options.exposeGc ? ['--expose-gc'] : []), '--import', 'tsx', '--import', PROBE, 'server/main.ts'],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: options.databasePath,
        HOST: '127.0.0.1',
        PORT: '0',
        SEED_DEMO: '0',
        LOG_LEVEL: 'info',
        WRITE_RATE_LIMIT_PER_MINUTE: BENCH_WRITE_RATE_LIMIT,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const failure = (message: string): Error => new Error(`${message}\nlast server output:\n${output.join('\n')}`);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(failure(`server did not listen within ${SERVER_TIMEOUT_MS} ms`)), SERVER_TIMEOUT_MS);
    const onChunk = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        output.push(line);
        const listening = listeningPort(line);
        if (listening !== undefined) {
          clearTimeout(timer);
          resolve(listening);
        }
      }
      output.splice(0, Math.max(0, output.length - KEPT_OUTPUT_LINES));
    };
    child.stdout?.on('data', onChunk);
    child.stderr?.on('data', onChunk);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(failure(`server exited with ${code} before listening`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw failure('server process has no id');

  const ask = <TType extends ProbeReply['type']>(request: ProbeRequest, replyType: TType): Promise<Extract<ProbeReply, { type: TType }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(failure(`probe sent no ${replyType} within ${SERVER_TIMEOUT_MS} ms`)), SERVER_TIMEOUT_MS);
      const onMessage = (reply: ProbeReply): void => {
        if (reply.type === replyType) finish(undefined, reply as Extract<ProbeReply, { type: TType }>);
        else if (reply.type === 'failed') finish(failure(`probe failed: ${reply.message}`));
      };
      const finish = (error?: Error, reply?: Extract<ProbeReply, { type: TType }>): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        if (error || !reply) reject(error ?? failure('probe sent no reply'));
        else resolve(reply);
      };
      child.on('message', onMessage);
      child.send(request);
    });

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid,
    measureMemory: async () => (await ask({ type: 'measure-memory' }, 'memory')).reading,
    profile: async (title, during) => {
      await ask({ type: 'start-profile' }, 'profile-started');
      const result = await during();
      const { summary } = await ask({ type: 'stop-profile', title }, 'profile');
      return { summary, result };
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) throw failure(`server exited with ${code} after SIGTERM`);
    },
  };
}

/** The port of main.ts's `server listening` log line, or undefined for any other line. */
function listeningPort(line: string): number | undefined {
  try {
    const parsed = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return parsed.msg === 'server listening' && typeof parsed.port === 'number' ? parsed.port : undefined;
  } catch {
    return undefined;
  }
}
