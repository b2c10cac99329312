import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../db/case-store.js';
import { openDatabase } from '../../db/connect.js';
import type { DatabaseConnection } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { SandboxStore } from '../../db/sandbox-store.js';
import type { IsoDate } from '../../machines/policy/iso-date.js';
import { CaseService } from '../../server/case-service.js';
import type { Actor } from '../../server/case-service.js';
import { ManualClock } from '../../server/clock.js';
import { DECEMBER_BACK_PAYMENT } from '../support/api-client.js';
import { createTestDatabase, dumpDatabase } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

const EMPLOYER_STAFF: Actor = { id: 'clerk-1', role: 'employer', party: 'employer' };

// A recorded business date lets an import write a fact of an earlier day; it must not reach the future or
// a training sandbox, whose date is the sandbox's own.
describe('recorded business date', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let service: CaseService;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    connection = openDatabase(database.url);
    await migrateToLatest(connection.db as never);
    service = new CaseService({ store: new CaseStore(connection.db, uuidv7), clock: new ManualClock(new Date('2024-01-15T02:00:00Z')), newId: uuidv7 });
  });

  afterAll(async () => {
    await connection.close();
    await database.drop();
  });

  it('records an earlier day', async () => {
    const created = await service.createCaseRecord({ ...DECEMBER_BACK_PAYMENT, recordedFor: '2024-01-10' as IsoDate }, EMPLOYER_STAFF);
    const history = await service.getHistory(created.id);
    expect(history.events[0]?.business_date).toBe('2024-01-10');
  });

  it('rejects a later day, writing nothing', async () => {
    const before = await dumpDatabase(database);
    await expect(service.createCaseRecord({ ...DECEMBER_BACK_PAYMENT, recordedFor: '2024-01-16' as IsoDate }, EMPLOYER_STAFF)).rejects.toThrow(
      'The recorded business date 2024-01-16 is after the current one, 2024-01-15',
    );
    expect(await dumpDatabase(database)).toEqual(before);
  });

  it('rejects a sandbox case, writing nothing', async () => {
    const sandboxId = uuidv7();
    await new SandboxStore(connection.db).createSandbox({ id: sandboxId, name: '培训', simulated_date: '2024-01-20', created_at: '2024-01-15T02:00:00.000Z' });
    const before = await dumpDatabase(database);
    await expect(service.createCaseRecord({ ...DECEMBER_BACK_PAYMENT, sandboxId, recordedFor: '2024-01-10' as IsoDate }, EMPLOYER_STAFF)).rejects.toThrow(
      'A recorded business date is only for real cases, not sandbox cases',
    );
    expect(await dumpDatabase(database)).toEqual(before);
  });
});
