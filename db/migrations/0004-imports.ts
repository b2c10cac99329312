import type { Kysely } from 'kysely';

/**
 * Month-end push files that were imported, each applied row of them, and files uploaded through the API.
 * A row is recorded in the transaction that applies it, so a re-run of the same file skips exactly the
 * rows already applied.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('imports')
    .addColumn('sha256', 'text', (col) => col.primaryKey())
    .addColumn('file_name', 'text', (col) => col.notNull())
    .addColumn('row_count', 'integer', (col) => col.notNull())
    .addColumn('started_at', 'text', (col) => col.notNull())
    .addColumn('started_by', 'text', (col) => col.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  await db.schema
    .createTable('import_rows')
    .addColumn('sha256', 'text', (col) => col.notNull().references('imports.sha256'))
    .addColumn('row_number', 'integer', (col) => col.notNull())
    .addColumn('case_id', 'text', (col) => col.notNull())
    .addColumn('applied_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('import_rows_pk', ['sha256', 'row_number'])
    .execute();

  // Files uploaded through the API wait here between the dry run and the confirmation.
  await db.schema
    .createTable('import_uploads')
    .addColumn('sha256', 'text', (col) => col.primaryKey())
    .addColumn('file_name', 'text', (col) => col.notNull())
    .addColumn('format', 'text', (col) => col.notNull())
    .addColumn('content_base64', 'text', (col) => col.notNull())
    .addColumn('uploaded_by', 'text', (col) => col.notNull())
    .addColumn('uploaded_at', 'text', (col) => col.notNull())
    .execute();

  // Imports look people up by employer and ID number (is the person insured there, is a change open).
  await db.schema.createIndex('cases_employer_person').on('cases').columns(['employer_code', 'person_id_number']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_employer_person').execute();
  await db.schema.dropTable('import_uploads').execute();
  await db.schema.dropTable('import_rows').execute();
  await db.schema.dropTable('imports').execute();
}
