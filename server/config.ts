import { z } from 'zod';
import { DEFAULT_DATABASE_URL, DEFAULT_POSTGRES_POOL_SIZE } from '../db/connect.js';
import { readAccessConfig } from './auth/access-config.js';
import type { AccessConfig } from './auth/access-config.js';
import { DEFAULT_SCHEDULER_INTERVAL_MS } from './scheduler/timer-scheduler.js';

/** Server settings, read once from the environment at start-up. */
export interface ServerConfig {
  /** TCP port; `PORT`, default 3000. */
  readonly port: number;
  /** Listening address; `HOST`, default 127.0.0.1 (loopback only). */
  readonly host: string;
  /** `DATABASE_URL`: a SQLite file path (default ./data/cases.db) or a `postgres://` URL. */
  readonly databaseUrl: string;
  /** `DATABASE_POOL_SIZE`: PostgreSQL connections per server process, default 10. */
  readonly databasePoolSize: number;
  /** `SEED_DEMO`: seed demo cases into an empty database unless set to 0. */
  readonly seedDemo: boolean;
  /** `LOG_LEVEL`: pino level, default info. */
  readonly logLevel: string;
  /**
   * `CLOCK_START`: an ISO 8601 instant the server clock starts from and then advances in real time, for
   * demonstrations and process tests; unset means the system clock.
   */
  readonly clockStart: Date | undefined;
  /** `SCHEDULER_INTERVAL_MS`: pause between two ticks of the timer scheduler, default 5000. */
  readonly schedulerIntervalMs: number;
  /** Sign-in, request limits and checkpoints (see `AccessConfig`). */
  readonly access: AccessConfig;
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_POSTGRES_POOL_SIZE),
  SEED_DEMO: z.enum(['0', '1']).default('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(DEFAULT_SCHEDULER_INTERVAL_MS),
});

/** Reads the configuration; throws an error naming every invalid variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    seedDemo: values.SEED_DEMO === '1',
    logLevel: values.LOG_LEVEL,
    clockStart: values.CLOCK_START ? new Date(values.CLOCK_START) : undefined,
    schedulerIntervalMs: values.SCHEDULER_INTERVAL_MS,
    access: readAccessConfig(env),
  };
}
