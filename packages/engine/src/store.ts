import { type Db, queryPrepared, type TaskStatus } from '@steckbrief/db';
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

export interface HistoryEntry {
  event: string;
  from: string | null;
  to: string;
  actorId: string | null;
  payload: unknown;
  comment: string | null;
}

export interface OutboxEntry {
  topic: string;
  cause: string;
  payload: unknown;
}

/**
 * Payload of an outbox row with topic `transition`: every side effect of one history entry (a
 * transition, or the creation of a profile). Read by the worker (services/worker/src/effects.ts).
 */
export interface TransitionEffects {
  profileId: string;
  workflow: string;
  seq: number;
  event: string;
  from: string | null;
  to: string;
  /** Notices to recipient groups; `cause` keys the mails (one per recipient) and their Message-IDs. */
  notices: Array<{ cause: string; template: string; recipients: { role: string; scope: string } }>;
  /** Tasks opened (with their due date, for reminders) or closed (`closed` = the closing status). */
  tasks: Array<{ taskId: string; kind: string; dueAt?: string | null; closed?: string }>;
}

export interface TaskInsert {
  id: string;
  key: string;
  kind: string;
  state: string;
  assignee_role: string;
  assignee_scope: string;
  due_at: Date | null;
}

export interface ProfileWrite {
  id: string;
  workflowId: string;
  /** The version the change was computed from; the write only happens if it is still current. */
  expectedVersion: number;
  at: Date;
  state: string;
  snapshot: StoredSnapshot;
  data?: Record<string, unknown>;
  scope: Record<string, string[]>;
  markSubmitted: boolean;
  history: HistoryEntry;
  closeTasks: Array<{ id: string; status: TaskStatus }>;
  openTasks: TaskInsert[];
  outbox: OutboxEntry[];
  idempotency?: { userId: string; key: string; requestHash: string; status: number; body: unknown };
  /** Written when the data changed. */
  summary?: Record<string, unknown>;
  /** A decision taken in a session: recorded on its agenda item; a deferral also lands on the next session's agenda. */
  session?: { sessionId: string; defers: boolean };
}

/**
 * The next session of the same kind (and scope) after session `$id`, if one is planned. Looked up in
 * the statement that records a deferral, not once per batch, so a session created while a batch runs
 * receives the batch's later deferrals.
 */
const nextSession = (id: string) => `next as (
  select n.id from sessions s
  join sessions n on n.workflow_id = s.workflow_id and n.kind = s.kind and n.scope_value = s.scope_value
    and (n.date, n.id) > (s.date, s.id)
  where s.id = ${id}::uuid
  order by n.date, n.id
  limit 1
)`;

const json = (v: unknown) => JSON.stringify(v);

export const alreadyDecided = () =>
  new Conflict('Über das Profil wurde in dieser Sitzung bereits entschieden. / Already decided in this session.');
export const notOnAgenda = () =>
  new Conflict('Das Profil steht nicht auf der Tagesordnung. / The profile is not on the agenda.');

/**
 * Commit one change of a profile — state, snapshot, history, task changes, outbox rows and the
 * idempotency record — as a single SQL statement, so it commits atomically in one round trip.
 *
 * Concurrency: the UPDATE matches only `version = expectedVersion`. Two writers of the same version
 * serialise on the row lock; the second re-checks the predicate after the first commits, matches
 * nothing, and then every other part of the statement (which all read from `upd`) writes nothing.
 * Returns false when the version was no longer current.
 *
 * A session decision is also guarded by its agenda item: the UPDATE matches only while the item is
 * undecided, so two overlapping batches of one session cannot both decide a profile (a DEFER is a
 * self-transition, so a batch that lost the version race would otherwise pass every check on its
 * retry). Every decision bumps the version, so a writer whose snapshot predates another decision
 * also fails on the version. Throws Conflict when the item is already decided or not on the agenda.
 */
