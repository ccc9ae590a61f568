import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { API_NODE_FLAGS, issueToken } from '@steckbrief/api';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import type { EngineDeps } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { forkChild } from '../lib/child.js';
import { closedLoop, type Sample, stats } from '../lib/measure.js';
import type { BenchContext, Benchmark, BenchResult, Check, ResultRow } from '../lib/types.js';
import type { Variant } from '../workloads/variants.js';
import { addUser, ORGANISATIONS, orgName, PER_ORGANISATION, PROFILES, populate, signIn } from '../workloads/web.js';
import { interleaved } from './transitions.js';

const SERVER = fileURLToPath(new URL('../lib/http-server.ts', import.meta.url));

/**
 * The real API process (which serves the web pages too) on its own schema, or another server entry
 * (`entry`, sent `hello` once forked) that reports its port the same way; resolves with its URL and pid.
 */
export async function startServer(
  ctx: BenchContext,
  database: TestDatabase,
  { entry = SERVER, hello }: { entry?: string; hello?: unknown } = {},
): Promise<{ url: string; pid: number }> {
  const { child, first } = await forkChild(
    ctx,
    entry,
    { BENCH_DATABASE_URL: database.url, BENCH_SCHEMA: database.schema, BENCH_POOL_MAX: String(ctx.options.callers) },
    hello,
    // Started as deployed; a raw baseline entry gets the same runtime settings.
    API_NODE_FLAGS,
  );
  const { port } = first as { port: number };
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number };
}

/** GET requests with autocannon: `next()` gives each request its path and headers. */
export function httpVariant(
  name: string,
  server: { url: string; pid: number },
  connections: number,
  next: () => { path: string; headers: Record<string, string> },
): Variant {
  return {
    name,
    appPid: server.pid,
    run: (ms) =>
      new Promise<Sample>((resolve, reject) => {
        const latencies: number[] = [];
        let errors = 0;
        let firstError: string | undefined;
        const start = performance.now();
        const instance = autocannon(
          {
            url: server.url,
            connections,
            pipelining: 1,
            duration: ms / 1000,
            requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, ...next() }) }],
          },
          (error, result) => {
            if (error) return reject(error);
            if (result.errors || result.timeouts) {
              errors += result.errors + result.timeouts;
              firstError ??= `${result.errors} socket errors, ${result.timeouts} timeouts`;
            }
            resolve({ ops: latencies.length, errors, firstError, elapsedMs: performance.now() - start, latencies });
          },
        );
        instance.on('response', (_client, status, _bytes, responseTime) => {
          if (status === 200) latencies.push(responseTime);
          else {
            errors++;
            firstError ??= `HTTP ${status}`;
          }
        });
      }),
  };
}

/**
 * People rather than a load generator: `sessions` users, each on its own keep-alive connection, load a
 * page, read it for a while (exponentially distributed, `thinkMs` on average) and load the next. How
 * many pages per second that asks for follows from the think time and the answers' speed.
 */
