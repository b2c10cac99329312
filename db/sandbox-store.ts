import type { Kysely } from 'kysely';
import type { Database, SandboxesTable } from './schema.js';

/** Result of moving a sandbox's simulated date. */
export type SandboxDateUpdate =
  | { readonly ok: true; readonly sandbox: SandboxesTable }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'backwards'; readonly current: SandboxesTable };

/** Reads and writes training sandboxes. */
export class SandboxStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async createSandbox(row: SandboxesTable): Promise<SandboxesTable> {
    await this.#db.insertInto('sandboxes').values(row).execute();
    return row;
  }

  async getSandbox(id: string): Promise<SandboxesTable | undefined> {
    return this.#db.selectFrom('sandboxes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Sets the simulated date if it does not move backwards. The check is in the UPDATE itself, so two
   * trainers moving one sandbox at once cannot take it back in time.
   */
  async setSimulatedDate(id: string, date: string): Promise<SandboxDateUpdate> {
    const updated = await this.#db
      .updateTable('sandboxes')
      .set({ simulated_date: date })
      .where('id', '=', id)
      .where('simulated_date', '<=', date)
      .returningAll()
      .executeTakeFirst();
    if (updated) return { ok: true, sandbox: updated };

    const current = await this.getSandbox(id);
    return current ? { ok: false, reason: 'backwards', current } : { ok: false, reason: 'not-found' };
  }
}