export async function writeProfileChange(db: Db, w: ProfileWrite): Promise<boolean> {
  const closeIds = w.closeTasks.filter((t) => t.status === 'done').map((t) => t.id);
  const cancelIds = w.closeTasks.filter((t) => t.status === 'cancelled').map((t) => t.id);
  const idem = w.idempotency;
  const session = w.session;
  // The statement runs as a named prepared statement (planned once per connection and text), so its
  // text must depend only on which parts are present, never on values: every value is a parameter.
  const values: unknown[] = [];
  const $ = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const at = $(w.at);
  const profileId = $(w.id);
  const sessionId = session ? $(session.sessionId) : '';
  const undecided = `exists (select 1 from session_agenda
    where session_id = ${sessionId}::uuid and profile_id = ${profileId}::uuid and decision_event is null)`;
  // Only the parts this change needs: every CTE costs planning and execution time, and an insert into
  // outbox fires its NOTIFY trigger even when it inserts nothing (see docs/benchmarks.md).
  const parts = [
    `upd as (
      update profiles set
        state = ${$(w.state)},
        snapshot = ${$(json(w.snapshot))}::jsonb,
        data = coalesce(${$(w.data === undefined ? null : json(w.data))}::jsonb, data),
        summary = coalesce(${$(w.summary === undefined ? null : json(w.summary))}::jsonb, summary),
        scope = ${$(json(w.scope))}::jsonb,
        version = version + 1,
        updated_at = ${at},
        submitted_at = case when ${$(w.markSubmitted)}::boolean then coalesce(submitted_at, ${at}) else submitted_at end
      where id = ${profileId} and version = ${$(w.expectedVersion)}${session ? ` and ${undecided}` : ''}
      returning id, version
    )`,
    `hist as (
      insert into profile_history (profile_id, seq, event, from_state, to_state, actor_id, payload, comment, at)
      select id, version, ${$(w.history.event)}, ${$(w.history.from)}, ${$(w.history.to)}, ${$(w.history.actorId)}::uuid,
             ${$(json(w.history.payload ?? {}))}::jsonb, ${$(w.history.comment)}, ${at}
      from upd
    )`,
  ];
  if (w.closeTasks.length) {
    parts.push(`closed as (
      update tasks set
        status = case when id = any(${$(closeIds)}::uuid[]) then 'done' else 'cancelled' end,
        closed_at = ${at}
      where id = any(${$([...closeIds, ...cancelIds])}::uuid[]) and status = 'open' and exists (select 1 from upd)
    )`);
  }
  if (w.openTasks.length) {
    parts.push(`opened as (
      insert into tasks (id, profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, due_at, created_at)
      select r.id, upd.id, ${$(w.workflowId)}, r.key, r.kind, r.state, r.assignee_role, r.assignee_scope, r.due_at, ${at}
      from upd, jsonb_to_recordset(${$(json(w.openTasks))}::jsonb)
        as r(id uuid, key text, kind text, state text, assignee_role text, assignee_scope text, due_at timestamptz)
    )`);
  }
  if (w.outbox.length) {
    parts.push(`queued as (
      insert into outbox (topic, cause, profile_id, payload, created_at)
      select r.topic, r.cause, upd.id, r.payload, ${at}
      from upd, jsonb_to_recordset(${$(json(w.outbox))}::jsonb) as r(topic text, cause text, payload jsonb)
      on conflict (cause) do nothing
    )`);
  }
  if (idem) {
    parts.push(`idem as (
      insert into idempotency_keys (user_id, key, profile_id, request_hash, status, body, created_at)
      select ${$(idem.userId)}::uuid, ${$(idem.key)}, upd.id, ${$(idem.requestHash)}, ${$(idem.status)}::int, ${$(json(idem.body))}::jsonb, ${at}
      from upd
    )`);
  }
  if (session) {
    if (session.defers) parts.push(nextSession(sessionId));
    parts.push(`agenda as (
      update session_agenda a set
        decision_event = ${$(w.history.event)}, decision_payload = ${$(json(w.history.payload ?? {}))}::jsonb,
        decision_seq = upd.version, decided_by = ${$(w.history.actorId)}::uuid, decided_at = ${at}, to_state = ${$(w.state)},
        carried_to = ${session.defers ? '(select id from next)' : 'null'}
      from upd
      where a.session_id = ${sessionId}::uuid and a.profile_id = upd.id and a.decision_event is null
    )`);
    if (session.defers) {
      parts.push(`carried as (
        insert into session_agenda (session_id, profile_id, position, added_at, carried_from)
        select next.id, upd.id,
               coalesce((select max(position) from session_agenda where session_id = next.id), 0) + 1,
               ${at}, ${sessionId}::uuid
        from upd, next
        on conflict do nothing
      )`);
    }
  }
  if (!session) {
    const rows = await queryPrepared<{ version: number }>(
      db,
      `with ${parts.join(', ')} select version from upd`,
      values,
    );
    return rows.length === 1;
  }
  // Why nothing was written, seen from the statement's snapshot: an open item means a lost version
  // race (the caller retries against the reloaded profile, whose statement then sees the decision).
  const item = `(select decision_event is null from session_agenda
    where session_id = ${sessionId}::uuid and profile_id = ${profileId}::uuid)`;
  const [row] = await queryPrepared<{ version: number | null; open: boolean | null }>(
    db,
    `with ${parts.join(', ')} select (select version from upd) as version, ${item} as open`,
    values,
  );
  if (row?.version != null) return true;
  if (row?.open === null) throw notOnAgenda();
  if (row?.open === false) throw alreadyDecided();
  return false;
}

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
