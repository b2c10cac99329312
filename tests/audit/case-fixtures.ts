import { hashEvent } from '../../db/hash-chain.js';
import type { CaseEventsTable } from '../../db/schema.js';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, HR, request, sendEvent, TAX } from '../support/api-client.js';
import { query, runSql } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

/**
 * Runs the worked individual back-payment to payment: creation, start-month maintenance, hr's push, the
 * declaration, tax's assessment and the payment (six events). Returns the case id.
 */
export async function paidBackPayment(baseUrl: string): Promise<string> {
  const created = await request(baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
  const id: string = created.body.id;
  const steps = [
    { actor: EMPLOYER, event: { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, channel: 'hr-online' } },
    { actor: HR, event: { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' } } },
    { actor: EMPLOYER, event: { type: 'DECLARE', channel: 'fee-client' } },
    { actor: TAX, event: { type: 'ASSESS', data: { amountFen: 123_456 } } },
    { actor: EMPLOYER, event: { type: 'PAY', data: { amountFen: 123_456 }, channel: 'fee-client' } },
  ];
  for (const [index, step] of steps.entries()) {
    const response = await sendEvent(baseUrl, id, step.actor, { ...step.event, expectedVersion: index + 1 });
    if (response.status !== 200) throw new Error(`${step.event.type} failed: ${response.text}`);
  }
  return id;
}

/** Opens a case with three events: creation, start-month maintenance and hr's push. Returns its id. */
export async function pushedBackPayment(baseUrl: string): Promise<string> {
  const created = await request(baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
  const id: string = created.body.id;
  await sendEvent(baseUrl, id, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' });
  await sendEvent(baseUrl, id, HR, { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 2 });
  return id;
}

/**
 * Deletes a case's newest event and sets the case row back to the event before it, as a tamperer familiar
 * with the schema would, so that the hash chain on its own still verifies.
 */
export async function truncateNewestEvent(database: TestDatabase, caseId: string): Promise<void> {
  const events = await query(database, 'select seq, hash from case_events where case_id = ? order by seq', [caseId]);
  const newest = events.at(-1);
  const previous = events.at(-2);
  if (!newest || !previous) throw new Error(`case ${caseId} has fewer than two events`);
  await runSql(database, 'delete from case_events where case_id = ? and seq = ?', caseId, newest['seq']);
  await runSql(database, 'update cases set version = ?, head_hash = ? where id = ?', previous['seq'], previous['hash'], caseId);
}

/**
 * Rewrites one event's data and recomputes every hash from there to the head, the case row included, as
 * a tamperer familiar with the hashing would. The chain then verifies, so only a replay or a checkpoint
 * detects the change.
 */
export async function rewriteEventData(database: TestDatabase, caseId: string, seq: number, data: unknown): Promise<void> {
  const rows = (await query(database, 'select * from case_events where case_id = ? order by seq', [caseId])) as unknown as CaseEventsTable[];
  let previousHash: string | null = null;
  for (const row of rows) {
    const event = { ...row, seq: Number(row.seq) };
    if (event.seq < seq) {
      previousHash = event.hash;
      continue;
    }
    const rewritten = { ...event, data: event.seq === seq ? JSON.stringify(data) : event.data, prev_hash: previousHash ?? event.prev_hash };
    const { hash: _old, ...fields } = rewritten;
    const hash = hashEvent(fields);
    await runSql(database, 'update case_events set data = ?, prev_hash = ?, hash = ? where id = ?', rewritten.data, rewritten.prev_hash, hash, event.id);
    previousHash = hash;
  }
  await runSql(database, 'update cases set head_hash = ? where id = ?', previousHash, caseId);
}
