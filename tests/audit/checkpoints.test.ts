import { createPublicKey, verify } from 'node:crypto';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../db/canonical-json.js';
import { startCheckpointSchedule } from '../../server/audit/checkpoint-schedule.js';
import { CheckpointService } from '../../server/audit/checkpoints.js';
import { AUDITOR, DECEMBER_BACK_PAYMENT, EMPLOYER, TRAINER, request } from '../support/api-client.js';
import { query, runSql, testDialects } from '../support/databases.js';
import { generateCheckpointKey, startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { pushedBackPayment, truncateNewestEvent } from './case-fixtures.js';

describe.each(testDialects())('checkpoints on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  const createCheckpoint = async () => {
    const response = await request(server.baseUrl, 'POST', '/api/audit/checkpoints', { actor: AUDITOR });
    expect(response.status, response.text).toBe(201);
    return response.body;
  };
  const verifyAgainst = (document: unknown) => request(server.baseUrl, 'POST', '/api/audit/checkpoints/verify', { actor: AUDITOR, json: document });

  it('checkpoint is signed with Ed25519 over its canonical JSON', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    const document = await createCheckpoint();
    expect(document.format).toBe('shebao-case-engine/checkpoint@1');
    expect(document.keyId).toBe(server.access.checkpointKey?.keyId);
    const head = document.heads.find((entry: { caseId: string }) => entry.caseId === caseId);
    const [row] = await query(server.database, 'select version, head_hash from cases where id = ?', [caseId]);
    expect(head).toEqual({ caseId, version: 3, headHash: row?.['head_hash'] });

    const { signature, ...signed } = document;
    const publicKey = createPublicKey(document.publicKey);
    expect(verify(null, Buffer.from(canonicalJson(signed)), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
  });

  it('stored checkpoint downloads unchanged', async () => {
    const document = await createCheckpoint();
    const listed = await request(server.baseUrl, 'GET', '/api/audit/checkpoints', { actor: AUDITOR });
    expect(listed.body.items[0]).toMatchObject({ id: document.id, trigger: 'request', createdBy: AUDITOR.actor, caseCount: document.heads.length });
    const downloaded = await request(server.baseUrl, 'GET', `/api/audit/checkpoints/${document.id}`, { actor: AUDITOR });
    expect(downloaded.body).toEqual(document);
    expect(downloaded.headers.get('content-disposition')).toContain(`checkpoint-${document.id}.json`);
  });

  it('leaves training sandbox cases out', async () => {
    const realCaseId = await pushedBackPayment(server.baseUrl);
    const sandbox = await request(server.baseUrl, 'POST', '/api/sandboxes', { actor: TRAINER, json: { name: '检查点培训', simulatedDate: '2024-01-15' } });
    expect(sandbox.status, sandbox.text).toBe(201);
    const training = await request(server.baseUrl, 'POST', '/api/cases', { actor: TRAINER, json: { ...DECEMBER_BACK_PAYMENT, sandboxId: sandbox.body.id } });
    expect(training.status, training.text).toBe(201);

    const document = await createCheckpoint();
    const listed = new Set(document.heads.map((head: { caseId: string }) => head.caseId));
    expect(listed.has(realCaseId)).toBe(true);
    expect(listed.has(training.body.id)).toBe(false);

    // Replacing the sandbox deletes its cases, and the checkpoint still verifies without a problem.
    const replaced = await request(server.baseUrl, 'POST', '/api/sandboxes', {
      actor: TRAINER,
      json: { name: '检查点培训', simulatedDate: '2024-01-15', replacesSandboxId: sandbox.body.id },
    });
    expect(replaced.status, replaced.text).toBe(201);
    const deletedCase = await request(server.baseUrl, 'GET', `/api/cases/${training.body.id}`, { actor: TRAINER });
    expect(deletedCase.status).toBe(404);
    const result = await verifyAgainst(document);
    expect(result.body).toMatchObject({ signatureValid: true, problems: [], casesNotInCheckpoint: 0 });
  });

  it('untouched database verifies against a checkpoint', async () => {
    await pushedBackPayment(server.baseUrl);
    const document = await createCheckpoint();
    await pushedBackPayment(server.baseUrl);
    const result = await verifyAgainst(document);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ signatureValid: true, signatureProblem: null, problems: [], casesNotInCheckpoint: 1 });
    expect(result.body.intactCases).toBe(result.body.checkedCases);
  });

  it('catches a deleted newest event that the chain alone misses', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    const document = await createCheckpoint();
    await truncateNewestEvent(server.database, caseId);

    const chain = await request(server.baseUrl, 'GET', `/api/cases/${caseId}/verify`);
    expect(chain.body).toMatchObject({ intact: true, eventCount: 2 });

    const result = await verifyAgainst(document);
    expect(result.body.signatureValid).toBe(true);
    expect(result.body.problems).toEqual([
      {
        caseId,
        reason: 'chain-shorter',
        checkpointVersion: 3,
        checkpointHeadHash: document.heads.find((head: { caseId: string }) => head.caseId === caseId).headHash,
        currentVersion: 2,
        lastStoredSeq: 2,
        firstBrokenSeq: 3,
      },
    ]);
  });

  it('catches a deleted event without a matching case row', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    const document = await createCheckpoint();
    await runSql(server.database, 'delete from case_events where case_id = ? and seq = 3', caseId);
    const result = await verifyAgainst(document);
    expect(result.body.problems).toEqual([expect.objectContaining({ caseId, reason: 'chain-shorter', currentVersion: 3, lastStoredSeq: 2 })]);
  });

  it('catches an edited event and a deleted case', async () => {
    const edited = await pushedBackPayment(server.baseUrl);
    const deleted = await pushedBackPayment(server.baseUrl);
    const document = await createCheckpoint();
    await runSql(server.database, `update case_events set data = '{"startMonth":"2023-01"}' where case_id = ? and seq = 2`, edited);
    await runSql(server.database, 'delete from case_events where case_id = ?', deleted);
    await runSql(server.database, 'delete from cases where id = ?', deleted);

    const result = await verifyAgainst(document);
    const byCase = new Map(result.body.problems.map((problem: { caseId: string }) => [problem.caseId, problem]));
    expect(byCase.get(edited)).toMatchObject({ reason: 'chain-different', firstBrokenSeq: 2 });
    expect(byCase.get(deleted)).toMatchObject({ reason: 'case-missing', currentVersion: null });
  });

  it('rejects a checkpoint whose heads were changed', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    const document = await createCheckpoint();
    await truncateNewestEvent(server.database, caseId);
    // A tamperer lowers the kept checkpoint's version to match; the signature no longer fits.
    const forged = {
      ...document,
      heads: document.heads.map((head: { caseId: string; version: number }) => (head.caseId === caseId ? { ...head, version: 2 } : head)),
    };
    const result = await verifyAgainst(forged);
    expect(result.body.signatureValid).toBe(false);
    expect(result.body.signatureProblem).toBe('bad-signature');
  });

  it('rejects a checkpoint signed by another key', async () => {
    const other = generateCheckpointKey();
    const service = new CheckpointService({ store: server.store, key: other, clock: server.clock, newId: uuidv7 });
    const foreign = await service.create('request', 'someone');
    const result = await verifyAgainst(foreign);
    expect(result.body.signatureValid).toBe(false);
    expect(result.body.signatureProblem).toBe('unknown-key');
  });

  it('invalid checkpoint upload is 400', async () => {
    const response = await verifyAgainst({ format: 'shebao-case-engine/checkpoint@1', heads: 'none' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_REQUEST');
  });

  it('schedule creates checkpoints', async () => {
    const service = new CheckpointService({ store: server.store, key: server.access.checkpointKey ?? null, clock: server.clock, newId: uuidv7 });
    const schedule = startCheckpointSchedule(service, 50, pino({ level: 'silent' }));
    try {
      let rows: Record<string, unknown>[] = [];
      for (let attempt = 0; attempt < 100 && rows.length === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = await query(server.database, "select id, created_by from checkpoints where trigger = 'schedule'");
      }
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]?.['created_by']).toBe('system');
    } finally {
      schedule.stop();
    }
  });

  it('only auditors use checkpoints', async () => {
    const response = await request(server.baseUrl, 'POST', '/api/audit/checkpoints', { actor: EMPLOYER });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('without a key checkpoints are 409', async () => {
    const keyless = await startTestServer({ database: server.database, access: { checkpointKey: null } });
    try {
      const response = await request(keyless.baseUrl, 'POST', '/api/audit/checkpoints', { actor: AUDITOR });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('CHECKPOINT_KEY_MISSING');
      expect(response.body.error.message.zh).toContain('CHECKPOINT_PRIVATE_KEY');
      expect(response.body.error.message.en).toContain('CHECKPOINT_KEY_FILE');
    } finally {
      await keyless.close();
    }
  });
});
