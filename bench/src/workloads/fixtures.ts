import type { Db, RoleGrant } from '@steckbrief/db';
import { type Actor, applyEvent, createProfile, type EngineDeps } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { buildRegistry } from '@steckbrief/workflows';
import type { BenchContext } from '../lib/types.js';

export interface Actors {
  applicant: Actor;
  wrl: Actor;
  werkstatt: Actor;
  ministry: Actor;
  commissioner: Actor;
  imag: Actor;
}

/** A profile that satisfies every SUBMIT rule, titled for the benchmark. */
export const completeProfile = (n: number) => exampleProfile({ title: `Benchmark-Vorhaben ${n}` });

export function engineDeps(ctx: BenchContext): EngineDeps {
  return { db: ctx.database.db, registry: buildRegistry() };
}

async function user(db: Db, name: string, roles: RoleGrant[], organisation: string | null = null): Promise<Actor> {
  const row = await db
    .insertInto('users')
    .values({ email: `${name}@bench.example.org`, name, organisation, roles: JSON.stringify(roles) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: row.id, organisation, grants: roles };
}

export function actors(ctx: BenchContext): Promise<Actors> {
  return ctx.once('actors', async () => {
    const { db } = ctx.database;
    return {
      applicant: await user(db, 'applicant', [{ role: 'applicant' }], 'Gemeinde Burg (Spreewald)'),
      wrl: await user(db, 'wrl', [{ role: 'wrl' }]),
      werkstatt: await user(db, 'werkstatt4', [{ role: 'werkstatt', werkstatt: 4 }]),
      ministry: await user(db, 'mil', [{ role: 'ministry', ministry: 'MIL' }]),
      commissioner: await user(db, 'commissioner', [{ role: 'commissioner' }]),
      imag: await user(db, 'imag', [{ role: 'imag' }]),
    };
  });
}

/** Run `fn` over `items` with `concurrency` workers (fixture building, not measured). */
async function pool<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

/**
 * Profiles brought through the real engine to `imag_pending`, where DEFER is a self-transition
 * that is always allowed. Built once per run and shared by the raw, engine and HTTP variants.
 */
export function imagPendingProfiles(ctx: BenchContext, count: number): Promise<string[]> {
  return ctx.once(`imag_pending:${count}`, async () => {
    const deps = engineDeps(ctx);
    const a = await actors(ctx);
    ctx.log(`fixtures: ${count} profiles -> imag_pending`);
    return pool(
      Array.from({ length: count }, (_, i) => i),
      ctx.options.callers,
      async (n) => {
        const { id } = await createProfile(deps, a.applicant, { data: completeProfile(n) });
        const send = (actor: Actor, type: string, payload: unknown = {}) =>
          applyEvent(deps, actor, { profileId: id, type, payload });
        await send(a.applicant, 'SUBMIT');
        await send(a.wrl, 'ACCEPT', { werkstatt: 4 });
        await send(a.werkstatt, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: [] });
        await send(a.ministry, 'STATEMENT', { opinion: 'endorse', text: 'Einverstanden.' });
        const last = await send(a.commissioner, 'APPROVE');
        if (last.profile.state !== 'imag_pending') throw new Error(`fixture ended in ${last.profile.state}`);
        return id;
      },
    );
  });
}

/** Profiles in `intake`, for the intake <-> revision cycle (REQUEST_REVISION by wrl, RESUBMIT by the applicant). */
export function intakeProfiles(ctx: BenchContext, count: number): Promise<string[]> {
  return ctx.once(`intake:${count}`, async () => {
    const deps = engineDeps(ctx);
    const a = await actors(ctx);
    ctx.log(`fixtures: ${count} profiles -> intake`);
    return pool(
      Array.from({ length: count }, (_, i) => i),
      ctx.options.callers,
      async (n) => {
        const { id } = await createProfile(deps, a.applicant, { data: completeProfile(n) });
        await applyEvent(deps, a.applicant, { profileId: id, type: 'SUBMIT', payload: {} });
        return id;
      },
    );
  });
}

/** Caller `c` of `callers` owns every profile whose index ≡ c (mod callers): no two callers share a row. */
export function partition<T>(items: T[], callers: number): T[][] {
  return Array.from({ length: callers }, (_, c) => items.filter((_, i) => i % callers === c));
}
