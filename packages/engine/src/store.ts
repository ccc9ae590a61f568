import { type Db, queryPrepared } from '@steckbrief/db';
import { Conflict } from './errors.js';
import type { StoredSnapshot } from './machine.js';
import type { OpenTask } from './tasks.js';
import type { ProfileFacts } from './views.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);

export interface LoadedProfile extends ProfileFacts {
  snapshot: StoredSnapshot;
  openTasks: OpenTask[];
}

/**
 * The profile with its open tasks (oldest first), hand-written rather than built with Kysely: it runs
 * on every read and transition, so it is a named prepared statement (see `queryPrepared`) and costs
 * no query building per call.
 */
const LOAD_PROFILE = `select p.id, p.workflow_id, p.workflow_version, p.state, p.snapshot, p.version, p.data,
  p.owner_key, p.scope, p.submitted_at, p.created_at, p.updated_at,
  (select coalesce(json_agg(t), '[]') from (
    select id, key, kind, state, assignee_role, assignee_scope, due_at, claimed_by, created_at
    from tasks where profile_id = p.id and status = 'open'
    order by created_at, id
  ) as t) as open_tasks
from profiles as p where p.id = $1`;

type LoadedRow = Omit<LoadedProfile, 'openTasks'> & {
  // json_agg renders timestamps as ISO strings.
  open_tasks: Array<Omit<OpenTask, 'due_at' | 'created_at'> & { due_at: string | null; created_at: string }>;
};

/** One round trip: the profile with its open tasks (oldest first). */
export async function loadProfile(db: Db, id: string): Promise<LoadedProfile | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await queryPrepared<LoadedRow>(db, LOAD_PROFILE, [id]);
  if (!row) return undefined;
  const { open_tasks, ...profile } = row;
  return {
    ...profile,
    openTasks: open_tasks.map((t) => ({
      ...t,
      due_at: t.due_at ? new Date(t.due_at) : null,
      created_at: new Date(t.created_at),
    })),
  };
}

/**
 * The next session of the same kind (and scope) after session `$id`, if one is planned. Looked up in
 * the statement that records a deferral, not once per batch, so a session created while a batch runs
 * receives the batch's later deferrals.
 */
export const nextSession = (id: string) => `next as (
  select n.id from sessions s
  join sessions n on n.workflow_id = s.workflow_id and n.kind = s.kind and n.scope_value = s.scope_value
    and (n.date, n.id) > (s.date, s.id)
  where s.id = ${id}::uuid
  order by n.date, n.id
  limit 1
)`;

export const alreadyDecided = () =>
  new Conflict('Über das Profil wurde in dieser Sitzung bereits entschieden. / Already decided in this session.');
export const notOnAgenda = () =>
  new Conflict('Das Profil steht nicht auf der Tagesordnung. / The profile is not on the agenda.');

/**
 * Carry a deferred agenda item that is not carried yet onto the next session, if one is planned now.
 * A deferral's own statement looks the next session up in its snapshot; when that snapshot predates
 * a session created concurrently (and createSession's collection ran before the deferral committed),
 * this later statement, with a fresh snapshot, closes the gap. It changes nothing when the item is
 * carried already: `carried_to is null` is re-checked on the row as locked, so createSession and this
 * never both carry it.
 */
export async function carryDeferral(
  db: Db,
  item: { sessionId: string; profileId: string; event: string; at: Date },
): Promise<void> {
  await queryPrepared(
    db,
    `with ${nextSession('$1')},
    marked as (
      update session_agenda a set carried_to = next.id
      from next
      where a.session_id = $1::uuid and a.profile_id = $2::uuid and a.decision_event = $3 and a.carried_to is null
      returning a.profile_id, next.id as next_id
    )
    insert into session_agenda (session_id, profile_id, position, added_at, carried_from)
    select m.next_id, m.profile_id,
           coalesce((select max(position) from session_agenda where session_id = m.next_id), 0) + 1, $4, $1::uuid
    from marked m
    on conflict do nothing`,
    [item.sessionId, item.profileId, item.event, item.at],
  );
}

export async function findIdempotentResponse(db: Db, userId: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .select(['profile_id', 'request_hash', 'status', 'body'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
}
