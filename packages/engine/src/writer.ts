import { type Db, queryPrepared } from '@steckbrief/db';
import { noticeCause, OUTBOX_TOPICS, transitionCause } from './keys.js';
import type { StoredSnapshot } from './machine.js';
import type { ProfileChangePayloadInput } from './outbox-payload.js';
import { alreadyDecided, nextSession, notOnAgenda } from './store.js';

/**
 * The one writer of profile changes (decision 010). Every change of a profile — its creation, a
 * transition, a data edit, a due-date change, an attachment added or removed, a migration to another
 * workflow version — is one call of `writeProfileChange`, which commits in ONE SQL statement:
 *
 * - the profile row (inserted for a creation, else updated only while `expectedVersion` is current),
 * - its history entry (seq = the new version),
 * - the tasks it closes, opens or moves,
 * - the ONE outbox row (topic `transition`, cause `transition:<profile>:<seq>`) whose payload
 *   (`profileChangePayload`, outbox-payload.ts) lists the entry's notices and task changes — none when
 *   the change notifies nobody and touches no task,
 * - the idempotency record and a session decision's agenda item, when given.
 *
 * Callers say what changed; the writer builds every key (keys.ts) and the payload. A caller that must
 * check something under a lock first (a due-date change, an attachment) locks the profile row in its
 * transaction, reads the version there and passes the transaction as `db`.
 */

/** A task the change opens (planned by tasks.ts). */
export interface TaskInsert {
  id: string;
  key: string;
  kind: string;
  state: string;
  assignee_role: string;
  assignee_scope: string;
  due_at: Date | null;
}

/** A task the change closes: `done` (its work was done) or `cancelled`. */
export interface ClosedTask {
  id: string;
  kind: string;
  status: 'done' | 'cancelled';
}

/** An open task whose due date the change moves (null: no due date). */
export interface DueChange {
  taskId: string;
  kind: string;
  dueAt: Date | null;
}

/** A notice of the change to a recipient group (the group scope resolved, see keys.ts `resolveScope`). */
export interface NoticeInput {
  template: string;
  role: string;
  scope: string;
}

export interface ProfileChange {
  profileId: string;
  workflowId: string;
  /** The version the change was computed from (0 for a creation); it is written only while still current. */
  expectedVersion: number;
  at: Date;
  /** The history entry: CREATE, an event type, EDIT, DEADLINE, ATTACH, DETACH, MIGRATE, … */
  history: {
    event: string;
    from: string | null;
    to: string;
    actorId: string | null;
    payload?: unknown;
    comment?: string | null;
  };
  /** The profile's new state and snapshot; left as stored when absent. */
  state?: string;
  snapshot?: StoredSnapshot;
  /** The profile's new scope attributes; left as stored when absent. */
  scope?: Record<string, string[]>;
  /** New data and its summary (an edit); left as stored when absent. */
  data?: Record<string, unknown>;
  summary?: Record<string, unknown>;
  /** The workflow version the profile runs on from now (a migration); left as stored when absent. */
  workflowVersion?: number;
  /** Sets `submitted_at` unless it is set already. */
  markSubmitted?: boolean;
  openTasks?: TaskInsert[];
  closeTasks?: ClosedTask[];
  dueChanges?: DueChange[];
  notices?: NoticeInput[];
  idempotency?: { userId: string; key: string; requestHash: string; status: number; body: unknown };
  /** A decision taken in a session: recorded on its agenda item; a deferral also lands on the next session's agenda. */
  session?: { sessionId: string; defers: boolean };
  /** Only for a creation (`expectedVersion` 0): the new row's owner and creator; state, snapshot, scope, data and summary are required then. */
  create?: { workflowVersion: number; ownerKey: string; createdBy: string };
}

/**
 * The change's outbox row, or null when there is nothing for the worker to do. Pure: the same change
 * always gives the same row, so its cause (profile and seq) writes it once.
 */
