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

  /**
   * Creates a sandbox in place of an earlier one, in one transaction: the new sandbox is inserted and the
   * replaced sandbox is deleted with its cases, their events, links and timers. Returns the number of
   * cases deleted, or null (and changes nothing) when the replaced sandbox does not exist.
   * Rows that only name a case id without a foreign key, such as the personal-data access log, are kept.
   * Checkpoints leave sandbox cases out (server/audit/checkpoints.ts), so deleting them breaks none.
   */
  async replaceSandbox(row: SandboxesTable, replacedId: string): Promise<{ readonly deletedCases: number } | null> {
    return this.#db.transaction().execute(async (trx) => {
      const replaced = await trx.selectFrom('sandboxes').select('id').where('id', '=', replacedId).executeTakeFirst();
      if (!replaced) return null;
      await trx.insertInto('sandboxes').values(row).execute();

      const caseIds = trx.selectFrom('cases').select('id').where('sandbox_id', '=', replacedId);
      await trx.deleteFrom('case_timers').where((eb) => eb.or([eb('sandbox_id', '=', replacedId), eb('case_id', 'in', caseIds)])).execute();
      await trx.deleteFrom('case_links').where((eb) => eb.or([eb('from_case_id', 'in', caseIds), eb('to_case_id', 'in', caseIds)])).execute();
      await trx.deleteFrom('case_events').where('case_id', 'in', caseIds).execute();
      const deleted = await trx.deleteFrom('cases').where('sandbox_id', '=', replacedId).executeTakeFirst();
      await trx.deleteFrom('sandboxes').where('id', '=', replacedId).execute();
      return { deletedCases: Number(deleted.numDeletedRows) };
    });
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
