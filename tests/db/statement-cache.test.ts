import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, withStatementCache } from '../../db/connect.js';

const folders: string[] = [];

function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'statement-cache-'));
  folders.push(folder);
  return folder;
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the SQLite statement cache', () => {
  it('reuses statements and evicts the oldest', () => {
    const sqlite = new SqliteDatabase(join(newFolder(), 'cache.db'));
    const cached = withStatementCache(sqlite, 2);
    const selectOne = cached.prepare('select 1');
    const selectTwo = cached.prepare('select 2');
    expect(cached.prepare('select 1')).toBe(selectOne);
    // `select 2` is now the least recently used, so a third text evicts it and keeps `select 1`.
    cached.prepare('select 3');
    expect(cached.prepare('select 1')).toBe(selectOne);
    expect(cached.prepare('select 2')).not.toBe(selectTwo);
    cached.close();
    expect(sqlite.open).toBe(false);
  });

  it('reads correctly after a schema change', async () => {
    const connection = openDatabase(join(newFolder(), 'cases.db'));
    await sql`create table notes (id integer primary key, body text)`.execute(connection.db);
    await sql`insert into notes (body) values (${'first'})`.execute(connection.db);
    const read = () => sql<{ id: number; body: string }>`select * from notes order by id`.execute(connection.db);
    expect((await read()).rows).toEqual([{ id: 1, body: 'first' }]);

    await sql`alter table notes add column author text`.execute(connection.db);
    await sql`insert into notes (body, author) values (${'second'}, ${'hr'})`.execute(connection.db);
    expect((await read()).rows).toEqual([
      { id: 1, body: 'first', author: null },
      { id: 2, body: 'second', author: 'hr' },
    ]);
    await connection.close();
  });
});
