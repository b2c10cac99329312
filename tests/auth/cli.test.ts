import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/api-client.js';
import { createTestDatabase, query, runSql, testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { startServerProcess } from '../support/server-process.js';
import { generateCheckpointKey, startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { pushedBackPayment, truncateNewestEvent } from '../audit/case-fixtures.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_PASSWORD = 'first-admin-password';

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm run cli -- <args>` as the package script does (tsx on server/cli/main.ts), with optional standard input. */
function runCli(args: readonly string[], env: Record<string, string>, stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe.each(testDialects())('command-line interface on %s', (dialect) => {
  let database: TestDatabase;
  let server: TestServer;
  let env: Record<string, string>;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const key = generateCheckpointKey();
    env = {
      DATABASE_URL: database.url,
      CHECKPOINT_PRIVATE_KEY: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    folder = mkdtempSync(join(tmpdir(), 'cli-test-'));
    // The CLI migrates the empty database itself on its first command.
    const admin = await runCli(['user', 'add', 'admin', '--role', 'admin', '--password-stdin'], env, `${ADMIN_PASSWORD}\n`);
    expect(admin.code, admin.stderr).toBe(0);
    server = await startTestServer({ database, access: { checkpointKey: key } });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await database.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('user add creates the first admin with a scrypt password', async () => {
    const [row] = await query(database, "select role, password_hash, created_by from users where username = 'admin'");
    expect(row?.['role']).toBe('admin');
    expect(String(row?.['password_hash'])).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(String(row?.['created_by'])).toMatch(/^cli:/);
    const login = await request(server.baseUrl, 'POST', '/auth/login', { actor: null, json: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.status, login.text).toBe(200);
    expect(login.body.user.role).toBe('admin');
  });

  it('token create prints a working token once', async () => {
    const added = await runCli(['user', 'add', 'tax-clerk', '--role', 'caseworker', '--agency', 'tax', '--display-name', '税务窗口一号'], env);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ username: 'tax-clerk', role: 'caseworker', agency: 'tax', displayName: '税务窗口一号' });

    const created = await runCli(['token', 'create', 'tax-clerk', '--label', 'counter script', '--expires-days', '30'], env);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^sbt_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown only now');

    const me = await request(server.baseUrl, 'GET', '/api/me', { actor: null, headers: { authorization: `Bearer ${token}` } });
    expect(me.body).toMatchObject({ username: 'tax-clerk', role: 'caseworker', agency: 'tax' });

    const listed = await runCli(['token', 'list', 'tax-clerk'], env);
    const tokens = JSON.parse(listed.stdout) as { id: string; label: string }[];
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.label).toBe('counter script');
    expect(listed.stdout).not.toContain(token);

    const revoked = await runCli(['token', 'revoke', tokens[0]?.id ?? ''], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await request(server.baseUrl, 'GET', '/api/me', { actor: null, headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  }, 60_000);

  it('user add rejects invalid input with exit code 1', async () => {
    const noAgency = await runCli(['user', 'add', 'no-agency', '--role', 'caseworker'], env);
    expect(noAgency.code).toBe(1);
    expect(noAgency.stderr).toContain('agency');
    const taken = await runCli(['user', 'add', 'admin', '--role', 'auditor'], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('USERNAME_TAKEN');
    expect(taken.stderr).toContain('用户名');
    const unknownRole = await runCli(['user', 'add', 'x', '--role', 'root'], env);
    expect(unknownRole.code).not.toBe(0);
    expect(unknownRole.stderr).toContain('root');
  }, 60_000);

  it('checkpoint create and verify catch a truncated chain', async () => {
    const caseId = await pushedBackPayment(server.baseUrl);
    const file = join(folder, `checkpoint-${dialect}.json`);
    const created = await runCli(['checkpoint', 'create', '--out', file], env);
    expect(created.code, created.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).heads.some((head: { caseId: string }) => head.caseId === caseId)).toBe(true);

    const intact = await runCli(['checkpoint', 'verify', file], env);
    expect(intact.code, intact.stderr).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ signatureValid: true, problems: [] });

    await truncateNewestEvent(database, caseId);
    const truncated = await runCli(['checkpoint', 'verify', file], env);
    expect(truncated.code).toBe(1);
    expect(JSON.parse(truncated.stdout).problems).toEqual([expect.objectContaining({ caseId, reason: 'chain-shorter' })]);
    expect(truncated.stderr).toContain('1 missing, shorter or different');
  }, 60_000);

  it('verify reports every broken chain, and replay every inconsistent case', async () => {
    const first = await pushedBackPayment(server.baseUrl);
    const second = await pushedBackPayment(server.baseUrl);
    const clean = await runCli(['replay', first], env);
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ caseId: first, consistent: true, eventCount: 3 });

    for (const caseId of [first, second]) {
      await runSql(database, `update case_events set data = '{"startMonth":"2023-01"}' where case_id = ? and seq = 2`, caseId);
    }
    const verified = await runCli(['verify'], env);
    expect(verified.code).toBe(1);
    const broken = (JSON.parse(verified.stdout) as { brokenChains: { caseId: string; firstBrokenSeq: number }[] }).brokenChains;
    expect(broken.filter((chain) => chain.caseId === first || chain.caseId === second)).toEqual([
      expect.objectContaining({ caseId: [first, second].sort()[0], firstBrokenSeq: 2, reason: 'hash-mismatch' }),
      expect.objectContaining({ caseId: [first, second].sort()[1], firstBrokenSeq: 2, reason: 'hash-mismatch' }),
    ]);

    const replayed = await runCli(['replay'], env);
    expect(replayed.code).toBe(1);
    const inconsistent = (JSON.parse(replayed.stdout) as { inconsistentCases: { caseId: string }[] }).inconsistentCases.map((report) => report.caseId);
    expect(inconsistent).toEqual(expect.arrayContaining([first, second]));
  }, 60_000);
});

describe('npm start on an empty user table', () => {
  it('logs how to create the first admin', async () => {
    const database = await createTestDatabase('sqlite');
    const server = await startServerProcess({ DATABASE_URL: database.url });
    try {
      const hint = server.output.find((line) => line.includes('no users exist yet'));
      expect(hint).toBeDefined();
      expect(hint).toContain('npm run cli -- user add admin --role admin --password-stdin');
    } finally {
      await server.stop();
      await database.drop();
    }
  }, 60_000);
});
