import type { Kysely } from 'kysely';
import type { CasesTable, Database } from './schema.js';

/** Month-end push files imported so far (migration 0004). */
export interface ImportsTable {
  /** SHA-256 of the file's bytes in hex. */
  sha256: string;
  file_name: string;
  row_count: number;
  started_at: string;
  started_by: string;
  /** Set when a real run applied every valid row; null while an interrupted import is incomplete. */
  finished_at: string | null;
}

/** One applied row of an import, written in the transaction that applied it. */
export interface ImportRowsTable {
  sha256: string;
  row_number: number;
  /** The case the row opened or advanced. */
  case_id: string;
  applied_at: string;
}

/** A file uploaded through the API, kept for its confirmation. */
export interface ImportUploadsTable {
  sha256: string;
  file_name: string;
  format: 'csv' | 'xlsx';
  content_base64: string;
  uploaded_by: string;
  uploaded_at: string;
}

export interface ImportTables {
  imports: ImportsTable;
  import_rows: ImportRowsTable;
  import_uploads: ImportUploadsTable;
}

export type ImportDatabase = Database & ImportTables;

/** An open monthly-report case, as the import checks and feeds it with pushed headcounts. */
export interface OpenMonthlyReportRow {
  readonly id: string;
  readonly version: number;
  readonly processVersion: number;
  readonly state: string;
  readonly snapshot: string;
}

function toOpenMonthlyReport(row: Pick<CasesTable, 'id' | 'version' | 'process_version' | 'state' | 'snapshot'>): OpenMonthlyReportRow {
  return { id: row.id, version: Number(row.version), processVersion: Number(row.process_version), state: row.state, snapshot: row.snapshot };
}

/** Reads and writes the import bookkeeping tables, on the database or inside a case store's transaction. */
export class ImportStore {
  readonly #db: Kysely<ImportDatabase>;

  constructor(db: Kysely<Database>) {
    this.#db = db as unknown as Kysely<ImportDatabase>;
  }

