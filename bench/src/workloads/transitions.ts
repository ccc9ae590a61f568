import { type Actor, applyEvent, type EngineDeps, ownerScope } from '@steckbrief/engine';
import pg from 'pg';
import type { BenchContext } from '../lib/types.js';

/**
 * The per-transition workloads. All of them are real, always-allowed state changes of profiles
 * that only one caller touches, so there are no version conflicts and no retries.
 */

export const DEFER_PAYLOAD = { reason: 'Auf die nächste IMAG-Sitzung vertagt (Benchmark).' };

/** A plain pg pool on the bench schema: what a hand-written service would use. */
export function rawPool(ctx: BenchContext): Promise<pg.Pool> {
  return ctx.once('raw-pool', async () => {
    const pool = new pg.Pool({
      connectionString: ctx.database.url,
      max: ctx.options.callers,
      options: `-c search_path=${ctx.database.schema}`,
    });
    ctx.defer(() => pool.end());
    return pool;
  });
}

interface LockedProfile {
  id: string;
  state: string;
  snapshot: { value: string; context: { deferrals: number } & Record<string, unknown> };
  version: number;
  owner_key: string;
}

/**
 * The raw baseline for one DEFER, hand-written with pg: BEGIN; SELECT ... FOR UPDATE; UPDATE the
 * profile (state, snapshot, version); INSERT the history row; INSERT an outbox row; COMMIT.
 * Six round trips, plain parameterised statements (no prepared-statement names), and the same JSON
 * work as the engine: parse the snapshot, bump the deferral counter, serialise it back.
 */
export async function rawDefer(pool: pg.Pool, actor: Actor, profileId: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<LockedProfile>(
      'select id, state, snapshot, version, owner_key from profiles where id = $1 for update',
      [profileId],
    );
    const p = rows[0];
    if (p?.state !== 'imag_pending') throw new Error(`raw: profile ${profileId} not in imag_pending`);
    const seq = p.version + 1;
    const at = new Date();
    const snapshot = { ...p.snapshot, context: { ...p.snapshot.context, deferrals: p.snapshot.context.deferrals + 1 } };
    await client.query(
      'update profiles set state = $2, snapshot = $3::jsonb, version = $4, updated_at = $5 where id = $1',
      [profileId, p.state, JSON.stringify(snapshot), seq, at],
    );
    await client.query(
      `insert into profile_history (profile_id, seq, event, from_state, to_state, actor_id, payload, comment, at)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
      [profileId, seq, 'DEFER', p.state, p.state, actor.userId, JSON.stringify(DEFER_PAYLOAD), null, at],
    );
    await client.query(
      'insert into outbox (topic, cause, profile_id, payload, created_at) values ($1, $2, $3, $4::jsonb, $5)',
      [
        'transition',
        `raw:${profileId}:${seq}`,
        profileId,
        JSON.stringify({
          profileId,
          workflow: 'lausitz-brandenburg',
          seq,
          event: 'DEFER',
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

/** The engine doing the same DEFER: `applyEvent` (load profile + open tasks, plan, one CTE statement). */
export async function engineDefer(deps: EngineDeps, actor: Actor, profileId: string): Promise<void> {
  const result = await applyEventOf(deps, actor, profileId, 'DEFER', DEFER_PAYLOAD);
  if (result.profile.state !== 'imag_pending') throw new Error(`engine: unexpected state ${result.profile.state}`);
}

/**
 * A real state change on every call: intake -> revision (REQUEST_REVISION by the WRL) and back
 * (RESUBMIT by the applicant). Each one also closes a task and opens a task, and its one outbox row
 * lists two or three notices and both tasks, i.e. more work than the raw shape.
 */
export async function engineCycle(
  deps: EngineDeps,
  actors: { applicant: Actor; wrl: Actor },
  profileId: string,
  state: Map<string, string>,
): Promise<void> {
  const current = state.get(profileId) ?? 'intake';
  const result =
    current === 'intake'
      ? await applyEventOf(deps, actors.wrl, profileId, 'REQUEST_REVISION', {
          reason: 'Bitte Kosten aufschlüsseln (Benchmark).',
        })
      : await applyEventOf(deps, actors.applicant, profileId, 'RESUBMIT', {});
  state.set(profileId, result.profile.state);
}

function applyEventOf(deps: EngineDeps, actor: Actor, profileId: string, type: string, payload: unknown) {
  return applyEvent(deps, actor, { profileId, type, payload });
}
