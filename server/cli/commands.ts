import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { SingleBar } from 'cli-progress';
import { v7 as uuidv7 } from 'uuid';
import { CaseError } from '../../machines/engine/case-error.js';
import { describeSchemaIssues } from '../../machines/engine/schema-issues.js';
import { CaseStore } from '../../db/case-store.js';
import { openDatabase } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { replayAllCases, verifyAllChains } from '../audit/chain-audit.js';
import { loadCheckpointKey } from '../audit/checkpoint-key.js';
import { checkpointDocumentSchema, CheckpointService } from '../audit/checkpoints.js';
import { replayCase } from '../audit/replay.js';
import { maskReplayReport } from '../audit/case-export.js';
import { newTokenSchema, newUserSchema } from '../auth/user-input.js';
import { UserStore } from '../auth/user-store.js';
import { systemClock } from '../clock.js';
import { readConfig } from '../config.js';
import type { ServerConfig } from '../config.js';
import { readSecretLine } from './read-secret.js';

/** Exit codes: 0 success, 1 a check found problems or a request was rejected, 2 the command failed. */
export const EXIT_PROBLEMS = 1;
export const EXIT_FAILED = 2;

/** The context of every command: the configuration and the stores on an up-to-date database. */
export interface CliContext {
  readonly config: ServerConfig;
  readonly store: CaseStore;
  readonly users: UserStore;
  /** Recorded as the creator of users, tokens and checkpoints: `cli:<operating-system user>`. */
  readonly operator: string;
}

/**
 * Opens the database named by DATABASE_URL, brings its schema up to date, runs a command and closes the
 * database. Returns the command's exit code; a `CaseError` is printed in both languages and gives 1.
 */
export async function withDatabase(command: (context: CliContext) => Promise<number>): Promise<number> {
  const config = readConfig();
  const connection = openDatabase(config.databaseUrl, { poolSize: 2 });
  try {
    await migrateToLatest(connection.db as never);
    const store = new CaseStore(connection.db, uuidv7);
    const context: CliContext = { config, store, users: new UserStore(connection.db, uuidv7), operator: `cli:${operatorName()}` };
    return await command(context);
  } catch (error) {
    if (!(error instanceof CaseError)) throw error;
    process.stderr.write(`error ${error.code}: ${error.localized.en}\n错误 ${error.code}：${error.localized.zh}\n`);
    return EXIT_PROBLEMS;
  } finally {
    await connection.close();
  }
}

export interface UserAddOptions {
  readonly role: string;
  readonly agency?: string;
  readonly employer?: string;
  readonly displayName?: string;
  readonly passwordStdin?: boolean;
}

/** `user add`: creates a user, with a password read from standard input when asked. */
export async function addUser(context: CliContext, username: string, options: UserAddOptions): Promise<number> {
  const password = options.passwordStdin ? await readSecretLine(`Password for ${username}: `) : undefined;
  const request = {
    username,
    role: options.role,
    ...(options.agency !== undefined ? { agency: options.agency } : {}),
    ...(options.employer !== undefined ? { employerCode: options.employer } : {}),
    ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
    ...(password !== undefined ? { password } : {}),
  };
  const parsed = newUserSchema.safeParse(request);
  if (!parsed.success) return reportInvalid(describeSchemaIssues(newUserSchema, request, parsed.error).en);
  const user = await context.users.createUser(parsed.data, context.operator, systemClock.now());
  process.stdout.write(`${JSON.stringify(user, null, 2)}\n`);
  return 0;
}

export async function listUsers(context: CliContext): Promise<number> {
  process.stdout.write(`${JSON.stringify(await context.users.listUsers(), null, 2)}\n`);
  return 0;
}

/** `user disable` and `user enable`. */
export async function setUserDisabled(context: CliContext, username: string, disabled: boolean): Promise<number> {
  const user = await requireUserByName(context, username);
  const view = await context.users.changeUser(user.id, { disabled }, systemClock.now());
  process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  return 0;
}

/** `token create`: prints the token alone on standard output, since it is shown only this once. */
export async function createToken(context: CliContext, username: string, options: { label?: string; expiresDays?: string }): Promise<number> {
  const user = await requireUserByName(context, username);
  const request = {
    ...(options.label !== undefined ? { label: options.label } : {}),
    ...(options.expiresDays !== undefined ? { expiresInDays: Number(options.expiresDays) } : {}),
  };
  const parsed = newTokenSchema.safeParse(request);
  if (!parsed.success) return reportInvalid(describeSchemaIssues(newTokenSchema, request, parsed.error).en);
  const { token, view } = await context.users.createToken(user.id, parsed.data, context.operator, systemClock.now());
  process.stderr.write(
    `Token ${view.id} (${view.prefix}…) created for ${user.username}${view.expiresAt ? `, valid until ${view.expiresAt}` : ''}. It is shown only now: store it safely.\n`,
  );
  process.stdout.write(`${token}\n`);
  return 0;
}

