import { z } from 'zod';

/** Settings of sign-in, limits and checkpoints, read from the environment with the rest of the configuration. */
export interface AccessConfig {
  /** `NODE_ENV=production`: a missing `SESSION_SECRET` stops the start, and cookies are sent over HTTPS only. */
  readonly production: boolean;
  /**
   * `SESSION_SECRET`: key of the session cookie's HMAC signature, at least 32 characters. Outside
   * production a random one is made at each start when unset, so sessions end at every restart and do not
   * work across several server processes.
   */
  readonly sessionSecret: string | undefined;
  /** `PUBLIC_ORIGINS`: comma-separated origins users open the server at, such as `https://shebao.example.cn`, when a proxy sits in front. */
  readonly publicOrigins: readonly string[];
  /** `CHECKPOINT_PRIVATE_KEY`: an Ed25519 private key in PEM (PKCS#8); `\n` escapes are accepted. */
  readonly checkpointPrivateKey: string | undefined;
  /** `CHECKPOINT_KEY_FILE`: a path to such a key, used when `CHECKPOINT_PRIVATE_KEY` is unset. */
  readonly checkpointKeyFile: string | undefined;
  /** `CHECKPOINT_INTERVAL_MINUTES`: minutes between scheduled checkpoints, default 60; 0 turns the schedule off. */
  readonly checkpointIntervalMinutes: number;
  /** `WRITE_RATE_LIMIT_PER_MINUTE`: writes per token or session per minute, default 120. */
  readonly writeRateLimitPerMinute: number;
  /** `MAX_BODY_KIB`: largest request body in KiB, default 64 (an uploaded checkpoint may be larger). */
  readonly maxBodyKib: number;
}

const accessEnvSchema = z.object({
  NODE_ENV: z.string().optional(),
  SESSION_SECRET: z.string().min(32, { message: 'SESSION_SECRET must be at least 32 characters' }).optional(),
  PUBLIC_ORIGINS: z.string().optional(),
  CHECKPOINT_PRIVATE_KEY: z.string().min(1).optional(),
  CHECKPOINT_KEY_FILE: z.string().min(1).optional(),
  CHECKPOINT_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  WRITE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  MAX_BODY_KIB: z.coerce.number().int().min(1).max(10 * 1024).default(64),
});

/** Reads the access settings; throws an error naming every invalid variable. */
export function readAccessConfig(env: NodeJS.ProcessEnv): AccessConfig {
  const parsed = accessEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  const values = parsed.data;
  const production = values.NODE_ENV === 'production';
  if (production && values.SESSION_SECRET === undefined) {
    throw new Error('Invalid environment: SESSION_SECRET is required when NODE_ENV=production (at least 32 random characters)');
  }
  return {
    production,
    sessionSecret: values.SESSION_SECRET,
    publicOrigins: (values.PUBLIC_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter((origin) => origin.length > 0),
    checkpointPrivateKey: values.CHECKPOINT_PRIVATE_KEY,
    checkpointKeyFile: values.CHECKPOINT_KEY_FILE,
    checkpointIntervalMinutes: values.CHECKPOINT_INTERVAL_MINUTES,
    writeRateLimitPerMinute: values.WRITE_RATE_LIMIT_PER_MINUTE,
    maxBodyKib: values.MAX_BODY_KIB,
  };
}
