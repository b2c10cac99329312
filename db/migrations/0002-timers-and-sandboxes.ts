import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Training sandboxes with their simulated business date, the sandbox of each case, and the cases'
 * durable deadline timers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sandboxes')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('simulated_date', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute();

  await db.schema.alterTable('cases').addColumn('sandbox_id', 'text', (col) => col.references('sandboxes.id')).execute();
  await db.schema.createIndex('cases_sandbox').on('cases').columns(['sandbox_id', 'id']).execute();

  await db.schema
    .createTable('case_timers')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('case_id', 'text', (col) => col.notNull().references('cases.id'))
    .addColumn('sandbox_id', 'text', (col) => col.references('sandboxes.id'))
    .addColumn('timer_key', 'text', (col) => col.notNull())
    .addColumn('event_type', 'text', (col) => col.notNull())
    .addColumn('data', 'text', (col) => col.notNull())
    .addColumn('due_on', 'text', (col) => col.notNull())
    .addColumn('due_at', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('fired_event_id', 'text')
    .addColumn('outcome', 'text')
    .execute();
  // The scheduler's query: pending timers in due order.
  await db.schema.createIndex('case_timers_pending_due').on('case_timers').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('case_timers_case').on('case_timers').columns(['case_id', 'status']).execute();
  // At most one pending timer per case and key, whichever process writes it.
  await db.schema
    .createIndex('case_timers_one_pending_per_key')
    .on('case_timers')
    .columns(['case_id', 'timer_key'])
    .unique()
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_timers').execute();
  await db.schema.dropIndex('cases_sandbox').execute();
  await db.schema.alterTable('cases').dropColumn('sandbox_id').execute();
  await db.schema.dropTable('sandboxes').execute();
}
