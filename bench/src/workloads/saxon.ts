import type { Db, RoleGrant } from '@steckbrief/db';
import { type Actor, applyEvent, createProfile, type EngineDeps, ownerScope } from '@steckbrief/engine';
import { exampleProposal, SCORING } from '@steckbrief/workflow-sachsen-strukturentwicklung';
import type pg from 'pg';
import { closedLoop } from '../lib/measure.js';
import type { BenchContext } from '../lib/types.js';
import { engineDeps, partition } from './fixtures.js';
import { rawPool } from './transitions.js';
import { PROFILES_PER_CALLER, type Variant } from './variants.js';

/**
 * The Saxon pipeline's counterpart of the Brandenburg DEFER pair: SET_ASIDE by the RBA of the Revier on a
 * proposal in `rba_pending` is a self-transition that is always allowed (it counts the set-asides in the
 * context and tells the sponsor, as DEFER counts deferrals and tells the applicant), so raw SQL and the
 * engine do the same work as in the Brandenburg pair, on the other definition.
 */

export const SET_ASIDE_PAYLOAD = { reason: 'Auf eine spätere RBA-Sitzung zurückgestellt (Benchmark).' };

export interface SaxonActors {
  applicant: Actor;
  landkreis: Actor;
  vorpruefstelle: Actor;
  sas: Actor;
  imag: Actor;
  rba: Actor;
}

async function user(db: Db, name: string, roles: RoleGrant[], organisation: string | null = null): Promise<Actor> {
  const row = await db
    .insertInto('users')
    .values({ email: `${name}@bench-sachsen.example.org`, name, organisation, roles: JSON.stringify(roles) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: row.id, organisation, grants: roles };
}

export function saxonActors(ctx: BenchContext): Promise<SaxonActors> {
  return ctx.once('saxon-actors', async () => {
    const { db } = ctx.database;
    return {
      applicant: await user(db, 'sponsor', [{ role: 'applicant' }], 'Stadt Weißwasser/O.L.'),
      landkreis: await user(db, 'county', [{ role: 'landkreis', landkreis: 'goerlitz' }]),
      vorpruefstelle: await user(db, 'precheck', [{ role: 'vorpruefstelle' }]),
      sas: await user(db, 'agency', [{ role: 'sas' }]),
      imag: await user(db, 'imag', [{ role: 'imag-sachsen' }]),
      rba: await user(db, 'committee', [{ role: 'rba', revier: 'lausitz' }]),
    };
  });
}

/** Every criterion rated 8 of 10: a score above the minimum. */
const RATINGS = Object.fromEntries(SCORING.criteria.map((c) => [c.id, 8]));

/** Proposals brought through the real engine to `rba_pending`: Landkreis, Vorprüfstelle, SAS score, IMAG. */
export function rbaPendingProfiles(ctx: BenchContext, count: number): Promise<string[]> {
  return ctx.once(`rba_pending:${count}`, async () => {
    const deps = engineDeps(ctx);
    const a = await saxonActors(ctx);
    ctx.log(`fixtures: ${count} Saxon proposals -> rba_pending`);
    const ids: string[] = [];
    const build = async (n: number) => {
      const { id } = await createProfile(deps, a.applicant, {
        workflow: 'sachsen-strukturentwicklung',
        data: exampleProposal({ title: `Benchmark-Vorschlag ${n}` }),
      });
      const send = (actor: Actor, type: string, payload: unknown = {}) =>
        applyEvent(deps, actor, { profileId: id, type, payload });
      await send(a.applicant, 'SUBMIT');
      await send(a.landkreis, 'FORWARD');
      await send(a.vorpruefstelle, 'PRECHECK');
      await send(a.sas, 'SCORE', { ratings: RATINGS, recommendation: 'Zur Förderung empfohlen (Benchmark).' });
      const last = await send(a.imag, 'STATEMENT', { opinion: 'endorse', text: 'Einverstanden.' });
      if (last.profile.state !== 'rba_pending') throw new Error(`fixture ended in ${last.profile.state}`);
      ids[n] = id;
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: ctx.options.callers }, async () => {
        while (next < count) await build(next++);
      }),
    );
    return ids;
  });
}

