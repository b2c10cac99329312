import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../db/case-store.js';
import { openDatabase } from '../../db/connect.js';
import type { DatabaseConnection } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { ManualClock } from '../../server/clock.js';
import { ImportService } from '../../server/imports/import-service.js';
import { readPushFile } from '../../server/imports/read-push-file.js';
import { createTestDatabase } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { creditCodeOf } from './push-file-generator.js';

// An addition row needs its contract kind; a file without the column reports the value as missing.
describe('person row cells', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let imports: ImportService;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    connection = openDatabase(database.url);
    await migrateToLatest(connection.db as never);
    imports = new ImportService({ store: new CaseStore(connection.db, uuidv7), clock: new ManualClock(new Date('2025-10-15T02:00:00Z')), newId: uuidv7 });
  });

  afterAll(async () => {
    await connection.close();
    await database.drop();
  });

  it('reports a missing contract kind column', async () => {
    const csv = [
      '单位统一社会信用代码,变动类型,变动年月,姓名,证件类型,证件号码,险种,合同起始日期',
      `${creditCodeOf(1)},增加,2025-10,张三,居民身份证,11010519491231002X,养老、失业、工伤、医疗,2025-10-08`,
    ].join('\n');
    const report = await imports.importFile(await readPushFile(Buffer.from(csv), 'csv'), { dryRun: true, fileName: 'push.csv', operator: 'cli:tester' });

    expect(report.issues).toHaveLength(1);
    expect(report.issues[0]).toMatchObject({ rowNumber: 2, column: 'contractKind', code: 'MISSING_VALUE' });
    expect(report.issues[0]?.message.zh).toContain('文件没有“合同类型”列');
  });
});
