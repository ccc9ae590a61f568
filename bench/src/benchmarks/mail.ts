import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type Actor, createProfile } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import { sql } from 'kysely';
import { createTransport } from 'nodemailer';
import { forkChild } from '../lib/child.js';
import type { Sample } from '../lib/measure.js';
import { stats } from '../lib/measure.js';
import { cpuWindow } from '../lib/proc-cpu.js';
import type { SubmitDone, SubmitRequest } from '../lib/submitter.js';
import type { BenchContext, Benchmark, BenchResult } from '../lib/types.js';
import { workerBenchEnv } from '../lib/worker-env.js';
import { startWorkerProcess } from '../lib/worker-process.js';
import { completeProfileData } from './mail-fixtures.js';

/** Pooled SMTP connections for both variants: the worker's default SMTP_POOL_SIZE. */
const POOL = 10;
const CALLERS = 16;
/** Worker processes (BENCH_MAIL_WORKERS); the figure is for one. */
const WORKERS = Number(process.env.BENCH_MAIL_WORKERS ?? 1);
const PROFILES = 250;
const APPLICANTS = 4;
const OFFICE = 4;
const MAILS_PER_SUBMIT = APPLICANTS + OFFICE;

/** The SUBMITs' own process (`lib/submitter.ts`), as the API is its own process when deployed. */
async function startSubmitter(ctx: BenchContext, database: { url: string; schema: string }) {
  const { child } = await forkChild(ctx, fileURLToPath(new URL('../lib/submitter.ts', import.meta.url)), {
    BENCH_DATABASE_URL: database.url,
    BENCH_SCHEMA: database.schema,
  });
  return {
    pid: child.pid as number,
    /** SUBMIT every profile; resolves with when each SUBMIT was sent, in this process's `performance.now()`. */
    submit(request: SubmitRequest): Promise<Map<string, number>> {
      return new Promise((resolve) => {
        child.once('message', (m) =>
          resolve(new Map((m as SubmitDone).startedAt.map(([id, at]) => [id, at - performance.timeOrigin]))),
        );
        child.send(request);
      });
    },
  };
}

