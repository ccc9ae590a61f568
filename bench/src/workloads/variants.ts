import { closedLoop, type Sample } from '../lib/measure.js';
import type { BenchContext } from '../lib/types.js';
import { actors, engineDeps, imagPendingProfiles, intakeProfiles, partition } from './fixtures.js';
import { engineCycle, engineDefer, rawDefer, rawPool } from './transitions.js';

/** Profiles per caller: enough that a caller's consecutive transitions touch different rows. */
export const PROFILES_PER_CALLER = 16;

/** A measurable variant: `run(ms)` drives it closed-loop with `callers` callers for about `ms`. */
export interface Variant {
  name: string;
  /** The process doing the work, for CPU accounting; this process when absent. */
  appPid?: number;
  run(ms: number): Promise<Sample>;
}

export async function rawDeferVariant(ctx: BenchContext): Promise<Variant> {
  const { callers } = ctx.options;
  const [pool, a, ids] = await Promise.all([
    rawPool(ctx),
    actors(ctx),
    imagPendingProfiles(ctx, callers * PROFILES_PER_CALLER),
  ]);
  const own = partition(ids, callers);
  return {
    name: 'raw SQL (pg, 6 round trips)',
    run: (ms) => closedLoop(callers, ms, (c, i) => rawDefer(pool, a.imag, pick(own, c, i))),
  };
}

export async function engineDeferVariant(ctx: BenchContext): Promise<Variant> {
  const { callers } = ctx.options;
  const deps = engineDeps(ctx);
  const [a, ids] = await Promise.all([actors(ctx), imagPendingProfiles(ctx, callers * PROFILES_PER_CALLER)]);
  const own = partition(ids, callers);
  return {
    name: 'engine applyEvent DEFER',
    run: (ms) => closedLoop(callers, ms, (c, i) => engineDefer(deps, a.imag, pick(own, c, i))),
  };
}

export async function engineCycleVariant(ctx: BenchContext): Promise<Variant> {
  const { callers } = ctx.options;
  const deps = engineDeps(ctx);
  const [a, ids] = await Promise.all([actors(ctx), intakeProfiles(ctx, callers * 4)]);
  const own = partition(ids, callers);
  const states = new Map<string, string>();
  return {
    name: 'engine intake<->revision',
    run: (ms) => closedLoop(callers, ms, (c, i) => engineCycle(deps, a, pick(own, c, i), states)),
  };
}

function pick(own: string[][], caller: number, i: number): string {
  const mine = own[caller] as string[];
  return mine[i % mine.length] as string;
}
