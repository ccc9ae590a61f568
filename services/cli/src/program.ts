import type { Config } from '@steckbrief/config';
import { scopeAttributes } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AKTE_FORMATS, type AkteFormat, profilesAkte } from './akte.js';
import { auditAnchor, auditVerify } from './audit.js';
import { type CliContext, openContext } from './context.js';
import { jobsFailed, jobsRetry, QUEUE_CHOICES } from './jobs.js';
import { mailsFailed, mailsRetry } from './mails.js';
import { emailArgument, privacyErase, privacyExport, profilesKeepUntil } from './privacy.js';
import { profilesHistory, profilesList, profilesShow } from './profiles.js';
import { roleOptionHelp, type UsersCreateOptions } from './roles.js';
import { seed } from './seed.js';
import {
  type Out,
  table,
  usersCreate,
  usersDisable,
  usersList,
  usersRevoke,
  usersToken,
  usersTokens,
} from './users.js';
import { workflowsList, workflowsMigrate } from './workflows.js';

export interface Runtime {
  config: Config;
  out: Out;
  /** Defaults to connecting to the configured database (and migrating it). */
  open?: (config: Config) => Promise<CliContext>;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

/** The command tree. Each action opens the database, runs, and closes it again. */
export function buildProgram(runtime: Runtime): Command {
  const { out } = runtime;
  // Role names and scope attributes in the help and the options come from the deployed workflows.
  const registry = buildRegistry(runtime.config.WORKFLOW_DEADLINES, runtime.config.WORKFLOW_VERSIONS);
  const withContext =
    <A extends unknown[]>(run: (ctx: CliContext, ...args: A) => Promise<void>) =>
    async (...args: A) => {
      const ctx = await (runtime.open ?? openContext)(runtime.config);
      try {
        await run(ctx, ...args);
      } finally {
        await ctx.close();
      }
    };

  const program = new Command('steckbrief')
    .description(
      'Steckbrief operator CLI: users, tokens, profiles, failed jobs and mails, demo data (works on the database and Redis directly)',
    )
    .showHelpAfterError();

  const users = program
    .command('users')
    .description('create, list, disable and enable users; issue, list and revoke tokens');
  users
    .command('create')
    .description('create a user and print its id and first token (shown once)')
    .requiredOption('--email <email>', 'e-mail address (unique, case-insensitive)')
    .requiredOption('--name <name>', 'display name')
    .option('--organisation <name>', 'organisation; an applicant’s profiles belong to it')
    .requiredOption('--role <role>', `a role, repeatable: ${roleOptionHelp(registry)}`, collect)
    .action(withContext((ctx, options: UsersCreateOptions) => usersCreate(ctx, options, out)));
  users
    .command('token')
    .description('issue a new token for a user (earlier tokens stay valid)')
    .argument('<email>')
    .action(withContext((ctx, email: string) => usersToken(ctx, email, out)));
  users
    .command('list')
    .description('list all users with their roles')
    .action(withContext((ctx) => usersList(ctx, out)));
  users
    .command('tokens')
    .description('list a user’s tokens (id, label, issued, revoked)')
    .argument('<email>')
    .action(withContext((ctx, email: string) => usersTokens(ctx, email, out)));
  users
    .command('revoke')
    .description('revoke all valid tokens of a user, or one with --token')
    .argument('<email>')
    .option('--token <id>', 'only this token (an id from `users tokens`)')
    .action(
      withContext((ctx, email: string, options: { token?: string }) => usersRevoke(ctx, email, options.token, out)),
    );
  users
    .command('disable')
    .description('disable a user: their tokens and dashboard sessions stop working, they get no notices')
    .argument('<email>')
    .action(withContext((ctx, email: string) => usersDisable(ctx, email, true, out)));
  users
    .command('enable')
    .description('enable a disabled user again')
    .argument('<email>')
    .action(withContext((ctx, email: string) => usersDisable(ctx, email, false, out)));

  const profiles = program
    .command('profiles')
    .description('read profiles as the roles that see every submitted profile see them');
  const list = profiles
    .command('list')
    .description('list submitted profiles (drafts are private to their owners)')
    .option('--state <state>', 'only this state, e.g. draft');
  for (const attribute of scopeAttributes(registry)) {
    list.option(
      `--${attribute.name} <value>`,
      `only this ${attribute.name} (${attribute.roles.map((r) => r.en).join(', ')})`,
    );
  }
  list
    .option('--q <text>', 'title contains')
    .option('--limit <n>', 'at most n profiles', positiveInt)
    .action(withContext((ctx, options) => profilesList(ctx, options, out)));
  profiles
    .command('show')
    .description('a profile with its open tasks')
    .argument('<id>')
    .action(withContext((ctx, id: string) => profilesShow(ctx, id, out)));
  profiles
    .command('history')
    .description('the history of a profile')
    .argument('<id>')
    .action(withContext((ctx, id: string) => profilesHistory(ctx, id, out)));
  profiles
    .command('keep-until')
    .description('until when a confirmed profile keeps its personal data (retention; `none`: kept without a date)')
    .argument('<id>')
    .argument('<date>', 'YYYY-MM-DD or none')
    .action(withContext((ctx, id: string, date: string) => profilesKeepUntil(ctx, id, date, out)));

  const privacy = program
    .command('privacy')
    .description('requests of data subjects: export everything about a person, erase their personal data');
  privacy
    .command('export')
    .description('everything stored about a person (account, tokens, sessions, profiles, history, mails) as JSON')
    .argument('<email>', 'the person’s e-mail address', emailArgument)
    .option('--out <file>', 'write the JSON to this file (readable by its owner only) instead of printing it')
    .action(withContext((ctx, email: string, options: { out?: string }) => privacyExport(ctx, email, options, out)));
  privacy
    .command('erase')
    .description(
      'remove or pseudonymise a person’s personal data wherever no legal hold applies, disable the account, and report what was kept and why',
    )
    .argument('<email>', 'the person’s e-mail address', emailArgument)
    .option('--dry-run', 'report what would change, change nothing')
    .option('--json', 'print the report as JSON')
    .action(
      withContext((ctx, email: string, options: { dryRun?: boolean; json?: boolean }) =>
        privacyErase(ctx, email, options, out),
      ),
    );
  profiles
    .command('akte')
    .description(
      'write the Förderakte of a submitted profile: data, history, decisions, mails, attachments, chain check',
    )
    .argument('<id>')
    .addOption(
      new Option('--format <format>', 'pdf (default), zip (with the attachments) or json').choices(AKTE_FORMATS),
    )
    .option('--out <file>', 'where to write it (default: foerderakte-<id>.<format>)')
    .action(
      withContext((ctx, id: string, options: { format?: AkteFormat; out?: string }) =>
        profilesAkte(ctx, id, options, out),
      ),
    );

  const audit = program
    .command('audit')
    .description('the tamper-evident history: verify the hash chains, record an anchor');
  audit
    .command('verify')
    .description(
      'check every history chain (or one profile’s) and the latest anchor; exit code 1 names the first broken entry',
    )
    .option('--profile <id>', 'only this profile')
    .action(withContext((ctx, options: { profile?: string }) => auditVerify(ctx, options, out)));
  audit
    .command('anchor')
    .description('record the heads of all chains now and print the heads hash (the worker does this periodically)')
    .action(withContext((ctx) => auditAnchor(ctx, out)));

  const queueOption = () => new Option('--queue <name>', 'only this queue (default: all)').choices(QUEUE_CHOICES);
  const jobs = program.command('jobs').description('failed BullMQ jobs: list and retry');
  jobs
    .command('failed')
    .description('list failed jobs with their errors (mail jobs: see `mails failed`)')
    .addOption(queueOption())
    .option('--limit <n>', 'at most n jobs per queue (default 100)', positiveInt)
    .action(withContext((ctx, options) => jobsFailed(ctx, options, out)));
  jobs
    .command('retry')
    .description('move failed jobs back to waiting')
    .argument('[jobId...]', 'ids of failed jobs')
    .addOption(queueOption())
    .option('--all', 'every failed job (of --queue, or of all queues)')
    .action(withContext((ctx, ids: string[], options) => jobsRetry(ctx, ids, options, out)));

  const mails = program.command('mails').description('mails that failed for good: list and send again');
  mails
    .command('failed')
    .description('list failed mails with the SMTP server’s last answer')
    .option('--limit <n>', 'at most n mails (default 100)', positiveInt)
    .action(withContext((ctx, options) => mailsFailed(ctx, options, out)));
  mails
    .command('retry')
    .description('set failed mails back to pending and enqueue them now')
    .argument('[id...]', 'ids of failed mails (from `mails failed`)')
    .option('--all', 'every failed mail')
    .action(withContext((ctx, ids: string[], options) => mailsRetry(ctx, ids, options, out)));

  const workflows = program
    .command('workflows')
    .description('workflow versions: list them, move profiles to a newer one');
  workflows
    .command('list')
    .description('every registered version of each workflow, and the one new profiles start on')
    .action(withContext(async (ctx) => workflowsList(ctx, out)));
  workflows
    .command('migrate')
    .description(
      'move the profiles of the version that <workflow> version --to takes over onto it, one MIGRATE transition each (profiles in a state without a mapping are refused and stay; safe to run again)',
    )
    .argument('<workflow>', 'workflow id, e.g. one listed by `workflows list`')
    .requiredOption('--to <version>', 'the target version (it declares the migration)', positiveInt)
    .option('--dry-run', 'print what would happen and change nothing')
    .action(
      withContext((ctx, workflow: string, options: { to: number; dryRun?: boolean }) =>
        workflowsMigrate(ctx, workflow, options, out),
      ),
    );

  program
    .command('seed')
    .description('create demo users, profiles in every stage and sessions (idempotent; prints fresh tokens)')
    .action(
      withContext(async (ctx) => {
        const report = await seed(ctx.deps, { log: out });
        out('');
        table(
          ['email', 'roles', 'token'],
          report.users.map((u) => [u.email, u.roles, u.token]),
          out,
        );
        out('');
        table(
          ['session', 'id', 'agenda', 'decided'],
          report.sessions.map((s) => [s.title, s.id, String(s.agenda), String(s.decided)]),
          out,
        );
        out('');
        out('Demo tokens are printed on every run; use them as "Authorization: Bearer <token>".');
      }),
    );
  return program;
}