export function sessionsVariant(
  name: string,
  server: { url: string; pid: number },
  sessions: number,
  thinkMs: number,
  next: () => { path: string; headers: Record<string, string> },
): Variant {
  const { hostname, port } = new URL(server.url);
  const agents = Array.from({ length: sessions }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  const get = (agent: Agent) =>
    new Promise<number>((resolve, reject) => {
      const { path, headers } = next();
      const req = request({ hostname, port, path, headers, agent }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  return {
    name,
    appPid: server.pid,
    async run(ms) {
      const latencies: number[] = [];
      let errors = 0;
      let firstError: string | undefined;
      const start = performance.now();
      const end = start + ms;
      const think = () => new Promise((resolve) => setTimeout(resolve, -Math.log(1 - Math.random()) * thinkMs));
      await Promise.all(
        agents.map(async (agent) => {
          // Sessions start spread over one think time, not all at once.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * thinkMs));
          while (performance.now() < end) {
            const sent = performance.now();
            try {
              const status = await get(agent);
              if (status === 200) latencies.push(performance.now() - sent);
              else {
                errors++;
                firstError ??= `HTTP ${status}`;
              }
            } catch (error) {
              errors++;
              firstError ??= String(error);
            }
            await think();
          }
        }),
      );
      return { ops: latencies.length, errors, firstError, elapsedMs: performance.now() - start, latencies };
    },
  };
}

/** Bytes of a page and of the styles and scripts it links, split into ours and KERN's (fonts left out). */
async function pageWeight(url: string, path: string, cookie: string) {
  const get = async (p: string) => {
    const res = await fetch(new URL(p, url), { headers: { cookie } });
    if (res.status !== 200) throw new Error(`GET ${p} answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  const html = await get(path);
  const assets = [...html.toString('utf8').matchAll(/<(?:link rel="stylesheet"|script[^>]*) (?:href|src)="([^"]+)"/g)]
    .map((m) => m[1] as string)
    .filter((href) => href.startsWith('/'));
  let own = html.length;
  let ownGzip = gzipSync(html).length;
  let kern = 0;
  for (const href of assets) {
    const bytes = await get(href);
    if (href.startsWith('/assets/web/')) {
      own += bytes.length;
      ownGzip += gzipSync(bytes).length;
    } else kern += bytes.length;
  }
  return { html: html.length, own, ownGzip, kern };
}

export const web: Benchmark = {
  name: 'web',
  title: 'Web pages under 16 sessions at 10 000 profiles vs. the JSON API and raw SQL',
  description:
    `The real API process (createApp, which also serves the web pages) in a child process, pool of 16 connections, on its own ` +
    `schema with ${PROFILES} profiles (copies of 10 profiles the engine brought into each state, with their histories and tasks; ` +
    `${ORGANISATIONS} organisations of ${PER_ORGANISATION} profiles each). 16 applicants of 16 organisations sign in through the ` +
    `pages (code from the outbox row); autocannon with 16 keep-alive connections sends GET requests round robin over the 16 sessions, ` +
    `each for a profile of its own organisation. Baselines in the same run, measured alternately: the same reads as JSON ` +
    `(GET /api/v1/profiles/{id} and GET /api/v1/profiles?limit=100 with the same users' bearer tokens) and, for the profile, ` +
    `plain SQL in this process (profile row, its history and open tasks by id, JSON.stringify; 16 callers).`,
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { callers } = ctx.options;
    const database = await createTestDatabase('bench_web', callers);
    ctx.defer(() => database.destroy());
    const { db } = database;
    const deps: EngineDeps = { db, registry: buildRegistry() };
    ctx.log(`web: populating ${PROFILES} profiles`);
    await populate(ctx, deps);

    const server = await startServer(ctx, database);
    const sessions = Array.from({ length: callers }, (_, n) => n % ORGANISATIONS);
    const people: Array<{ cookie: string; token: string; profiles: string[] }> = [];
    for (const org of sessions) {
      const actor = await addUser(db, `applicant-${org}`, [{ role: 'applicant' }], orgName(org));
      const cookie = await signIn(server.url, db, `applicant-${org}@bench.example.org`);
      const token = await issueToken(db, actor.userId as string, 'bench');
      const own = await db
        .selectFrom('profiles')
        .select('id')
        .where('owner_key', '=', `org:${orgName(org)}`)
        .orderBy('id')
        .execute();
      people.push({ cookie, token, profiles: own.map((p) => p.id) });
    }
    ctx.log(`web: ${people.length} sessions, ${people[0]?.profiles.length} profiles each`);

    /** Request n: session n mod 16, that organisation's profiles in turn. */
    const rotation = () => {
      let n = 0;
      return () => {
        const i = n++;
        const person = people[i % people.length] as (typeof people)[number];
        const profile = person.profiles[Math.floor(i / people.length) % person.profiles.length] as string;
        return { person, profile };
      };
    };
    const webProfile = rotation();
    const apiProfile = rotation();
    const webList = rotation();
    const apiList = rotation();
    const rawProfile = rotation();
    const variants: Variant[] = [
      {
        name: 'raw SQL: profile, history, open tasks by id + JSON.stringify',
        run: (ms) =>
          closedLoop(callers, ms, async () => {
            const { profile } = rawProfile();
            const [row, history, tasks] = await Promise.all([
              sql`select * from profiles where id = ${profile}`.execute(db),
              sql`select * from profile_history where profile_id = ${profile} order by seq`.execute(db),
              sql`select * from tasks where profile_id = ${profile} and status = 'open'`.execute(db),
            ]);
            return JSON.stringify({ profile: row.rows[0], history: history.rows, tasks: tasks.rows }).length;
          }),
      },
      httpVariant('API JSON GET /api/v1/profiles/{id}', server, callers, () => {
        const { person, profile } = apiProfile();
        return { path: `/api/v1/profiles/${profile}`, headers: { authorization: `Bearer ${person.token}` } };
      }),
      httpVariant('web GET /profile/{id} (profile page)', server, callers, () => {
        const { person, profile } = webProfile();
        return { path: `/profile/${profile}`, headers: { cookie: person.cookie } };
      }),
      httpVariant('API JSON GET /api/v1/profiles?limit=100', server, callers, () => {
        const { person } = apiList();
        return { path: '/api/v1/profiles?limit=100', headers: { authorization: `Bearer ${person.token}` } };
      }),
      httpVariant('web GET /meine-steckbriefe', server, callers, () => {
        const { person } = webList();
        return { path: '/meine-steckbriefe', headers: { cookie: person.cookie } };
      }),
    ];
    const [raw, apiP, webP, apiL, webL] = (await interleaved(ctx, variants)).map(stats);
    if (!raw || !apiP || !webP || !apiL || !webL) throw new Error('missing samples');

    const first = people[0] as (typeof people)[number];
    // The heaviest page of the organisation: a confirmed profile has the longest timeline.
    const weights = await Promise.all(
      first.profiles.map((id) => pageWeight(server.url, `/profile/${id}`, first.cookie)),
    );
    const profileWeight = weights.reduce((a, b) => (b.own > a.own ? b : a));
    const listWeight = await pageWeight(server.url, '/meine-steckbriefe', first.cookie);
    const kb = (bytes: number) => bytes / 1024;
    const rows: ResultRow[] = [
      { variant: variants[0]!.name, unit: 'read', stats: raw },
      { variant: variants[1]!.name, unit: 'req', stats: apiP },
      { variant: variants[2]!.name, unit: 'req', stats: webP },
      { variant: variants[3]!.name, unit: 'req', stats: apiL },
      { variant: variants[4]!.name, unit: 'req', stats: webL },
    ];
    const checks: Check[] = [
      { label: 'profile page p99', value: webP.p99, op: '<', target: 50, unit: 'ms' },
      { label: 'Meine Steckbriefe p99', value: webL.p99, op: '<', target: 50, unit: 'ms' },
      {
        label: 'profile page weight (HTML+CSS+JS, ours)',
        value: kb(profileWeight.own),
        op: '<',
        target: 60,
        unit: 'KB',
      },
      { label: 'Meine Steckbriefe weight (ours)', value: kb(listWeight.own), op: '<', target: 60, unit: 'KB' },
    ];
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    return {
      rows,
      checks,
      notes: [
        `profile page / API JSON: ${ratio(webP.perSecond, apiP.perSecond)} × the requests per second, ` +
          `p99 ${ratio(webP.p99, apiP.p99)} ×; / raw SQL: ${ratio(webP.perSecond, raw.perSecond)} × the reads per second ` +
          `(the page also reads the history and the tasks, renders and escapes; the JSON endpoint reads profile and tasks).`,
        `Meine Steckbriefe / API JSON list: ${ratio(webL.perSecond, apiL.perSecond)} × the requests per second, ` +
          `p99 ${ratio(webL.p99, apiL.p99)} × (the page also reads each profile's next task).`,
        `page weight, fonts left out: profile page ${kb(profileWeight.html).toFixed(1)} KB HTML, ` +
          `${kb(profileWeight.own).toFixed(1)} KB with our CSS and JS (${kb(profileWeight.ownGzip).toFixed(1)} KB gzipped); ` +
          `Meine Steckbriefe ${kb(listWeight.own).toFixed(1)} KB (${kb(listWeight.ownGzip).toFixed(1)} KB gzipped); ` +
          `KERN's CSS adds ${kb(profileWeight.kern).toFixed(1)} KB, cached for 7 days.`,
      ],
    };
  },
};
