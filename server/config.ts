import { z } from 'zod';
import { DEFAULT_DATABASE_URL } from '../db/connect.js';

/** Server settings, read once from the environment at start-up. */
export interface ServerConfig {
  /** TCP port; `PORT`, default 3000. */
  readonly port: number;
  /** Listening address; `HOST`, default 127.0.0.1 (loopback only). */
  readonly host: string;
  /** `DATABASE_URL`: a SQLite file path (default ./data/cases.db). */
  readonly databaseUrl: string;
  /** `SEED_DEMO`: seed demo cases into an empty database unless set to 0. */
  readonly seedDemo: boolean;
  /** `LOG_LEVEL`: pino level, default info. */
  readonly logLevel: string;
  /**
   * `CLOCK_START`: an ISO 8601 instant the server clock starts from and then advances in real time, for
   * demonstrations and process tests; unset means the system clock.
   */
  readonly clockStart: Date | undefined;
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  SEED_DEMO: z.enum(['0', '1']).default('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLOCK_START: z.iso.datetime({ offset: true }).optional(),
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
    seedDemo: values.SEED_DEMO === '1',
    logLevel: values.LOG_LEVEL,
    clockStart: values.CLOCK_START ? new Date(values.CLOCK_START) : undefined,
  };
}
