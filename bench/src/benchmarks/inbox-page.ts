import { createTestDatabase } from '@steckbrief/db/testing';
import { stats } from '../lib/measure.js';
import type { BenchContext, Benchmark, BenchResult, Check, ResultRow } from '../lib/types.js';
import { addUser, signIn } from '../workloads/web.js';
import { populate } from './inbox.js';
import { interleaved } from './transitions.js';
import { httpVariant, startServer } from './web.js';

const PROFILES = 100_000;

/** The inbox page (`GET /aufgaben`) as MIL reviewers see it, through HTTP with signed-in sessions. */
export const inboxPage: Benchmark = {
  name: 'inbox-page',
  title: 'Inbox page of MIL reviewers at 100 000 profiles under 16 sessions',
  description:
    `The real API process (createApp, which serves the web pages) in a child process, pool of 16 connections, on a schema with ` +
    `${PROFILES.toLocaleString('en')} profiles spread over every state (the inbox benchmark's data: 1 000 000 history rows, ` +
    `~400 000 closed tasks, open tasks per state, 1–3 ministries per profile in ministry review). 16 MIL reviewers sign in ` +
    `through the pages (code from the outbox row); autocannon with 16 keep-alive connections sends GET requests round robin ` +
    `over their sessions: the default view (Meine Gruppe, 25 rows by due date, with the counts per view, the stage badge ` +
    `counts and the saved views) and the same view filtered to overdue tasks and sorted by project.`,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { callers } = ctx.options;
    const database = await createTestDatabase('bench_inbox_page', callers);
    ctx.defer(() => database.destroy());
    const { db } = database;
    ctx.log(`inbox-page: populating ${PROFILES} profiles`);
    await populate(database, PROFILES, ctx.log);
    const server = await startServer(ctx, database);
    const cookies: string[] = [];
    for (let n = 0; n < callers; n++) {
      await addUser(db, `mil-reviewer-${n}`, [{ role: 'ministry', ministry: 'MIL' }], null);
      cookies.push(await signIn(server.url, db, `mil-reviewer-${n}@bench.example.org`));
    }
    const open = await db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'open')
      .where('assignee_role', '=', 'ministry')
      .where('assignee_scope', '=', 'ministry:MIL')
      .executeTakeFirstOrThrow();
    ctx.log(`inbox-page: ${cookies.length} sessions, ${open.n} open MIL tasks`);
    const round = (path: string) => {
      let n = 0;
      return () => ({ path, headers: { cookie: cookies[n++ % cookies.length] as string } });
    };
    const variants = [
      httpVariant('web GET /aufgaben (Meine Gruppe, by due date)', server, callers, round('/aufgaben')),
      httpVariant(
        'web GET /aufgaben?ueberfaellig=ja&sortierung=projekt',
        server,
        callers,
        round('/aufgaben?ueberfaellig=ja&sortierung=projekt'),
      ),
    ];
    const [plain, filtered] = (await interleaved(ctx, variants)).map(stats);
    if (!plain || !filtered) throw new Error('missing samples');
    const rows: ResultRow[] = [
      { variant: variants[0]!.name, unit: 'req', stats: plain, note: `${open.n} open MIL tasks` },
      { variant: variants[1]!.name, unit: 'req', stats: filtered },
    ];
    const checks: Check[] = [
      { label: 'inbox page p99 (default view)', value: plain.p99, op: '<', target: 50, unit: 'ms' },
      { label: 'inbox page p99 (overdue, by project)', value: filtered.p99, op: '<', target: 50, unit: 'ms' },
    ];
    return { rows, checks };
  },
};
