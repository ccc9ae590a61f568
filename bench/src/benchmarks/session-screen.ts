import { issueToken } from '@steckbrief/api';
import { createTestDatabase } from '@steckbrief/db/testing';
import { createSession, type EngineDeps, setAgenda } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import { stats } from '../lib/measure.js';
import type { BenchContext, Benchmark, BenchResult, Check, ResultRow } from '../lib/types.js';
import type { Variant } from '../workloads/variants.js';
import { addUser, PROFILES, populate, signIn } from '../workloads/web.js';
import { interleaved } from './transitions.js';
import { httpVariant, startServer } from './web.js';

/** Items on the measured session's agenda. */
const AGENDA = 40;

export const sessionScreen: Benchmark = {
  name: 'session-screen',
  title: `The WRL office's session screen with a ${AGENDA}-item agenda vs. the session as JSON`,
  description:
    `The real API process (createApp, which also serves the web pages) in a child process, pool of 16 connections, on the web ` +
    `benchmark's schema of ${PROFILES} profiles (copies of 10 profiles the engine brought into each state; about 1 000 of them ` +
    `wait in Werkstatt 4's qualification). A Werkstatt 4 session with ${AGENDA} of them on its agenda. 16 people of the WRL office ` +
    `sign in through the pages; autocannon with 16 keep-alive connections sends GET /sitzungen/{id} round robin over their ` +
    `sessions: the agenda with its order buttons, the totals against the budget (budgetView's period figures, cached ` +
    `for 15 s), and the decision table of all ${AGENDA} items (one choice per item, labelled from the workflow ` +
    `definition; the chosen decisions' fields are asked on a second page, not measured here). Baseline in the same run, measured alternately: GET /api/v1/sessions/{id} (the session with its agenda as ` +
    `JSON) with the same people's bearer tokens, the session screen over one connection (one person at a time), and the ` +
    `sessions list page.`,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { callers } = ctx.options;
    const database = await createTestDatabase('bench_sessions', callers);
    ctx.defer(() => database.destroy());
    const { db } = database;
    const deps: EngineDeps = { db, registry: buildRegistry() };
    ctx.log(`session-screen: populating ${PROFILES} profiles`);
    await populate(ctx, deps);

    const office = await addUser(db, 'wrl-planner', [{ role: 'wrl' }], null);
    const waiting = await db
      .selectFrom('profiles')
      .select('id')
      .where('state', '=', 'qualification')
      .orderBy('submitted_at')
      .orderBy('id')
      .limit(AGENDA)
      .execute();
    const session = await createSession(deps, office, {
      kind: 'werkstatt',
      scopeValue: '4',
      date: new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10),
      title: 'Werkstatt 4 (Benchmark)',
    });
    const view = await setAgenda(
      deps,
      office,
      session.id,
      waiting.map((w) => w.id),
    );
    if (view.agenda.length !== AGENDA) throw new Error(`agenda has ${view.agenda.length} items`);

    const server = await startServer(ctx, database);
    const people: Array<{ cookie: string; token: string }> = [];
    for (let n = 0; n < callers; n++) {
      const actor = await addUser(db, `wrl-office-${n}`, [{ role: 'wrl' }], null);
      const cookie = await signIn(server.url, db, `wrl-office-${n}@bench.example.org`);
      people.push({ cookie, token: await issueToken(db, actor.userId as string, 'bench') });
    }
    const page = await fetch(`${server.url}/sitzungen/${session.id}`, {
      headers: { cookie: people[0]?.cookie ?? '' },
    });
    const html = await page.text();
    const items = (html.match(/<select[^>]* id="top\d+-entscheidung"/g) ?? []).length;
    if (page.status !== 200 || items !== AGENDA)
      throw new Error(`session page answered ${page.status} with ${items} decision items`);
    ctx.log(`session-screen: ${people.length} sessions, page ${(html.length / 1024).toFixed(0)} KB`);

    const rotation = () => {
      let n = 0;
      return () => people[n++ % people.length] as (typeof people)[number];
    };
    const webSession = rotation();
    const apiSession = rotation();
    const webList = rotation();
    const webSingle = rotation();
    const variants: Variant[] = [
      httpVariant('API JSON GET /api/v1/sessions/{id}', server, callers, () => ({
        path: `/api/v1/sessions/${session.id}`,
        headers: { authorization: `Bearer ${apiSession().token}` },
      })),
      httpVariant(`web GET /sitzungen/{id} (${AGENDA}-item agenda with decision table)`, server, callers, () => ({
        path: `/sitzungen/${session.id}`,
        headers: { cookie: webSession().cookie },
      })),
      httpVariant(`web GET /sitzungen/{id}, one connection (one person at a time)`, server, 1, () => ({
        path: `/sitzungen/${session.id}`,
        headers: { cookie: webSingle().cookie },
      })),
      httpVariant('web GET /sitzungen (list and calendar)', server, callers, () => ({
        path: '/sitzungen',
        headers: { cookie: webList().cookie },
      })),
    ];
    const [api, screen, single, list] = (await interleaved(ctx, variants)).map(stats);
    if (!api || !screen || !single || !list) throw new Error('missing samples');
    const rows: ResultRow[] = [
      { variant: variants[0]!.name, unit: 'req', stats: api },
      { variant: variants[1]!.name, unit: 'req', stats: screen, note: `${(html.length / 1024).toFixed(0)} KB HTML` },
      { variant: variants[2]!.name, unit: 'req', stats: single },
      { variant: variants[3]!.name, unit: 'req', stats: list },
    ];
    const checks: Check[] = [
      { label: `session screen p99, ${callers} connections`, value: screen.p99, op: '<', target: 80, unit: 'ms' },
      { label: 'session screen p99, one connection', value: single.p99, op: '<', target: 80, unit: 'ms' },
    ];
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    return {
      rows,
      checks,
      notes: [
        `session screen / API JSON: ${ratio(screen.perSecond, api.perSecond)} × the requests per second, p99 ` +
          `${ratio(screen.p99, api.p99)} × (the page also reads the budget figures and renders ` +
          `the decision table of ${AGENDA} items).`,
      ],
    };
  },
};
