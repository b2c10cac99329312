import pg from 'pg';
import type { Logger } from 'pino';
import { CASE_CHANGE_CHANNEL } from '../../db/case-change.js';
import type { CaseChange } from '../../db/case-change.js';

/** First and longest wait before reconnecting a lost LISTEN connection, in milliseconds. */
const RECONNECT_INITIAL_DELAY_MS = 500;
const RECONNECT_MAX_DELAY_MS = 30_000;

/** `application_name` of the LISTEN session, followed by `:<process id>`. */
export const LISTENER_APPLICATION_NAME = 'case-engine-live-listener';

/** How long connecting may take before the attempt counts as failed, in milliseconds. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface PgChangeListenerOptions {
  readonly url: string;
  readonly logger: Logger;
  /** Receives every change any server process commits, this one included. */
  readonly onChange: (change: CaseChange) => void;
  /** Called after a lost connection is back: changes committed meanwhile were not heard. */
  readonly onReconnect: () => void;
}

/**
 * Hears the case changes of every server process through PostgreSQL LISTEN on a dedicated connection
 * (outside the query pool, because a pooled connection is handed to other queries between uses). A
 * lost connection is retried with exponential backoff and jitter, from 0.5 s up to 30 s.
 */
export class PgChangeListener {
  readonly #options: PgChangeListenerOptions;
  #client: pg.Client | null = null;
  #connected = false;
  #stopped = false;
  #everConnected = false;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | null = null;

  constructor(options: PgChangeListenerOptions) {
    this.#options = options;
  }

  /** Whether the LISTEN connection is up now. */
  get connected(): boolean {
    return this.#connected;
  }

  /**
   * Connects and listens. Resolves after the first attempt, whether or not it succeeded: a failed
   * attempt is logged and retried in the background, so the server starts even while LISTEN is down.
   */
  async start(): Promise<void> {
    await this.#connect();
  }

  /** Stops listening and closes the connection; no reconnect follows. */
  async close(): Promise<void> {
    this.#stopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const client = this.#client;
    this.#client = null;
    this.#connected = false;
    if (client) await client.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const client = new pg.Client({
      connectionString: this.#options.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // Names the session in pg_stat_activity, so an operator can tell which process it belongs to.
      application_name: `${LISTENER_APPLICATION_NAME}:${process.pid}`,
    });
    this.#client = client;
    client.on('notification', (message) => this.#receive(message));
    client.on('error', (error) => this.#lose(client, error));
    client.on('end', () => this.#lose(client, new Error('connection ended')));

    try {
      await client.connect();
      await client.query(`LISTEN ${CASE_CHANGE_CHANNEL}`);
    } catch (error) {
      this.#lose(client, error);
      return;
    }
    if (this.#stopped || this.#client !== client) {
      await client.end().catch(() => undefined);
      return;
    }

    const reconnected = this.#everConnected;
    this.#connected = true;
    this.#everConnected = true;
    this.#attempt = 0;
    this.#options.logger.info({ channel: CASE_CHANGE_CHANNEL, reconnected }, 'live listener connected');
    if (reconnected) this.#options.onReconnect();
  }

  #receive(message: pg.Notification): void {
    if (message.channel !== CASE_CHANGE_CHANNEL || message.payload === undefined) return;
    let change: CaseChange;
    try {
      change = JSON.parse(message.payload) as CaseChange;
    } catch (error) {
      this.#options.logger.error({ err: error, channel: message.channel }, 'live listener dropped a malformed notification');
      return;
    }
    this.#options.onChange(change);
  }

  /** Handles a failed connect or a lost connection once per client, and schedules the next attempt. */
  #lose(client: pg.Client, error: unknown): void {
    if (this.#client !== client || this.#stopped) return;
    this.#client = null;
    this.#connected = false;
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);

    this.#attempt += 1;
    const ceiling = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_INITIAL_DELAY_MS * 2 ** (this.#attempt - 1));
    const delayMs = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.#options.logger.warn({ err: error, attempt: this.#attempt, delayMs }, 'live listener connection lost; reconnecting');
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#connect();
    }, delayMs);
    this.#retryTimer.unref();
  }
}
