import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDITOR, EMPLOYER, HR, PERSON, request, tokenFor } from '../support/api-client.js';
import { runSql, testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { paidBackPayment, pushedBackPayment } from './case-fixtures.js';

/** Splits CSV text (RFC 4180, CRLF) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else cell += character;
  }
  return rows;
}

describe.each(testDialects())('audit exports on %s', (dialect) => {
  let server: TestServer;
  let paidId: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    paidId = await paidBackPayment(server.baseUrl);
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  it('JSON export holds history, hashes, diagrams and verification', async () => {
    const response = await request(server.baseUrl, 'GET', `/api/audit/cases/${paidId}/export`, { actor: AUDITOR });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`case-${paidId}.json`);
    expect(response.body).toMatchObject({ format: 'shebao-case-engine/case-export@1', exportedBy: AUDITOR.actor, personalData: 'masked' });

    const [record] = response.body.cases;
    const history = await request(server.baseUrl, 'GET', `/api/cases/${paidId}/history`);
    expect(record.history.map((event: { hash: string }) => event.hash)).toEqual(history.body.events.map((event: { hash: string }) => event.hash));
    expect(record.history[0].prevHash).toBe('0'.repeat(64));
    expect(record.case).toMatchObject({ id: paidId, version: 6, headHash: history.body.headHash, status: 'done' });
    expect(record.case.context.person).toEqual({ name: '张*', idNumber: '110105********002X' });

    expect(record.mermaid.process.zh).toMatch(/^stateDiagram-v2\n/);
    expect(record.mermaid.process.en).toMatch(/^stateDiagram-v2\n/);
    expect(record.mermaid.casePath.zh).toContain('  class s_paid current');
    expect(record.mermaid.casePath.en).toContain('visited');
    expect(record.mermaid.sequence.zh).toMatch(/^sequenceDiagram/);

    expect(record.verification.chain).toMatchObject({ intact: true, eventCount: 6 });
    expect(record.verification.replay).toMatchObject({ consistent: true, eventCount: 6 });
    expect(response.text).not.toContain(PERSON.idNumber);
    expect(response.text).not.toContain(PERSON.name);
  });

  it('CSV export has one row per event with hashes', async () => {
    const response = await request(server.baseUrl, 'GET', `/api/audit/cases/${paidId}/export?format=csv`, { actor: AUDITOR });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    // fetch's text() drops a byte order mark, so the raw bytes show it.
    const raw = await fetch(`${server.baseUrl}/api/audit/cases/${paidId}/export?format=csv`, { headers: { authorization: `Bearer ${await tokenFor(server.baseUrl, AUDITOR)}` } });
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const rows = parseCsv(response.text);
    const [header, ...events] = rows;
    expect(header).toContain('hash');
    expect(header).toContain('prev_hash');
    expect(events).toHaveLength(6);
    const column = (name: string) => (header ?? []).indexOf(name);
    expect(events.map((row) => row[column('event_type')])).toEqual(['CASE_CREATED', 'MAINTAIN_START_MONTH', 'HR_PUSH_START_MONTH', 'DECLARE', 'ASSESS', 'PAY']);
    expect(events.map((row) => row[column('party')])).toEqual(['employer', 'employer', 'hr', 'employer', 'tax', 'employer']);
    expect(JSON.parse(events[0]?.[column('data')] ?? '{}').person).toEqual({ name: '张*', idNumber: '110105********002X' });
    expect(events.every((row) => row[column('chain_verdict')] === 'intact' && row[column('replay_verdict')] === 'consistent')).toBe(true);
    expect(response.text).not.toContain(PERSON.name);
  });

  it('CSV cells that look like formulas are quoted out', async () => {
    const created = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: EMPLOYER,
      json: {
        processId: 'policy-back-payment',
        input: {
          employerCode: '91350100M000100Y43',
          person: PERSON,
          fromPeriod: '2019-01',
          toPeriod: '2019-06',
          insurances: ['pension'],
          policyBasis: '=HYPERLINK("http://example.invalid","点此")',
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const response = await request(server.baseUrl, 'GET', `/api/audit/cases/${created.body.id}/export?format=csv`, { actor: AUDITOR });
    for (const row of parseCsv(response.text)) {
      for (const cell of row) expect(cell.startsWith('=')).toBe(false);
    }
    expect(response.text).toContain('HYPERLINK');
  });

  it('export of a tampered case shows the broken verdicts', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    await runSql(server.database, `update case_events set data = '{"startMonth":"2023-01"}' where case_id = ? and seq = 2`, caseId);
    const response = await request(server.baseUrl, 'GET', `/api/audit/cases/${caseId}/export`, { actor: AUDITOR });
    const [record] = response.body.cases;
    expect(record.verification.chain).toMatchObject({ intact: false, firstBrokenSeq: 2, reason: 'hash-mismatch' });
    expect(record.verification.replay).toMatchObject({ consistent: false });
    const csv = await request(server.baseUrl, 'GET', `/api/audit/cases/${caseId}/export?format=csv`, { actor: AUDITOR });
    expect(csv.text).toContain('broken at seq 2: hash-mismatch');
  });

  it('filtered export selects and pages cases', async () => {
    const first = await request(server.baseUrl, 'GET', '/api/audit/export?process=individual-back-payment&limit=1', { actor: AUDITOR });
    expect(first.status).toBe(200);
    expect(first.body.cases).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    for (const record of first.body.cases) expect(record.case.processId).toBe('individual-back-payment');

    const next = await request(server.baseUrl, 'GET', `/api/audit/export?process=individual-back-payment&limit=1&after=${first.body.nextCursor}`, { actor: AUDITOR });
    expect(next.body.cases).toHaveLength(1);
    expect(next.body.cases[0].case.id).not.toBe(first.body.cases[0].case.id);

    const done = await request(server.baseUrl, 'GET', '/api/audit/export?status=done&format=csv', { actor: AUDITOR });
    const rows = parseCsv(done.text).slice(1);
    expect(new Set(rows.map((row) => row[0]))).toEqual(new Set([paidId]));
  });

  it('invalid export filter is 400', async () => {
    const response = await request(server.baseUrl, 'GET', '/api/audit/export?format=xlsx', { actor: AUDITOR });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('QUERY_INVALID');
  });

  it('only auditors export', async () => {
    for (const actor of [EMPLOYER, HR]) {
      const response = await request(server.baseUrl, 'GET', `/api/audit/cases/${paidId}/export`, { actor });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('ROLE_NOT_ALLOWED');
    }
  });
});
