import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATABASE_URL, isPostgresUrl, openDatabase } from '../../db/connect.js';
import type { DatabaseConnection } from '../../db/connect.js';
import { registerProvisioner } from './api-client.js';
import { provisionActorToken, TEST_SESSION_SECRET } from './test-server.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A `server/main.ts` process started as `npm start` would, on a free loopback port. */
export interface ServerProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  readonly output: string[];
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

/** How long a server process may take to log that it listens, in milliseconds. */
const START_TIMEOUT_MS = 20_000;

/**
 * Environment of server processes unless the test sets it: a test session secret, and a write limit
 * high enough that no test other than the rate-limit test reaches it.
 */
const TEST_ENV = { SESSION_SECRET: TEST_SESSION_SECRET, WRITE_RATE_LIMIT_PER_MINUTE: '100000' };

/** Servers started by this test worker and not yet exited. */
const runningChildren = new Set<ChildProcess>();

// A test that fails before its cleanup must not leave servers running after the worker ends.
process.once('exit', () => {
  for (const child of runningChildren) child.kill('SIGKILL');
});

/**
 * Starts `server/main.ts` as `npm start` does. `request()` can sign in as any test actor there: the
 * actor's user and an API token are created in the server's database (DATABASE_URL) on first use.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: '0', LOG_LEVEL: 'info', ...TEST_ENV, ...env };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: projectRoot,
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  runningChildren.add(child);
  void exited.then(() => runningChildren.delete(child));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('\n')}`)), START_TIMEOUT_MS);
    const onLine = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        output.push(line);
        const parsed = safeJson(line);
        if (parsed?.msg === 'server listening' && typeof parsed.port === 'number') {
          clearTimeout(timer);
          resolve(parsed.port);
        }
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output.join('\n')}`));
    });
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  let connection: DatabaseConnection | undefined;
  const unregister = registerProvisioner(baseUrl, (actor) => {
    connection ??= openDatabase(databaseUrlOf(fullEnv['DATABASE_URL']));
    return provisionActorToken(connection.db, actor);
  });
  return {
    baseUrl,
    child,
    output,
    stop: async () => {
      unregister();
      child.kill('SIGTERM');
      const code = await exited;
      await connection?.close();
      return code;
    },
  };
}

/** The database a server process uses, with a relative SQLite path taken from the project root as the process does. */
function databaseUrlOf(url: string | undefined): string {
  const value = url ?? DEFAULT_DATABASE_URL;
  if (isPostgresUrl(value)) return value;
  const path = value.replace(/^(file|sqlite):(\/\/)?/, '');
  return isAbsolute(path) || path === ':memory:' ? path : resolvePath(projectRoot, path);
}

function safeJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
