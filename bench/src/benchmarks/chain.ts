import { performance } from 'node:perf_hooks';
import { createTestDatabase } from '@steckbrief/db/testing';
import { recordHistoryAnchor, verifyHistory } from '@steckbrief/engine';
import { sql } from 'kysely';
import { stats } from '../lib/measure.js';
import type { BenchContext, Benchmark, BenchResult } from '../lib/types.js';
import { engineDeferVariant, type Variant } from '../workloads/variants.js';
import { interleaved } from './transitions.js';

/**
 * The tamper-evident history (issue 13): what its trigger costs a transition, and how long `audit verify`
 * takes over a large database. `pnpm bench chain` runs both.
 */

/**
 * Turn the chain trigger off or on in the bench schema. Off, the hash columns get an empty default so the
 * NOT NULL constraint holds: that is the schema before migration 010 plus two one-byte values per row.
 */
async function setChain(ctx: BenchContext, on: boolean): Promise<void> {
  const { db } = ctx.database;
  if (on) {
    await sql`alter table profile_history alter column content_hash drop default, alter column chain_hash drop default`.execute(
      db,
    );
    await sql`alter table profile_history enable trigger profile_history_chain`.execute(db);
  } else {
    await sql`alter table profile_history disable trigger profile_history_chain`.execute(db);
    await sql`alter table profile_history alter column content_hash set default '\\x'::bytea,
      alter column chain_hash set default '\\x'::bytea`.execute(db);
  }
}

function withChain(ctx: BenchContext, variant: Variant, on: boolean): Variant {
  return {
    name: `${variant.name} ${on ? 'with' : 'without'} the chain trigger`,
    async run(ms) {
      await setChain(ctx, on);
      try {
        return await variant.run(ms);
      } finally {
        await setChain(ctx, true);
      }
    },
  };
}

export const chainCost: Benchmark = {
  name: 'chain-cost',
  title: 'Transitions before and after the history hash chain',
  description:
    'The transitions benchmark’s engine DEFER workload (16 callers, each on its own 16 profiles in imag_pending), run ' +
    'alternately on the same schema with the `profile_history_chain` trigger disabled (the schema before migration 010) ' +
    'and enabled (content hash over the canonical row, the predecessor’s chain hash by the (profile_id, seq) index, ' +
    'chain hash), at least 4 rounds each, so background load hits both alike.',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const base = await engineDeferVariant(ctx);
    const variants = [withChain(ctx, base, false), withChain(ctx, base, true)];
    const rounds = Math.max(ctx.options.rounds, 4);
    const [without, withTrigger] = (await interleaved({ ...ctx, options: { ...ctx.options, rounds } }, variants)).map(
      stats,
    );
    if (!without || !withTrigger) throw new Error('missing samples');
    return {
      rows: [
        { variant: variants[0]!.name, unit: 'tx', stats: without },
        { variant: variants[1]!.name, unit: 'tx', stats: withTrigger },
      ],
      checks: [
        {
          label: 'with chain / without (tx/s)',
          value: withTrigger.perSecond / without.perSecond,
          op: '>=',
          target: 0.95,
        },
      ],
      notes: [
        `PostgreSQL CPU per transition: ${without.pgCpuPerOp.toFixed(3)} ms without, ${withTrigger.pgCpuPerOp.toFixed(3)} ms with the trigger.`,
      ],
    };
  },
};

export const PROFILES = 100_000;
export const ENTRIES_PER_PROFILE = 10;

/** 100 000 profiles with 10 history entries each, written by one INSERT … SELECT through the trigger. */
async function loadFixture(db: Awaited<ReturnType<typeof createTestDatabase>>['db'], log: (m: string) => void) {
  const t0 = performance.now();
  const user = await db
    .insertInto('users')
    .values({ email: 'verify@bench.example.org', name: 'Bench', roles: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into profiles (workflow_id, workflow_version, state, snapshot, owner_key, created_by, data)
    select 'lausitz-brandenburg', 1, 'imag_pending', '{}', 'org:bench', ${user.id}::uuid,
      jsonb_build_object('title', 'Vorhaben ' || n)
    from generate_series(1, ${PROFILES}) as n`.execute(db);
  // In profile and seq order: a BEFORE trigger sees the rows its statement inserted before, so each row
  // finds its predecessor.
  await sql`insert into profile_history (profile_id, seq, event, from_state, to_state, actor_id, payload, comment, at)
    select p.id, s, case when s = 1 then 'CREATE' else 'DEFER' end, case when s = 1 then null else 'imag_pending' end,
      'imag_pending', ${user.id}::uuid,
      case when s = 1 then '{}'::jsonb else jsonb_build_object('reason', 'Zurückgestellt bis zur Klärung der Finanzierung, Runde ' || s) end,
      case when s % 3 = 0 then 'Rückfrage an das Ressort' end,
      timestamptz '2026-01-01' + s * interval '1 day'
    from profiles as p cross join generate_series(1, ${ENTRIES_PER_PROFILE}) as s
    order by p.id, s`.execute(db);
  await sql`analyze profiles`.execute(db);
  await sql`analyze profile_history`.execute(db);
  log(
    `fixture: ${PROFILES} profiles, ${PROFILES * ENTRIES_PER_PROFILE} history rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

export const chainVerify: Benchmark = {
  name: 'chain-verify',
  title: '`audit verify` over 100 000 profiles / 1 000 000 history rows',
  description:
    'A schema of its own with 100 000 profiles of 10 history entries each (hashes computed by the trigger in one ' +
    'INSERT … SELECT), and an anchor of all 100 000 heads. One operation is one history entry checked; the figure is ' +
    'the wall time of `verifyHistory` over everything (what `pnpm steckbrief audit verify` runs), measured twice.',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const database = await createTestDatabase('bench_verify');
    try {
      await loadFixture(database.db, ctx.log);
      const a0 = performance.now();
      const anchor = await recordHistoryAnchor(database.db);
      const anchorMs = performance.now() - a0;
      ctx.log(`anchor of ${anchor.heads} heads in ${(anchorMs / 1000).toFixed(1)} s`);
      const runs: Array<{ ms: number; entries: number }> = [];
      for (let i = 1; i <= 2; i++) {
        const t0 = performance.now();
        const result = await verifyHistory(database.db);
        const ms = performance.now() - t0;
        if (!result.ok) throw new Error(`the fixture does not verify: ${JSON.stringify(result.firstBroken)}`);
        ctx.log(`verify ${i}: ${result.entries} entries of ${result.profiles} profiles in ${(ms / 1000).toFixed(1)} s`);
        runs.push({ ms, entries: result.entries });
      }
      const slowest = Math.max(...runs.map((r) => r.ms));
      const row = (variant: string, entries: number, ms: number) => ({
        variant,
        unit: 'entries',
        stats: stats({ ops: entries, errors: 0, elapsedMs: ms, latencies: [] }),
      });
      return {
        rows: [
          ...runs.map((r, i) => row(`audit verify, run ${i + 1}`, r.entries, r.ms)),
          row('anchor (record all heads)', anchor.heads, anchorMs),
        ],
        checks: [{ label: 'audit verify, slower run', value: slowest / 1000, op: '<', target: 60, unit: 's' }],
        notes: [
          `audit verify: ${runs.map((r) => `${(r.ms / 1000).toFixed(1)} s`).join(', ')}; recording an anchor of ${anchor.heads} heads: ${(anchorMs / 1000).toFixed(1)} s.`,
        ],
      };
    } finally {
      await database.destroy();
    }
  },
};