  async getImport(sha256: string): Promise<ImportsTable | undefined> {
    return this.#db.selectFrom('imports').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  }

  /** Records the start of a real run; a re-run of the same file keeps the first record. */
  async startImport(row: Omit<ImportsTable, 'finished_at'>): Promise<void> {
    if (await this.getImport(row.sha256)) return;
    await this.#db.insertInto('imports').values({ ...row, finished_at: null }).execute();
  }

  /**
   * Marks an import as in progress again. A batch runs this first, so that its SQLite transaction starts
   * with a write and takes the write lock at once, instead of failing on a stale read snapshot when
   * another process (the server, for example) commits meanwhile.
   */
  async markInProgress(sha256: string): Promise<void> {
    await this.#db.updateTable('imports').set({ finished_at: null }).where('sha256', '=', sha256).execute();
  }

  async finishImport(sha256: string, finishedAt: string): Promise<void> {
    await this.#db.updateTable('imports').set({ finished_at: finishedAt }).where('sha256', '=', sha256).execute();
  }

  /** Keeps an uploaded file; the same bytes uploaded again keep the first upload. */
  async saveUpload(upload: ImportUploadsTable): Promise<void> {
    const existing = await this.getUpload(upload.sha256);
    if (!existing) await this.#db.insertInto('import_uploads').values(upload).execute();
  }

  async getUpload(sha256: string): Promise<ImportUploadsTable | undefined> {
    return this.#db.selectFrom('import_uploads').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  }

  /** Row numbers of the file already applied, among `rowNumbers`. */
  async listAppliedRows(sha256: string, rowNumbers: readonly number[]): Promise<Set<number>> {
    if (rowNumbers.length === 0) return new Set();
    const rows = await this.#db
      .selectFrom('import_rows')
      .select('row_number')
      .where('sha256', '=', sha256)
      .where('row_number', 'in', rowNumbers)
      .execute();
    return new Set(rows.map((row) => Number(row.row_number)));
  }

  /** Lists every row number of the file applied so far. */
  async listAllAppliedRows(sha256: string): Promise<Set<number>> {
    const rows = await this.#db.selectFrom('import_rows').select('row_number').where('sha256', '=', sha256).execute();
    return new Set(rows.map((row) => Number(row.row_number)));
  }

  async recordAppliedRow(row: ImportRowsTable): Promise<void> {
    await this.#db.insertInto('import_rows').values(row).execute();
  }

  /** "employer|ID number" of every personnel-addition case of these employers: the people insured there. */
  async listInsuredPeople(employerCodes: readonly string[]): Promise<Set<string>> {
    const insured = new Set<string>();
    for (let start = 0; start < employerCodes.length; start += 500) {
      const rows = await this.#db
        .selectFrom('cases')
        .select(['employer_code', 'person_id_number'])
        .where('process_id', '=', 'personnel-addition')
        .where('employer_code', 'in', employerCodes.slice(start, start + 500))
        .where('sandbox_id', 'is', null)
        .execute();
      for (const row of rows) insured.add(`${row.employer_code}|${row.person_id_number ?? ''}`);
    }
    return insured;
  }

  /** Lists the id of an employer-registration case of each given employer that has one (the newest when several). */
  async listRegisteredEmployers(employerCodes: readonly string[]): Promise<Map<string, string>> {
    const registered = new Map<string, string>();
    for (let start = 0; start < employerCodes.length; start += 500) {
      const rows = await this.#db
        .selectFrom('cases')
        .select(['id', 'employer_code'])
        .where('process_id', '=', 'employer-registration')
        .where('employer_code', 'in', employerCodes.slice(start, start + 500))
        .where('sandbox_id', 'is', null)
        .execute();
      for (const row of rows) {
        const known = registered.get(row.employer_code);
        if (known === undefined || row.id > known) registered.set(row.employer_code, row.id);
      }
    }
    return registered;
  }

  /** Lists the active monthly-report cases of the given employers by "employer|fee period", the newest when several. */
  async listOpenMonthlyReports(employerCodes: readonly string[]): Promise<Map<string, OpenMonthlyReportRow>> {
    const reports = new Map<string, OpenMonthlyReportRow>();
    for (let start = 0; start < employerCodes.length; start += 500) {
      const rows = await this.#openMonthlyReports().where('employer_code', 'in', employerCodes.slice(start, start + 500)).execute();
      for (const row of rows) {
        const key = `${row.employer_code}|${row.fee_period_from}`;
        const known = reports.get(key);
        if (known === undefined || row.id > known.id) reports.set(key, toOpenMonthlyReport(row));
      }
    }
    return reports;
  }

  /** Finds the newest active monthly-report case of an employer for a fee period, if any. */
  async findOpenMonthlyReport(employerCode: string, feePeriod: string): Promise<OpenMonthlyReportRow | undefined> {
    const rows = await this.#openMonthlyReports().where('employer_code', '=', employerCode).where('fee_period_from', '=', feePeriod).execute();
    const newest = rows.reduce<(typeof rows)[number] | undefined>((found, row) => (found === undefined || row.id > found.id ? row : found), undefined);
    return newest && toOpenMonthlyReport(newest);
  }

  #openMonthlyReports() {
    return this.#db
      .selectFrom('cases')
      .select(['id', 'version', 'process_version', 'state', 'snapshot', 'employer_code', 'fee_period_from'])
      .where('process_id', '=', 'monthly-report')
      .where('status', '=', 'active')
      .where('sandbox_id', 'is', null);
  }

  /** Finds the newest active personal-data-change case of a person at an employer, if any. */
  async findOpenChangeCase(employerCode: string, personIdNumber: string): Promise<{ id: string; version: number } | undefined> {
    // No ORDER BY in SQL: SQLite would then walk the (employer_code, id) index instead of the person index.
    const rows = await this.#db
      .selectFrom('cases')
      .select(['id', 'version'])
      .where('process_id', '=', 'personal-data-change')
      .where('employer_code', '=', employerCode)
      .where('person_id_number', '=', personIdNumber)
      .where('status', '=', 'active')
      .where('sandbox_id', 'is', null)
      .execute();
    return rows.reduce<{ id: string; version: number } | undefined>((newest, row) => (newest === undefined || row.id > newest.id ? row : newest), undefined);
  }
}