export function outboxRowOf(
  c: ProfileChange,
): { topic: string; cause: string; payload: ProfileChangePayloadInput } | null {
  const seq = c.expectedVersion + 1;
  const notices = (c.notices ?? []).map((n) => ({
    cause: noticeCause({ profileId: c.profileId, seq, template: n.template, role: n.role, scope: n.scope }),
    template: n.template,
    recipients: { role: n.role, scope: n.scope },
  }));
  const tasks: ProfileChangePayloadInput['tasks'] = [
    ...(c.openTasks ?? []).map((t) => ({
      change: 'opened' as const,
      taskId: t.id,
      kind: t.kind,
      dueAt: t.due_at?.toISOString() ?? null,
      assignee: { role: t.assignee_role, scope: t.assignee_scope },
    })),
    ...(c.dueChanges ?? []).map((t) => ({
      change: 'due' as const,
      taskId: t.taskId,
      kind: t.kind,
      dueAt: t.dueAt?.toISOString() ?? null,
    })),
    ...(c.closeTasks ?? []).map((t) => ({ change: 'closed' as const, taskId: t.id, kind: t.kind, status: t.status })),
  ];
  if (!notices.length && !tasks.length) return null;
  return {
    topic: OUTBOX_TOPICS.transition,
    cause: transitionCause(c.profileId, seq),
    payload: {
      profileId: c.profileId,
      workflow: c.workflowId,
      seq,
      event: c.history.event,
      from: c.history.from,
      to: c.history.to,
      notices,
      tasks,
    },
  };
}

const json = (v: unknown) => JSON.stringify(v);

/** The statement's first part: the profile row, inserted (creation) or updated at `expectedVersion`. */
function profilePart(c: ProfileChange, $: (v: unknown) => string, at: string, profileId: string, undecided: string) {
  const optionalJson = (v: unknown) => $(v === undefined ? null : json(v));
  if (c.create) {
    if (c.state === undefined || c.snapshot === undefined || c.scope === undefined || c.data === undefined) {
      throw new Error('writeProfileChange: a creation needs state, snapshot, scope and data');
    }
    return `upd as (
      insert into profiles (id, workflow_id, workflow_version, state, snapshot, version, data, owner_key, created_by,
                            scope, summary, created_at, updated_at)
      values (${profileId}::uuid, ${$(c.workflowId)}, ${$(c.create.workflowVersion)}::int, ${$(c.state)},
              ${$(json(c.snapshot))}::jsonb, 1, ${$(json(c.data))}::jsonb, ${$(c.create.ownerKey)},
              ${$(c.create.createdBy)}::uuid, ${$(json(c.scope))}::jsonb, coalesce(${optionalJson(c.summary)}::jsonb, '{}'::jsonb), ${at}, ${at})
      returning id, version
    )`;
  }
  return `upd as (
      update profiles set
        state = coalesce(${$(c.state ?? null)}, state),
        snapshot = coalesce(${optionalJson(c.snapshot)}::jsonb, snapshot),
        data = coalesce(${optionalJson(c.data)}::jsonb, data),
        summary = coalesce(${optionalJson(c.summary)}::jsonb, summary),
        scope = coalesce(${optionalJson(c.scope)}::jsonb, scope),
        workflow_version = coalesce(${$(c.workflowVersion ?? null)}::int, workflow_version),
        version = version + 1,
        updated_at = ${at},
        submitted_at = case when ${$(c.markSubmitted ?? false)}::boolean then coalesce(submitted_at, ${at}) else submitted_at end
      where id = ${profileId} and version = ${$(c.expectedVersion)}${c.session ? ` and ${undecided}` : ''}
      returning id, version
    )`;
}

/**
 * Commit one change of a profile as a single SQL statement, so it commits atomically in one round
 * trip (decision 001). Returns false when `expectedVersion` was no longer current.
 *
 * Concurrency: the UPDATE matches only `version = expectedVersion`. Two writers of the same version
 * serialise on the row lock; the second re-checks the predicate after the first commits, matches
 * nothing, and then every other part of the statement (which all read from `upd`) writes nothing.
 *
 * A session decision is also guarded by its agenda item: the UPDATE matches only while the item is
 * undecided, so two overlapping batches of one session cannot both decide a profile (a DEFER is a
 * self-transition, so a batch that lost the version race would otherwise pass every check on its
 * retry). Every decision bumps the version, so a writer whose snapshot predates another decision
 * also fails on the version. Throws Conflict when the item is already decided or not on the agenda.
 *
 * The statement runs as a named prepared statement (planned once per connection and text), so its
 * text depends only on which parts are present, never on values: every value is a parameter.
 */