async function inParallel<T>(items: T[], callers: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export const mail: Benchmark = {
  name: 'mail',
  title: 'Mails through the whole path vs. nodemailer straight to the sink',
  description:
    `whole path: ${CALLERS} callers SUBMIT ${PROFILES} draft profiles (applyEvent, in a process of their own, as the API is); each SUBMIT commits one outbox row with two notices ` +
    `(${MAILS_PER_SUBMIT} mails: ${APPLICANTS} applicants, ${OFFICE} WRL members) and its task changes; the worker (its own process, as deployed; ${POOL} pooled SMTP ` +
    'connections, concurrency 16) relays it (LISTEN/NOTIFY), records the mails and timers and sends; timed from the first SUBMIT to the last ' +
    `message accepted by an in-process SMTP sink. direct: the same rendered mails (read back from the delivery log) sent by ` +
    `nodemailer with the same ${POOL}-connection pool and ${CALLERS} concurrent sendMail calls to the same sink. ` +
    'Latency: SUBMIT → notice accepted (path), sendMail call → accepted (direct). Variants alternate per round.',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { database, redis, sink } = await workerBenchEnv(ctx, 'bench_mail');
    const registry = buildRegistry();
    const deps = { db: database.db, registry };
    // The worker runs as its own process, as deployed, and so do the SUBMITs (the API); this process
    // plays the SMTP sink and the direct sender.
    const workerEnv = {
      DATABASE_URL: database.url,
      DATABASE_SCHEMA: database.schema,
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'bench',
      SMTP_URL: sink.url,
      SMTP_POOL_SIZE: String(POOL),
      WORKER_CONCURRENCY: process.env.BENCH_WORKER_CONCURRENCY ?? '16',
      PUBLIC_URL: 'https://steckbrief.example.org',
      MAIL_FROM: 'Steckbrief <noreply@steckbrief.example.org>',
      // The deployed default (sync) unless BENCH_MAIL_MARK_COMMIT=async asks for marks without the WAL flush.
      MAIL_MARK_COMMIT: process.env.BENCH_MAIL_MARK_COMMIT ?? 'sync',
    };
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorkerProcess(workerEnv)));
    ctx.defer(() => Promise.all(workers.map((w) => w.stop())).then(() => undefined));
    const api = await startSubmitter(ctx, database);
    const appPids = [process.pid, api.pid, redis.pid, ...workers.map((w) => w.child.pid as number)];

    const people: Actor[] = [];
    for (let i = 0; i < APPLICANTS + OFFICE; i++) {
      const applicant = i < APPLICANTS;
      const roles = [{ role: applicant ? 'applicant' : 'wrl' }];
      const row = await database.db
        .insertInto('users')
        .values({
          email: `${applicant ? 'applicant' : 'wrl'}${i}@bench.example.org`,
          name: `Bench ${i}`,
          organisation: applicant ? 'Bench-Gemeinde' : null,
          roles: JSON.stringify(roles),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      people.push({ userId: row.id, organisation: applicant ? 'Bench-Gemeinde' : null, grants: roles });
    }
    const applicant = people[0] as Actor;

    let cpuSplit = { bench: 0, api: 0, workers: 0, redis: 0, pg: 0, wall: 0 };
    const pathRound = async (profiles: number): Promise<Sample> => {
      const ids: string[] = [];
      for (let i = 0; i < profiles; i++) {
        ids.push((await createProfile(deps, applicant, { data: completeProfileData(i) })).id);
      }
      const before = sink.count();
      const stopPg = await ctx.cpu.start();
      const stopApp = await cpuWindow(appPids);
      const parts = await Promise.all(appPids.map((pid) => cpuWindow([pid])));
      const t0 = performance.now();
      const startedAt = await api.submit({ ids, actor: applicant, callers: CALLERS });
      const submittedMs = performance.now() - t0;
      const sentBySubmitEnd = sink.count() - before;
      await sink.waitFor(before + profiles * MAILS_PER_SUBMIT, 300_000);
      const elapsedMs = performance.now() - t0;
      const cpu = { appMs: await stopApp(), pgMs: (await stopPg()).pgMs };
      const [benchMs, apiMs, redisMs, ...workerMs] = await Promise.all(parts.map((stop) => stop()));
      ctx.log(
        `mail: whole path CPU: bench (sink) ${benchMs?.toFixed(0)} ms, SUBMITs ${apiMs?.toFixed(0)} ms, worker(s) ${workerMs.map((w) => w.toFixed(0)).join(' + ')} ms, ` +
          `redis ${redisMs?.toFixed(0)} ms, PostgreSQL ${cpu.pgMs.toFixed(0)} ms in ${elapsedMs.toFixed(0)} ms wall; ` +
          `SUBMITs done after ${submittedMs.toFixed(0)} ms with ${sentBySubmitEnd} mails sent`,
      );
      cpuSplit = {
        bench: benchMs ?? 0,
        api: apiMs ?? 0,
        workers: workerMs.reduce((a, b) => a + b, 0),
        redis: redisMs ?? 0,
        pg: cpu.pgMs,
        wall: elapsedMs,
      };
      const latencies: number[] = [];
      for (const [cause, at] of sink.acceptedAt) {
        const id = cause.split(':')[1] as string;
        const start = startedAt.get(id);
        if (start !== undefined) latencies.push(at - start);
      }
      return { ops: profiles * MAILS_PER_SUBMIT, errors: 0, elapsedMs, latencies, cpu };
    };

    const directRound = async (profiles: number): Promise<Sample> => {
      const mails = await database.db
        .selectFrom('mail_deliveries')
        .select(['email', 'subject', 'text_body', 'html_body', 'message_id', 'cause'])
        .orderBy('id', 'desc')
        .limit(profiles * MAILS_PER_SUBMIT)
        .execute();
      // Plain nodemailer, as an application would use it: a pooled transport and structured messages.
      const transport = createTransport({
        pool: true,
        url: sink.url,
        maxConnections: POOL,
        maxMessages: Number.POSITIVE_INFINITY,
      });
      try {
        const before = sink.count();
        const latencies: number[] = [];
        const stopPg = await ctx.cpu.start();
        const stopApp = await cpuWindow(appPids);
        const t0 = performance.now();
        await inParallel(mails, CALLERS, async (m) => {
          const s = performance.now();
          await transport.sendMail({
            from: 'Steckbrief <noreply@steckbrief.example.org>',
            to: m.email,
            subject: m.subject,
            text: m.text_body,
            html: m.html_body,
            messageId: m.message_id,
            headers: { 'X-Steckbrief-Cause': `direct:${m.cause}`, 'Auto-Submitted': 'auto-generated' },
          });
          latencies.push(performance.now() - s);
        });
        await sink.waitFor(before + mails.length, 60_000);
        const elapsedMs = performance.now() - t0;
        const cpu = { appMs: await stopApp(), pgMs: (await stopPg()).pgMs };
        return { ops: mails.length, errors: 0, elapsedMs, latencies, cpu };
      } finally {
        transport.close();
      }
    };

    // One full-size round of each variant, not measured: the worker process starts cold, and a
    // short warm-up left its first measured round running JIT-cold code (about 40 % more CPU).
    ctx.log('mail: warm-up (one full round of each variant)');
    await pathRound(PROFILES);
    await directRound(PROFILES);
    // Statistics, as a running system has them (autovacuum's first ANALYZE of the fresh schema would
    // otherwise land at a random point of the run, and the cached plans made before it depend on when).
    await sql`analyze`.execute(database.db);
    const path: Sample[] = [];
    const direct: Sample[] = [];
    for (let r = 1; r <= ctx.options.rounds; r++) {
      ctx.log(`mail: round ${r}/${ctx.options.rounds}: whole path (${PROFILES * MAILS_PER_SUBMIT} mails)`);
      path.push(await pathRound(PROFILES));
      ctx.log(`mail: round ${r}/${ctx.options.rounds}: direct`);
      direct.push(await directRound(PROFILES));
    }
    const merge = (samples: Sample[]): Sample => ({
      ops: samples.reduce((n, s) => n + s.ops, 0),
      errors: 0,
      elapsedMs: samples.reduce((n, s) => n + s.elapsedMs, 0),
      latencies: samples.flatMap((s) => s.latencies),
      cpu: {
        appMs: samples.reduce((n, s) => n + (s.cpu?.appMs ?? 0), 0),
        pgMs: samples.reduce((n, s) => n + (s.cpu?.pgMs ?? 0), 0),
      },
    });
    const p = stats(merge(path));
    const d = stats(merge(direct));
    const failed = await database.db
      .selectFrom('mail_deliveries')
      .select('id')
      .where('status', '<>', 'delivered')
      .execute();
    return {
      rows: [
        {
          variant: `whole path (transition → outbox → queue → SMTP), ${WORKERS} worker${WORKERS > 1 ? 's' : ''}`,
          unit: 'mail',
          stats: p,
          note: 'latency: SUBMIT → accepted',
        },
        { variant: 'nodemailer direct', unit: 'mail', stats: d },
      ],
      checks: [{ label: 'whole path / direct (mails/s)', value: p.perSecond / d.perSecond, op: '>=', target: 0.8 }],
      notes: [
        `delivery log after the run: ${failed.length} mails not delivered`,
        'app CPU = bench process (SMTP sink, direct sender) + SUBMIT process + worker process + redis-server; PG CPU = the backends of ' +
          'bench and worker connections. Both variants pay for the sink; the whole path also pays for the transitions.',
        `last whole-path round: the worker process${WORKERS > 1 ? 'es' : ''} used ${cpuSplit.workers.toFixed(0)} ms CPU in ${cpuSplit.wall.toFixed(0)} ms ` +
          `(${((100 * cpuSplit.workers) / cpuSplit.wall / WORKERS).toFixed(0)} % of ${WORKERS} core${WORKERS > 1 ? 's' : ''}); bench process (sink) ${cpuSplit.bench.toFixed(0)} ms, SUBMIT process ${cpuSplit.api.toFixed(0)} ms, ` +
          `redis ${cpuSplit.redis.toFixed(0)} ms, PostgreSQL ${cpuSplit.pg.toFixed(0)} ms`,
        `CPU per mail, all processes: whole path ${(p.appCpuPerOp + p.pgCpuPerOp).toFixed(2)} ms, direct ${(d.appCpuPerOp + d.pgCpuPerOp).toFixed(2)} ms ` +
          `(ratio ${((d.appCpuPerOp + d.pgCpuPerOp) / (p.appCpuPerOp + p.pgCpuPerOp)).toFixed(2)}); on 2 cores throughput follows CPU.`,
      ],
    };
  },
};
