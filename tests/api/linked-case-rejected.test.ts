import { emit, setup } from 'xstate';
import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.js';
import type { DatabaseConnection } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { CaseStore } from '../../db/case-store.js';
import { getLatestProcess, getProcessVersion } from '../../machines/catalogue.js';
import type { LinkedCaseRequest } from '../../machines/engine/apply-event.js';
import { CaseError } from '../../machines/engine/case-error.js';
import { defineProcess } from '../../machines/engine/process-definition.js';
import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import { CaseService } from '../../server/case-service.js';
import type { Actor } from '../../server/case-service.js';
import { ManualClock } from '../../server/clock.js';
import { createTestDatabase, dumpDatabase, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

// A process whose event requests an arrears case with input the arrears process rejects, standing in
// for a faulty process definition. The product's own processes always send valid input.
const faultyOrigin = defineProcess({
  id: 'test-faulty-origin',
  version: 1,
  title: { zh: '测试：关联立案信息有误', en: 'Test: faulty linked input' },
  description: { zh: '测试用流程。', en: 'A process for tests.' },
  machine: setup({ types: { emitted: {} as LinkedCaseRequest } }).createMachine({
    id: 'test-faulty-origin',
    initial: 'open',
    states: {
      open: {
        on: {
          OPEN_ARREARS: {
            target: 'linked',
            actions: emit({ type: 'case.openLinked', processId: 'arrears', relation: 'arrears-of', input: { employerCode: 'not a code' } }),
          },
        },
      },
      linked: { type: 'final' },
    },
  }),
  inputSchema: z.object({ employerCode: z.string() }),
  events: { OPEN_ARREARS: { title: { zh: '开立欠费案件', en: 'Open an arrears case' }, parties: ['tax'], schema: z.object({}) } },
  stateTitles: { open: { zh: '办理中', en: 'Open' }, linked: { zh: '已关联', en: 'Linked' } },
  caseKeys: (input: { employerCode: string }) => ({ employerCode: input.employerCode, feePeriodFrom: '2024-01', feePeriodTo: '2024-01' }),
});

const processes = {
  getLatestProcess: (id: string): ProcessDefinition | undefined => (id === faultyOrigin.id ? faultyOrigin : getLatestProcess(id)),
  getProcessVersion: (id: string, version: number): ProcessDefinition | undefined =>
    id === faultyOrigin.id && version === 1 ? faultyOrigin : getProcessVersion(id, version),
};

const TAX: Actor = { id: 'tax-worker', role: 'caseworker', party: 'tax' };

describe.each(testDialects())('a linked case whose input its process rejects, on %s', (dialect) => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let service: CaseService;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    connection = openDatabase(database.url);
    await migrateToLatest(connection.db as never);
    service = new CaseService({ store: new CaseStore(connection.db, uuidv7), clock: new ManualClock(new Date('2024-02-05T02:00:00Z')), newId: uuidv7, processes });
  });

  afterAll(async () => {
    await connection.close();
    await database.drop();
  });

  it('rejects the event with 422', async () => {
    const origin = await service.createCase({ processId: faultyOrigin.id, input: { employerCode: '91110000MA00000001' } }, TAX);
    const before = await dumpDatabase(database);

    const error = await service
      .submitEvent(origin.id, { type: 'OPEN_ARREARS', data: {}, expectedVersion: 1 }, TAX)
      .then(() => undefined, (thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(CaseError);
    const caseError = error as CaseError;
    expect(caseError.code).toBe('LINKED_CASE_REJECTED');
    expect(caseError.kind).toBe('unprocessable');
    expect(caseError.details).toMatchObject({ caseId: origin.id, linkedProcessId: 'arrears', linkedError: { code: 'INPUT_INVALID' } });
    expect(caseError.localized.zh).toContain('单位欠缴社保费处理');
    expect(caseError.localized.en).toContain('rejected its input');
    expect(await dumpDatabase(database)).toEqual(before);
    expect((await service.getCase(origin.id)).version).toBe(1);
  });
});
