import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CaseStore } from '../../db/case-store.js';
import type { Database } from '../../db/schema.js';
import { loadCheckpointKey } from '../audit/checkpoint-key.js';
import { startCheckpointSchedule } from '../audit/checkpoint-schedule.js';
import { CheckpointService } from '../audit/checkpoints.js';
import type { Clock } from '../clock.js';
import type { AccessConfig } from './access-config.js';
import type { AppAccessOptions } from './install-access-control.js';
import { generateSessionSecret } from './secrets.js';

/** The command that creates the first administrator, as `npm start` prints it on an empty user table. */
export const FIRST_ADMIN_COMMAND = 'npm run cli -- user add admin --role admin --password-stdin';

/**
 * Turns the access settings into app options: loads the checkpoint key (throws on an unreadable or
 * non-Ed25519 key) and, outside production, makes a session secret when none is set, with a warning.
 */
export function resolveAccessOptions(config: AccessConfig, logger: Logger): AppAccessOptions {
  let sessionSecret = config.sessionSecret;
  if (sessionSecret === undefined) {
    sessionSecret = generateSessionSecret();
    logger.warn(
      'SESSION_SECRET is not set, so a random one was made for this process: browser sessions end at every restart and do not work across several server processes. Set SESSION_SECRET to at least 32 random characters.',
    );
  }
  const checkpointKey = loadCheckpointKey({ pem: config.checkpointPrivateKey, file: config.checkpointKeyFile });
  if (!checkpointKey) {
    logger.warn('no checkpoint key is configured (CHECKPOINT_PRIVATE_KEY or CHECKPOINT_KEY_FILE), so checkpoints are off');
  }
  return {
    sessionSecret,
    secureCookies: config.production,
    publicOrigins: config.publicOrigins,
    maxBodyBytes: config.maxBodyKib * 1024,
    writeRateLimit: { limit: config.writeRateLimitPerMinute, windowMs: 60_000 },
    checkpointKey,
  };
}

/** Logs how to create the first administrator when the user table is empty. */
export async function logFirstAdminHint(db: Kysely<Database>, logger: Logger): Promise<void> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirst();
  if (Number(row?.count ?? 0) > 0) return;
  logger.warn(
    { command: FIRST_ADMIN_COMMAND },
    `no users exist yet: create the first administrator with \`${FIRST_ADMIN_COMMAND}\` (type the password, then press Enter), then create users and tokens through the CLI or /api/admin`,
  );
}

/** Starts scheduled checkpoints when a key is configured and the interval is not 0; returns how to stop them. */
export function startScheduledCheckpoints(
  config: AccessConfig,
  options: AppAccessOptions,
  store: CaseStore,
  clock: Clock,
  newId: () => string,
  logger: Logger,
): { stop(): void } {
  if (!options.checkpointKey || config.checkpointIntervalMinutes === 0) return { stop: () => undefined };
  const checkpoints = new CheckpointService({ store, key: options.checkpointKey, clock, newId });
  return startCheckpointSchedule(checkpoints, config.checkpointIntervalMinutes * 60_000, logger);
}
