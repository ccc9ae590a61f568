import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { type Actor, createRegistry, listTasks, taskCounts } from '@steckbrief/engine';
import { lausitzBrandenburg, MINISTRIES } from '@steckbrief/workflow-lausitz-brandenburg';
import { sql } from 'kysely';
import { closedLoop, stats } from '../lib/measure.js';
import type { BenchContext, Benchmark, BenchResult, ResultRow } from '../lib/types.js';

// Read from the workflow, so the generated data cannot drift from the pipeline it stands for.
const STATES = Object.keys(lausitzBrandenburg.states);

/**
 * Fill a schema with `profiles` profiles spread over every state, 10 history rows each, ~4 closed tasks
 * each, and the open tasks each state has (ministry_review: 1–3 ministries, one open task each).
 * Set-based SQL in chunks, so 100 000 profiles take seconds, not minutes.
 */
export async function populate(database: TestDatabase, profiles: number, log: (m: string) => void) {
  const { db } = database;
  const owner = randomUUID();
  await db
    .insertInto('users')
    .values({ id: owner, email: `bench-${owner}@example.org`, name: 'Bench', roles: '[]' })
    .execute();
  const chunk = 10_000;
  for (let from = 0; from < profiles; from += chunk) {
    const to = Math.min(from + chunk, profiles) - 1;
    await sql`
      with p as (
        insert into profiles (id, workflow_id, workflow_version, state, snapshot, version, data, owner_key, created_by, scope, submitted_at, created_at, updated_at, summary)
        select gen_random_uuid(), 'lausitz-brandenburg', 1, (${STATES}::text[])[1 + i % 10], '{}'::jsonb, 10,
               jsonb_build_object('title', 'Projekt ' || i), 'org:bench-' || (i % 500), ${owner}::uuid,
               jsonb_build_object('werkstatt', jsonb_build_array((1 + i % 5)::text),
                                  'ministry', (select jsonb_agg(m) from unnest((${[...MINISTRIES]}::text[])[1 + i % 7 : 1 + i % 7 + i % 3]) m)),
               now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval, now(),
               jsonb_build_object('title', 'Projekt ' || i, 'sponsor', 'Gemeinde ' || (i % 500), 'amountCents', 100000000 + i)
        from generate_series(${from}::int, ${to}::int) i
        returning id, state, scope, created_at
      ),
      h as (
        insert into profile_history (profile_id, seq, event, from_state, to_state, actor_id, payload, at)
        select p.id, s, 'EDIT', p.state, p.state, ${owner}::uuid, '{}'::jsonb, p.created_at + (s || ' seconds')::interval
        from p, generate_series(1, 10) s
      ),
      closed as (
        insert into tasks (profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, status, due_at, created_at, closed_at)
        select p.id, 'lausitz-brandenburg', 'old:' || s, 'intake_check', 'intake', 'wrl', '', 'done', now() - interval '30 days', p.created_at, now()
        from p, generate_series(1, 4) s
      )
      insert into tasks (profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, due_at, created_at)
      select p.id, 'lausitz-brandenburg',
             case when p.state = 'ministry_review' then 'ministry_review:' || m else p.state end,
             'work', p.state,
             case p.state when 'ministry_review' then 'ministry' when 'intake' then 'wrl' when 'qualification' then 'werkstatt'
                          when 'commissioner_approval' then 'commissioner' when 'imag_pending' then 'imag' else 'applicant' end,
             case p.state when 'ministry_review' then 'ministry:' || m when 'qualification' then 'werkstatt:' || (p.scope->'werkstatt'->>0)
                          when 'intake' then '' when 'commissioner_approval' then '' when 'imag_pending' then '' else 'owner:org:x' end,
             now() + ((abs(hashtext(p.id::text)) % 40) - 10 || ' days')::interval, p.created_at
      from p
      left join lateral jsonb_array_elements_text(case when p.state = 'ministry_review' then p.scope->'ministry' else '[null]'::jsonb end) m on true
      where p.state not in ('rejected', 'withdrawn')
    `.execute(db);
    log(`inbox: ${to + 1} profiles`);
  }
  // A steady-state table: autovacuum would have set the visibility map by now.
  await sql`vacuum analyze`.execute(db);
  // Write the pages the filling and the vacuum dirtied now, not in a checkpoint during the measurement.
  await sql`checkpoint`.execute(db);
}

async function measureInbox(ctx: BenchContext, database: TestDatabase, label: string): Promise<ResultRow[]> {
  const deps = { db: database.db, registry: createRegistry([lausitzBrandenburg]) };
  const actor: Actor = { userId: randomUUID(), organisation: null, grants: [{ role: 'ministry', ministry: 'MIL' }] };
  const open = await listTasks(deps, actor, { limit: 500 });
  const seconds = Math.max(2, ctx.options.seconds / 2);
  // One caller: latency of one reviewer's page; the pool is otherwise idle.
  await closedLoop(1, 500, () => listTasks(deps, actor, { limit: 100 }));
  const list = stats(await closedLoop(1, seconds * 1000, () => listTasks(deps, actor, { limit: 100 })));
  const counts = stats(await closedLoop(1, seconds * 1000, () => taskCounts(deps, actor)));
  return [
    {
      variant: `${label}: MIL open tasks, first 100 by due date`,
      unit: 'query',
      stats: list,
      note: `${open.length}+ open MIL tasks`,
    },
    { variant: `${label}: MIL badge counts per stage`, unit: 'query', stats: counts },
  ];
}

export const inbox: Benchmark = {
  name: 'inbox',
  title: 'Reviewer inbox query at 10 000 and 100 000 profiles',
  description:
    'A ministry reviewer (MIL) opens the inbox: listTasks (open tasks of the caller’s groups, first 100 by due date, joined ' +
    'with the profiles for title and sponsor) and the badge counts per stage. Measured on 10 000 profiles / 100 000 history rows ' +
    'and on 100 000 profiles / 1 000 000 history rows (~400 000 closed tasks), each in its own schema, one caller, warm cache.',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const rows: ResultRow[] = [];
    const results: Record<string, number> = {};
    for (const size of [10_000, 100_000]) {
      const database = await createTestDatabase(`bench_inbox_${size}`, 4);
      try {
        ctx.log(`inbox: populating ${size} profiles`);
        await populate(database, size, ctx.log);
        const measured = await measureInbox(ctx, database, `${size / 1000}k profiles`);
        rows.push(...measured);
        results[size] = measured[0]!.stats.p99;
      } finally {
        await database.destroy();
      }
    }
    const small = results[10_000] ?? Number.NaN;
    const large = results[100_000] ?? Number.NaN;
    return {
      rows,
      checks: [
        { label: 'inbox p99 at 100k profiles', value: large, op: '<', target: 10, unit: 'ms' },
        { label: 'inbox p99 growth 10k → 100k', value: large / small, op: '<', target: 2 },
      ],
    };
  },
};