export async function writeProfileChange(db: Db, c: ProfileChange): Promise<boolean> {
  const closeTasks = c.closeTasks ?? [];
  const openTasks = c.openTasks ?? [];
  const dueChanges = c.dueChanges ?? [];
  const closeIds = closeTasks.filter((t) => t.status === 'done').map((t) => t.id);
  const cancelIds = closeTasks.filter((t) => t.status === 'cancelled').map((t) => t.id);
  const outbox = outboxRowOf(c);
  const { idempotency: idem, session, history } = c;
  const values: unknown[] = [];
  const $ = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const at = $(c.at);
  const profileId = $(c.profileId);
  const sessionId = session ? $(session.sessionId) : '';
  const undecided = `exists (select 1 from session_agenda
    where session_id = ${sessionId}::uuid and profile_id = ${profileId}::uuid and decision_event is null)`;
  // Only the parts this change needs: every CTE costs planning and execution time, and an insert into
  // outbox fires its NOTIFY trigger even when it inserts nothing (see docs/benchmarks.md).
  const parts = [
    profilePart(c, $, at, profileId, undecided),
    `hist as (
      insert into profile_history (profile_id, seq, event, from_state, to_state, actor_id, payload, comment, at)
      select id, version, ${$(history.event)}, ${$(history.from)}, ${$(history.to)}, ${$(history.actorId)}::uuid,
             ${$(json(history.payload ?? {}))}::jsonb, ${$(history.comment ?? null)}, ${at}
      from upd
    )`,
  ];
  if (closeTasks.length) {
    // The tasks by primary key: `(status = 'open') is true` does not imply the predicate of the partial
    // indexes of open tasks, so the plan cannot read one of them whole. Statistics taken while hardly any
    // task was open (a new deployment) make such an index look like one row, and the cached generic plan
    // then read every open task of every profile on each transition.
    parts.push(`closed as (
      update tasks set
        status = case when id = any(${$(closeIds)}::uuid[]) then 'done' else 'cancelled' end,
        closed_at = ${at}
      where id = any(${$([...closeIds, ...cancelIds])}::uuid[]) and (status = 'open') is true and exists (select 1 from upd)
    )`);
  }
  if (dueChanges.length) {
    parts.push(`moved as (
      update tasks t set due_at = r.due_at
      from upd, jsonb_to_recordset(${$(json(dueChanges.map((d) => ({ id: d.taskId, due_at: d.dueAt }))))}::jsonb)
        as r(id uuid, due_at timestamptz)
      where t.id = r.id and t.profile_id = upd.id and t.status = 'open'
    )`);
  }
  if (openTasks.length) {
    parts.push(`opened as (
      insert into tasks (id, profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, due_at, created_at)
      select r.id, upd.id, ${$(c.workflowId)}, r.key, r.kind, r.state, r.assignee_role, r.assignee_scope, r.due_at, ${at}
      from upd, jsonb_to_recordset(${$(json(openTasks))}::jsonb)
        as r(id uuid, key text, kind text, state text, assignee_role text, assignee_scope text, due_at timestamptz)
    )`);
  }
  if (outbox) {
    parts.push(`queued as (
      insert into outbox (topic, cause, profile_id, payload, created_at)
      select ${$(outbox.topic)}, ${$(outbox.cause)}, upd.id, ${$(json(outbox.payload))}::jsonb, ${at}
      from upd
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
        decision_event = ${$(history.event)}, decision_payload = ${$(json(history.payload ?? {}))}::jsonb,
        decision_seq = upd.version, decided_by = ${$(history.actorId)}::uuid, decided_at = ${at}, to_state = ${$(history.to)},
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
