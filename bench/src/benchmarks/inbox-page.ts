import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@steckbrief/db/testing';
import { stats } from '../lib/measure.js';
import type { BenchContext, Benchmark, BenchResult, Check, ResultRow } from '../lib/types.js';
import { addUser, signIn } from '../workloads/web.js';
import { populate } from './inbox.js';
import { interleaved } from './transitions.js';
import { httpVariant, sessionsVariant, startServer } from './web.js';

const PROFILES = 100_000;
const RAW_SERVER = fileURLToPath(new URL('../lib/raw-inbox-server.ts', import.meta.url));

/** The page split around its table body: what the raw baseline writes around its own rows. */
async function pageShell(url: string, cookie: string) {
  const html = await (await fetch(`${url}/aufgaben`, { headers: { cookie } })).text();
  const open = '<tbody class="kern-table__body">';
  const start = html.indexOf(open) + open.length;
  const end = html.indexOf('</tbody>', start);
  if (start < open.length || end < 0) throw new Error('the inbox page has no table body');
  return { bytes: Buffer.byteLength(html), shell: { before: html.slice(0, start), after: html.slice(end) } };
}

/** The inbox page (`GET /aufgaben`) as MIL reviewers see it, through HTTP with signed-in sessions. */
export const inboxPage: Benchmark = {
  name: 'inbox-page',
  title: 'Inbox page of MIL reviewers at 100 000 profiles under 16 sessions',
  description:
    `The real API process (createApp, which serves the web pages) in a child process started with API_NODE_FLAGS as deployed, pool of 16 connections, on a schema with ` +
    `${PROFILES.toLocaleString('en')} profiles spread over every state (the inbox benchmark's data: 1 000 000 history rows, ` +
    `~400 000 closed tasks, open tasks per state, 1–3 ministries per profile in ministry review). 16 MIL reviewers sign in ` +
    `through the pages (code from the outbox row); autocannon with 16 keep-alive connections sends GET requests round robin ` +
    `over their sessions: the default view (Meine Gruppe, 25 rows by due date, with the counts per view, the stage badge ` +
    `counts and the saved views) and the same view filtered to overdue tasks and sorted by project. Raw baseline, measured ` +
    `alternately with the same sessions: node:http and pg alone in a second child process, the session statement and the engine's ` +
    `own page statement (captured once from inboxPageWithSummary), rows written with template strings into the real page's ` +
    `shell (same bytes ± a few). Closed loop: each connection sends its next request the moment the answer is in (the ` +
    `machine's capacity; latency is queueing for 2 cores). Sessions: 16 users on their own keep-alive connections who read ` +
    `each page for an exponentially distributed time (0.5 s or 0.1 s on average) before loading the next.`,
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
    const real = await pageShell(server.url, cookies[0] as string);
    // The raw baseline around the real page's shell.
    const raw = await startServer(ctx, database, { entry: RAW_SERVER, hello: { shell: real.shell } });
    const rawBytes = Buffer.byteLength(
      await (await fetch(`${raw.url}/aufgaben`, { headers: { cookie: cookies[0] as string } })).text(),
    );
    ctx.log(`inbox-page: page ${real.bytes} bytes, raw baseline ${rawBytes} bytes`);
    const variants = [
      httpVariant('web GET /aufgaben (Meine Gruppe, by due date), closed loop', server, callers, round('/aufgaben')),
      httpVariant('raw: node:http + pg, the same statements, closed loop', raw, callers, round('/aufgaben')),
      httpVariant(
        'web GET /aufgaben?ueberfaellig=ja&sortierung=projekt, closed loop',
        server,
        callers,
        round('/aufgaben?ueberfaellig=ja&sortierung=projekt'),
      ),
      sessionsVariant(`web GET /aufgaben, ${callers} sessions reading 0.5 s`, server, callers, 500, round('/aufgaben')),
      sessionsVariant(`web GET /aufgaben, ${callers} sessions reading 0.1 s`, server, callers, 100, round('/aufgaben')),
    ];
    const [plain, baseline, filtered, reading, hasty] = (await interleaved(ctx, variants)).map(stats);
    if (!plain || !baseline || !filtered || !reading || !hasty) throw new Error('missing samples');
    const rows: ResultRow[] = [
      { variant: variants[0]!.name, unit: 'req', stats: plain, note: `${open.n} open MIL tasks, ${real.bytes} bytes` },
      { variant: variants[1]!.name, unit: 'req', stats: baseline, note: `${rawBytes} bytes` },
      { variant: variants[2]!.name, unit: 'req', stats: filtered },
      { variant: variants[3]!.name, unit: 'req', stats: reading },
      { variant: variants[4]!.name, unit: 'req', stats: hasty },
    ];
    const checks: Check[] = [
      // The figure: the inbox page as a MIL reviewer opens it (the default view).
      { label: 'inbox page p99, closed loop (default view)', value: plain.p99, op: '<', target: 50, unit: 'ms' },
      { label: `inbox page p99, ${callers} sessions reading 0.1 s`, value: hasty.p99, op: '<', target: 50, unit: 'ms' },
    ];
    const notes = [
      `default view against the raw baseline: ${(plain.perSecond / baseline.perSecond).toFixed(2)} × its pages per second; ` +
        `CPU per page ${(plain.appCpuPerOp + plain.pgCpuPerOp).toFixed(2)} ms against ${(baseline.appCpuPerOp + baseline.pgCpuPerOp).toFixed(2)} ms ` +
        `(application + PostgreSQL); the raw baseline's p99 (${baseline.p99.toFixed(1)} ms) is what this machine gives 16 sessions with no framework at all.`,
      `overdue tasks by project (measured, no target): p99 ${filtered.p99.toFixed(1)} ms; PostgreSQL ${filtered.pgCpuPerOp.toFixed(2)} ms per page ` +
        `against ${plain.pgCpuPerOp.toFixed(2)} for the default view: ordering by project title joins every overdue task of the group ` +
        `with its profile and sorts them before the first 25 are known (no index holds the order).`,
    ];
    return { rows, checks, notes };
  },
};
