import { Command, Option } from 'commander';
import { AGENCIES } from '../../machines/policy/parties.js';
import { ROLES } from '../auth/roles.js';
import {
  addUser,
  createCheckpoint,
  createToken,
  EXIT_FAILED,
  listTokens,
  listUsers,
  replay,
  revokeToken,
  setUserDisabled,
  verifyCheckpoint,
  verifyDatabase,
  withDatabase,
} from './commands.js';
import type { CliContext } from './commands.js';
import { exportCaseList, importPushFile, reconcile } from './import-commands.js';
import type { ExportOptions } from './import-commands.js';

/**
 * The command-line interface: `npm run cli -- <command>`. It works on the database named by DATABASE_URL
 * (the same variable as the server) and applies pending migrations first.
 */
const program = new Command('npm run cli --')
  .description('Users, tokens, audit checks, month-end imports, headcount reconciliation and exports of the social insurance fee case engine (社保费申报缴纳案件引擎).')
  .showHelpAfterError();

/** Wraps a command so that it runs on the database and sets the process's exit code. */
const onDatabase =
  <A extends unknown[]>(command: (context: CliContext, ...args: A) => Promise<number>) =>
  async (...args: A): Promise<void> => {
    process.exitCode = await withDatabase((context) => command(context, ...args));
  };

const user = program.command('user').description('create, list, disable and enable users');
user
  .command('add <username>')
  .description('create a user; the first one is usually `admin --role admin --password-stdin`')
  .addOption(new Option('--role <role>', 'the role').choices([...ROLES]).makeOptionMandatory())
  .addOption(new Option('--agency <agency>', "a caseworker's agency").choices([...AGENCIES]))
  .option('--employer <code>', "employer staff's unified social credit code (18 characters)")
  .option('--display-name <name>', 'the name shown in the viewer; the user name when absent')
  .option('--password-stdin', 'read a password for browser sign-in from standard input (typed unseen on a terminal)')
  .action(onDatabase((context, username: string, options: Parameters<typeof addUser>[2]) => addUser(context, username, options)));
user.command('list').description('list every user').action(onDatabase((context) => listUsers(context)));
user
  .command('disable <username>')
  .description('disable a user: its tokens and sessions stop working at once')
  .action(onDatabase((context, username: string) => setUserDisabled(context, username, true)));
user
  .command('enable <username>')
  .description('enable a disabled user again')
  .action(onDatabase((context, username: string) => setUserDisabled(context, username, false)));

const token = program.command('token').description('create, list and revoke API tokens');
token
  .command('create <username>')
  .description('create an API token; it is printed once, on standard output, and only its hash is stored')
  .option('--label <label>', 'what the token is for, such as the script that uses it')
  .option('--expires-days <days>', 'days until the token expires; it never expires when absent')
  .action(onDatabase((context, username: string, options: { label?: string; expiresDays?: string }) => createToken(context, username, options)));
token.command('list <username>').description("list a user's tokens (never the tokens themselves)").action(onDatabase((context, username: string) => listTokens(context, username)));
token.command('revoke <tokenId>').description('revoke a token; it stops working at once').action(onDatabase((context, tokenId: string) => revokeToken(context, tokenId)));

program
  .command('verify')
  .description('recompute the hash chain of every case and report every broken one (exit code 1 when any is)')
  .action(onDatabase((context) => verifyDatabase(context)));

program
  .command('replay [caseId]')
  .description('replay one case, or every case, on its pinned machine version and report the first step that differs (exit code 1 when one does)')
  .action(onDatabase((context, caseId: string | undefined) => replay(context, caseId)));

const checkpoint = program.command('checkpoint').description('signed checkpoints of every chain head, against truncation');
checkpoint
  .command('create')
  .description('sign the current head of every chain with the key in CHECKPOINT_PRIVATE_KEY or CHECKPOINT_KEY_FILE')
  .option('--out <file>', 'write the checkpoint to this new file instead of standard output')
  .action(onDatabase((context, options: { out?: string }) => createCheckpoint(context, options)));
checkpoint
  .command('verify <file>')
  .description('check the database against a kept checkpoint (exit code 1 when a chain is missing, shorter or different)')
  .action(onDatabase((context, file: string) => verifyCheckpoint(context, file)));

program
  .command('import <file>')
  .description('import a month-end push file (.csv or .xlsx, Chinese headers, see docs/import-format.md); exit code 1 when any row is bad')
  .option('--dry-run', 'check every row and print the report without changing anything')
  .option('--batch-size <rows>', 'rows applied per transaction', '500')
  .action(onDatabase((context, file: string, options: { dryRun?: boolean; batchSize?: string }) => importPushFile(context, file, options)));

program
  .command('reconcile')
  .description('compare insured people per insurance with the headcount tax received for one employer and fee period, and list the people who may differ (exit code 1 when an insurance differs)')
  .requiredOption('--employer <code>', "the employer's unified social credit code (18 characters)")
  .requiredOption('--fee-period <YYYY-MM>', 'the fee period (费款所属期)')
  .action(onDatabase((context, options: { employer: string; feePeriod: string }) => reconcile(context, options)));

program
  .command('export')
  .description('write the cases a filter selects (a worklist) with Chinese headers and masked ID numbers, as .csv or .xlsx by the extension of --out')
  .requiredOption('--out <file>', 'the new file to write, ending in .csv or .xlsx')
  .option('--process <processId>', 'only cases of this process')
  .option('--state <path>', 'only cases in this state or below it, such as awaitingRegistration')
  .option('--employer <code>', "only cases of this employer's unified social credit code")
  .option('--fee-period <YYYY-MM>', 'only cases whose fee periods include this month')
  .addOption(new Option('--status <status>', 'only active or only finished cases').choices(['active', 'done']))
  .action(onDatabase((context, options: ExportOptions) => exportCaseList(context, options)));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = EXIT_FAILED;
});