export async function listTokens(context: CliContext, username: string): Promise<number> {
  const user = await requireUserByName(context, username);
  process.stdout.write(`${JSON.stringify(await context.users.listTokens(user.id), null, 2)}\n`);
  return 0;
}

export async function revokeToken(context: CliContext, tokenId: string): Promise<number> {
  const view = await context.users.revokeToken(tokenId, context.operator, systemClock.now());
  process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  return 0;
}

/** `verify`: recomputes every chain and prints every broken one; 1 when any is broken. */
export async function verifyDatabase(context: CliContext): Promise<number> {
  const audit = await withProgress('verify', (onProgress) => verifyAllChains(context.store, onProgress));
  process.stdout.write(`${JSON.stringify(audit, null, 2)}\n`);
  process.stderr.write(`${audit.checkedCases} cases checked, ${audit.brokenChains.length} broken chains\n`);
  return audit.brokenChains.length === 0 ? 0 : EXIT_PROBLEMS;
}

/** `replay [caseId]`: replays one case, or every case; 1 when a replay differs from the record. */
export async function replay(context: CliContext, caseId: string | undefined): Promise<number> {
  if (caseId !== undefined) {
    const caseRow = await context.store.getCase(caseId);
    if (!caseRow) return reportInvalid(`case ${caseId} was not found`);
    const report = maskReplayReport(replayCase(caseRow, await context.store.listEvents(caseId)));
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.consistent ? 0 : EXIT_PROBLEMS;
  }
  const audit = await withProgress('replay', (onProgress) => replayAllCases(context.store, onProgress));
  const masked = { ...audit, inconsistentCases: audit.inconsistentCases.map(maskReplayReport) };
  process.stdout.write(`${JSON.stringify(masked, null, 2)}\n`);
  process.stderr.write(`${audit.checkedCases} cases replayed, ${audit.inconsistentCases.length} differ from their record\n`);
  return audit.inconsistentCases.length === 0 ? 0 : EXIT_PROBLEMS;
}

/** `checkpoint create`: signs every chain head; writes the document to `--out` or standard output. */
export async function createCheckpoint(context: CliContext, options: { out?: string }): Promise<number> {
  const checkpoints = checkpointService(context);
  const document = await checkpoints.create('cli', context.operator);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (options.out !== undefined) writeFileSync(options.out, text, { flag: 'wx' });
  else process.stdout.write(text);
  process.stderr.write(`Checkpoint ${document.id} signed ${document.heads.length} chain heads.\n`);
  return 0;
}

/** `checkpoint verify <file>`: checks the database against a kept checkpoint; 1 on any problem. */
export async function verifyCheckpoint(context: CliContext, file: string): Promise<number> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const parsed = checkpointDocumentSchema.safeParse(raw);
  if (!parsed.success) return reportInvalid(`${file} is not a checkpoint: ${describeSchemaIssues(checkpointDocumentSchema, raw, parsed.error).en}`);
  const result = await checkpointService(context).verify(parsed.data);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(
    `signature ${result.signatureValid ? 'valid' : `INVALID (${result.signatureProblem})`}; ${result.checkedCases} cases checked, ${result.problems.length} missing, shorter or different\n`,
  );
  return result.signatureValid && result.problems.length === 0 ? 0 : EXIT_PROBLEMS;
}

function checkpointService(context: CliContext): CheckpointService {
  const key = loadCheckpointKey({ pem: context.config.access.checkpointPrivateKey, file: context.config.access.checkpointKeyFile });
  return new CheckpointService({ store: context.store, key, clock: systemClock, newId: uuidv7 });
}

async function requireUserByName(context: CliContext, username: string) {
  const user = await context.users.findUserByUsername(username);
  if (!user) {
    throw new CaseError('USER_NOT_FOUND', 'not-found', { zh: `找不到用户“${username}”。`, en: `User "${username}" was not found.` });
  }
  return user;
}

function reportInvalid(message: string): number {
  process.stderr.write(`error: ${message}\n`);
  return EXIT_PROBLEMS;
}

/** Runs a walk over every case with a progress bar on standard error when it is a terminal. */
async function withProgress<T>(label: string, run: (onProgress: (checked: number, total: number) => void) => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return run(() => undefined);
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} cases`, stream: process.stderr });
  let started = false;
  try {
    return await run((checked, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(checked);
    });
  } finally {
    if (started) bar.stop();
  }
}

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