interface LockedProfile {
  id: string;
  state: string;
  snapshot: { value: string; context: { setAsides: number } & Record<string, unknown> };
  version: number;
  owner_key: string;
}

/**
 * The raw baseline for one SET_ASIDE, the same six round trips as the Brandenburg DEFER baseline: BEGIN;
 * SELECT … FOR UPDATE; UPDATE the profile (state, snapshot with the set-aside counter bumped, version);
 * INSERT the history row; INSERT the outbox row with the sponsor's session_result notice; COMMIT.
 */
export async function rawSetAside(pool: pg.Pool, actor: Actor, profileId: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<LockedProfile>(
      'select id, state, snapshot, version, owner_key from profiles where id = $1 for update',
      [profileId],
    );
    const p = rows[0];
    if (p?.state !== 'rba_pending') throw new Error(`raw: proposal ${profileId} not in rba_pending`);
    const seq = p.version + 1;
    const at = new Date();
    const snapshot = { ...p.snapshot, context: { ...p.snapshot.context, setAsides: p.snapshot.context.setAsides + 1 } };
    await client.query(
      'update profiles set state = $2, snapshot = $3::jsonb, version = $4, updated_at = $5 where id = $1',
      [profileId, p.state, JSON.stringify(snapshot), seq, at],
    );
    await client.query(
      `insert into profile_history (profile_id, seq, event, from_state, to_state, actor_id, payload, comment, at)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
      [profileId, seq, 'SET_ASIDE', p.state, p.state, actor.userId, JSON.stringify(SET_ASIDE_PAYLOAD), null, at],
    );
    await client.query(
      'insert into outbox (topic, cause, profile_id, payload, created_at) values ($1, $2, $3, $4::jsonb, $5)',
      [
        'transition',
        `raw:${profileId}:${seq}`,
        profileId,
        JSON.stringify({
          profileId,
          workflow: 'sachsen-strukturentwicklung',
          seq,
          event: 'SET_ASIDE',
          from: p.state,
          to: p.state,
          notices: [
            {
              cause: `raw:notify:${profileId}:${seq}`,
              template: 'session_result',
              recipients: { role: 'applicant', scope: ownerScope(p.owner_key) },
            },
          ],
          tasks: [],
        }),
        at,
      ],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The engine doing the same SET_ASIDE: `applyEvent` (load profile + open tasks, plan, one CTE statement). */
export async function engineSetAside(deps: EngineDeps, actor: Actor, profileId: string): Promise<void> {
  const result = await applyEvent(deps, actor, { profileId, type: 'SET_ASIDE', payload: SET_ASIDE_PAYLOAD });
  if (result.profile.state !== 'rba_pending') throw new Error(`engine: unexpected state ${result.profile.state}`);
}

const pick = (own: string[][], caller: number, i: number): string => {
  const mine = own[caller] as string[];
  return mine[i % mine.length] as string;
};

export async function rawSetAsideVariant(ctx: BenchContext): Promise<Variant> {
  const { callers } = ctx.options;
  const [pool, a, ids] = await Promise.all([
    rawPool(ctx),
    saxonActors(ctx),
    rbaPendingProfiles(ctx, callers * PROFILES_PER_CALLER),
  ]);
  const own = partition(ids, callers);
  return {
    name: 'Saxony: raw SQL (pg, 6 round trips)',
    run: (ms) => closedLoop(callers, ms, (c, i) => rawSetAside(pool, a.rba, pick(own, c, i))),
  };
}

export async function engineSetAsideVariant(ctx: BenchContext): Promise<Variant> {
  const { callers } = ctx.options;
  const deps = engineDeps(ctx);
  const [a, ids] = await Promise.all([saxonActors(ctx), rbaPendingProfiles(ctx, callers * PROFILES_PER_CALLER)]);
  const own = partition(ids, callers);
  return {
    name: 'Saxony: engine applyEvent SET_ASIDE',
    run: (ms) => closedLoop(callers, ms, (c, i) => engineSetAside(deps, a.rba, pick(own, c, i))),
  };
}
