import { performance } from 'node:perf_hooks';
import { createSmtpTransport, startWorker } from '@steckbrief/worker';
import { buildRegistry } from '@steckbrief/workflows';
import { sql } from 'kysely';
import { pino } from 'pino';
import { stats } from '../lib/measure.js';
import type { BenchContext, Benchmark, BenchResult } from '../lib/types.js';
import { workerBenchEnv } from '../lib/worker-env.js';

const TASKS = 10_000;
const DAY = 86_400_000;
/** Time to plan the timers before the first one is due, then the window the reminders fall in. */
const LEAD_MS = 30_000;
const WINDOW_MS = 60_000;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`reminders: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const reminders: Benchmark = {
  name: 'reminders',
  title: 'Lateness of 10 000 reminders due within one minute',
  description:
    `${TASKS} open tasks (one WRL recipient) get due dates 1 day + ${LEAD_MS / 1000}–${(LEAD_MS + WINDOW_MS) / 1000} s ahead, ` +
    'spread evenly, with one reminder 1 day before; their outbox rows (one `transition` row per task) are committed in one statement and the worker ' +
    '(in this process, concurrency 16, 5 SMTP connections, private redis-server) plans the timers (a reminder and an escalation ' +
    'each, as BullMQ delayed jobs). Lateness = when the timer job recorded the reminder − when it was due; the second row is ' +
    'due → mail accepted by the SMTP sink. Redis memory per pending timer = (used_memory with all timers planned − before) / timers.',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const { database, redis, sink } = await workerBenchEnv(ctx, 'bench_reminders');
    const registry = buildRegistry();
    const { db } = database;
    const worker = await startWorker({
      db,
      databaseUrl: database.url,
      schema: database.schema,
      redisUrl: redis.url,
      redisPrefix: 'bench',
      registry,
      transport: createSmtpTransport(sink.url, 5),
      logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }),
      publicUrl: 'https://steckbrief.example.org',
      mailFrom: 'Steckbrief <noreply@steckbrief.example.org>',
      mailAttempts: 8,
      mailBackoffMs: 1_000,
      mailLeaseMs: 60_000,
      reminderOffsets: [DAY],
      // Every timer of the run in Redis from the start (escalations are due a day later), as this measures.
      timerHorizonMs: 3 * DAY,
      reconcileIntervalMs: 600_000,
      relayPollMs: 1_000,
      concurrency: 16,
      jobLockMs: 30_000,
    });
    ctx.defer(() => worker.stop());

    const owner = await db
      .insertInto('users')
      .values({
        email: 'office@bench.example.org',
        name: 'WRL Bench',
        organisation: null,
        roles: JSON.stringify([{ role: 'wrl' }]),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`
      insert into profiles (workflow_id, workflow_version, state, snapshot, data, owner_key, created_by, submitted_at)
      select 'lausitz-brandenburg', 1, 'intake', '{"value":"intake","context":{}}'::jsonb,
             jsonb_build_object('title', 'Vorhaben ' || i), 'org:bench', ${owner.id}::uuid, now()
      from generate_series(1, 100) i
    `.execute(db);
    // Let the worker's first reconciliation and the relay settle before measuring memory.
    await new Promise((r) => setTimeout(r, 500));
    const memoryBefore = await redis.usedMemory();

    const base = Date.now() + DAY + LEAD_MS;
    const t0 = performance.now();
    await sql`
      with p as (select id, row_number() over (order by id) - 1 as n from profiles),
      t as (
        insert into tasks (profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, due_at, created_at)
        select p.id, 'lausitz-brandenburg', 'bench:' || i, 'intake_check', 'intake', 'wrl', '',
               to_timestamp((${base}::bigint + (i::bigint * ${WINDOW_MS}) / ${TASKS}) / 1000.0), now()
        from generate_series(0, ${TASKS - 1}) i join p on p.n = i % 100
        returning id, profile_id, kind, due_at
      )
      insert into outbox (topic, cause, profile_id, payload)
      select 'transition', 'transition:bench:' || id, profile_id,
             jsonb_build_object('profileId', profile_id, 'workflow', 'lausitz-brandenburg', 'seq', 1, 'event', 'BENCH',
               'from', null, 'to', 'intake', 'notices', '[]'::jsonb,
               'tasks', jsonb_build_array(jsonb_build_object('change', 'opened', 'taskId', id, 'kind', kind,
                 'dueAt', due_at, 'assignee', jsonb_build_object('role', 'wrl', 'scope', ''))))
      from t
    `.execute(db);
    ctx.log(`reminders: ${TASKS} tasks committed; planning timers`);
    await until(
      async () => ((await worker.queues.timers.getJobCounts('delayed')).delayed ?? 0) >= 2 * TASKS,
      LEAD_MS,
      'all timers planned before the first is due',
    );
    const planMs = performance.now() - t0;
    const memoryAfter = await redis.usedMemory();
    const pending = (await worker.queues.timers.getJobCounts('delayed')).delayed ?? 0;
    ctx.log(`reminders: ${pending} timers pending after ${(planMs / 1000).toFixed(1)} s; waiting for the window`);

    await until(
      async () => {
        const r = await db
          .selectFrom('task_timers')
          .select(sql<number>`count(*)`.as('n'))
          .where('kind', '=', 'reminder')
          .where('status', '=', 'planned')
          .executeTakeFirstOrThrow();
        return Number(r.n) === 0;
      },
      LEAD_MS + WINDOW_MS + 60_000,
      'every reminder fired',
    );
    await sink.waitFor(TASKS, 60_000);

    const rows = await db
      .selectFrom('task_timers')
      .select(['cause', 'status', 'fire_at', 'fired_at'])
      .where('kind', '=', 'reminder')
      .execute();
    const fired = rows.filter((r) => r.status === 'fired' && r.fired_at);
    const lateness = fired.map((r) => (r.fired_at as Date).getTime() - r.fire_at.getTime());
    const mailLateness = fired.flatMap((r) => {
      const at = sink.acceptedAt.get(r.cause);
      return at === undefined ? [] : [performance.timeOrigin + at - r.fire_at.getTime()];
    });
    const first = Math.min(...fired.map((r) => r.fire_at.getTime()));
    const last = Math.max(...fired.map((r) => (r.fired_at as Date).getTime()));
    const fire = stats({
      ops: fired.length,
      errors: rows.length - fired.length,
      elapsedMs: last - first,
      latencies: lateness,
    });
    const mailed = stats({
      ops: mailLateness.length,
      errors: fired.length - mailLateness.length,
      elapsedMs: last - first,
      latencies: mailLateness,
    });
    const perTimer = (memoryAfter - memoryBefore) / pending;
    return {
      rows: [
        { variant: 'due → reminder recorded', unit: 'reminder', stats: fire, note: 'latency = lateness' },
        { variant: 'due → mail accepted by SMTP sink', unit: 'mail', stats: mailed },
      ],
      checks: [
        { label: 'reminder lateness p99', value: fire.p99, op: '<', target: 1000, unit: 'ms' },
        { label: 'Redis memory per pending timer', value: perTimer, op: '<', target: 2048, unit: 'bytes' },
      ],
      notes: [
        `${pending} timers pending in Redis (a reminder and an escalation per task): used_memory grew by ${((memoryAfter - memoryBefore) / 1024 / 1024).toFixed(1)} MiB, ≈ ${perTimer.toFixed(0)} bytes per pending timer`,
        `planning ${TASKS} tasks (outbox → relay → timer rows → delayed jobs) took ${(planMs / 1000).toFixed(1)} s`,
      ],
    };
  },
};
