import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { CaseError } from '../../machines/engine/case-error.js';
import { CaseStore } from '../../db/case-store.js';
import { openDatabase } from '../../db/connect.js';
import type { DatabaseConnection, DatabaseDialect } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';
import { createApp } from '../../server/app.js';
import type { AppOptions } from '../../server/app.js';
import { fromPrivateKey } from '../../server/audit/checkpoint-key.js';
import type { CheckpointKey } from '../../server/audit/checkpoint-key.js';
import type { AppAccessOptions } from '../../server/auth/install-access-control.js';
import { newUserSchema } from '../../server/auth/user-input.js';
import { UserStore } from '../../server/auth/user-store.js';
import { ManualClock } from '../../server/clock.js';
import { registerProvisioner, userOf } from './api-client.js';
import type { TestActor } from './api-client.js';
import { createTestDatabase } from './databases.js';
import type { TestDatabase } from './databases.js';

/** A running app on 127.0.0.1 over a real database, with a manual clock and captured log lines. */
export interface TestServer {
  readonly baseUrl: string;
  readonly database: TestDatabase;
  readonly clock: ManualClock;
  readonly logLines: string[];
  readonly connection: DatabaseConnection;
  readonly store: CaseStore;
  readonly logger: Logger;
  /** The users and tokens of the app, for tests that manage them directly. */
  readonly users: UserStore;
  /** The access settings the app runs with: session secret, checkpoint key, limits. */
  readonly access: AppAccessOptions;
  /** The app itself, for tests that list its routes. */
  readonly app: OpenAPIHono;
  /** Stops the HTTP server and closes the connection; the database stays until `database.drop()`. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly dialect?: DatabaseDialect;
  /** Reuse an existing database (a restart, or a second server); a new empty one when absent. */
  readonly database?: TestDatabase;
  readonly now?: Date;
  /** Access settings that replace the test defaults (see `testAccess`). */
  readonly access?: Partial<AppAccessOptions>;
  /** Further app options, such as a live hub or a scheduler. */
  readonly app?: Partial<Omit<AppOptions, 'store' | 'clock' | 'logger' | 'newId' | 'access'>>;
}

/** A session secret for test servers only. */
export const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdef';

/** Generates a new Ed25519 checkpoint key. */
export function generateCheckpointKey(): CheckpointKey {
  return fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
}

/**
 * Access settings of test servers: a fixed session secret, a fresh checkpoint key, and a write limit high
 * enough that no test other than the rate-limit test reaches it.
 */
function testAccess(overrides: Partial<AppAccessOptions> = {}): AppAccessOptions {
  return {
    sessionSecret: TEST_SESSION_SECRET,
    checkpointKey: generateCheckpointKey(),
    writeRateLimit: { limit: 100_000, windowMs: 60_000 },
    ...overrides,
  };
}

/**
 * Starts the app on a free loopback port over a real database. `request()` can sign in as any test actor
 * there: the actor's user and an API token are created in the database on first use.
 */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(options.dialect ?? 'sqlite'));
  const connection: DatabaseConnection = openDatabase(database.url);
  await migrateToLatest(connection.db as never);

  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const clock = new ManualClock(options.now ?? new Date('2024-01-15T02:00:00Z'));
  const store = new CaseStore(connection.db, uuidv7);
  const access = testAccess(options.access);
  const app = createApp({ ...options.app, store, clock, logger, newId: uuidv7, access });

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const users = new UserStore(connection.db, uuidv7);
  const unregister = registerProvisioner(baseUrl, (actor) => provisionActorToken(connection.db, actor));
  return {
    baseUrl,
    database,
    clock,
    logLines,
    connection,
    store,
    logger,
    users,
    access,
    app,
    close: async () => {
      unregister();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
    },
  };
}

/**
 * Creates the user of a test actor unless it exists, and a new API token for it. Throws when a user of
 * that name exists with another role, agency or employer code, since two tests then disagree on who it is.
 */
export async function provisionActorToken(db: Kysely<Database>, actor: TestActor): Promise<string> {
  const users = new UserStore(db, uuidv7);
  const wanted = newUserSchema.parse(userOf(actor));
  const now = new Date();
  let user = await users.findUserByUsername(wanted.username);
  if (!user) {
    try {
      await users.createUser(wanted, 'test-setup', now);
    } catch (error) {
      // Another server on the same database created it first.
      if (!(error instanceof CaseError && error.code === 'USERNAME_TAKEN')) throw error;
    }
    user = await users.findUserByUsername(wanted.username);
  }
  if (!user || user.role !== wanted.role || user.agency !== (wanted.agency ?? null) || user.employer_code !== (wanted.employerCode ?? null)) {
    throw new Error(`Test user ${wanted.username} exists with another role, agency or employer code`);
  }
  const { token } = await users.createToken(user.id, { label: 'test' }, 'test-setup', now);
  return token;
}
