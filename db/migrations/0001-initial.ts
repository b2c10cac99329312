import type { Kysely } from 'kysely';

/** Cases, their append-only event history and the links between cases. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('process_id', 'text', (col) => col.notNull())
    .addColumn('process_version', 'integer', (col) => col.notNull())
    .addColumn('employer_code', 'text', (col) => col.notNull())
    .addColumn('fee_period_from', 'text', (col) => col.notNull())
    .addColumn('fee_period_to', 'text', (col) => col.notNull())
    .addColumn('person_id_number', 'text')
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('snapshot', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('head_hash', 'text', (col) => col.notNull())
    .addColumn('demo', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('cases_process_state').on('cases').columns(['process_id', 'state']).execute();
  await db.schema.createIndex('cases_employer').on('cases').columns(['employer_code', 'id']).execute();
  await db.schema.createIndex('cases_fee_period').on('cases').columns(['fee_period_from', 'fee_period_to']).execute();
  await db.schema.createIndex('cases_status').on('cases').columns(['status', 'id']).execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('case_id', 'text', (col) => col.notNull().references('cases.id'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('data', 'text', (col) => col.notNull())
    .addColumn('actor_id', 'text', (col) => col.notNull())
    .addColumn('actor_role', 'text', (col) => col.notNull())
    .addColumn('party', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'text', (col) => col.notNull())
    .addColumn('business_date', 'text', (col) => col.notNull())
    .addColumn('state_before', 'text')
    .addColumn('state_after', 'text', (col) => col.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .addColumn('inspection', 'text', (col) => col.notNull())
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .addUniqueConstraint('case_events_case_seq', ['case_id', 'seq'])
    .addUniqueConstraint('case_events_case_idempotency_key', ['case_id', 'idempotency_key'])
    .execute();

  await db.schema
    .createTable('case_links')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('from_case_id', 'text', (col) => col.notNull().references('cases.id'))
    .addColumn('to_case_id', 'text', (col) => col.notNull().references('cases.id'))
    .addColumn('relation', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('case_links_from').on('case_links').column('from_case_id').execute();
  await db.schema.createIndex('case_links_to').on('case_links').column('to_case_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_links').execute();
  await db.schema.dropTable('case_events').execute();
  await db.schema.dropTable('cases').execute();
}
