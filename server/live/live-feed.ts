import type { Logger } from 'pino';
import type { CaseStore } from '../../db/case-store.js';
import type { DatabaseDialect } from '../../db/connect.js';
import { LiveHub } from './live-hub.js';
import { PgChangeListener } from './pg-change-listener.js';

/** The live hub of a process and, on PostgreSQL, the LISTEN connection that feeds it. */
export interface LiveFeed {
  readonly hub: LiveHub;
  readonly listener: PgChangeListener | null;
  /** Closes every open stream, then the listener. */
  close(): Promise<void>;
}

/** Creates a hub that receives only the commits made through this store: enough for one process, as with SQLite. */
export function feedFromStore(store: CaseStore): LiveHub {
  const hub = new LiveHub();
  store.changes.on((change) => hub.publish(change));
  return hub;
}

/**
 * Starts the live feed of a server process. On PostgreSQL the hub receives every process's commits through
 * LISTEN, its own included, so it does not also listen to the store. On SQLite it receives this process's
 * store, the only writer whose changes have viewers.
 */
export async function startLiveFeed(options: {
  readonly dialect: DatabaseDialect;
  readonly databaseUrl: string;
  readonly store: CaseStore;
  readonly logger: Logger;
}): Promise<LiveFeed> {
  if (options.dialect !== 'postgres') {
    const hub = feedFromStore(options.store);
    return { hub, listener: null, close: async () => hub.close() };
  }

  const hub = new LiveHub();
  const listener = new PgChangeListener({
    url: options.databaseUrl,
    logger: options.logger.child({ component: 'live-listener' }),
    onChange: (change) => hub.publish(change),
    onReconnect: () => hub.resync('listener-reconnected'),
  });
  await listener.start();
  return {
    hub,
    listener,
    close: async () => {
      hub.close();
      await listener.close();
    },
  };
}
