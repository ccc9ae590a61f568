import { randomUUID } from 'node:crypto';
import { type Db, executePrepared, queryPrepared, StatementShapes } from '@steckbrief/db';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Actor, canSee, hasRole, seesOnlyAsOwner, taskGroupsOf } from './access.js';
import { roleLabels } from './definition.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from './errors.js';
import { assignmentCause, OUTBOX_TOPICS } from './keys.js';
import { eventsHandledIn } from './machine.js';
import { isUuid, loadProfile } from './store.js';
import { type EngineDeps, planEvent } from './transition.js';
import { taskLabel } from './views.js';
import { writeProfileChange } from './writer.js';

/** The history event of an internal note (reviewers only; see `addNote`). */
export const NOTE_EVENT = 'NOTE';

/**
 * Dates a person can mean in this process: deadlines and sessions of a funding programme that runs until
 * 2038. The bound keeps typos such as year 0000 or 9999 out of the database, where they would be stored
 * but could not be used: PostgreSQL rejects year 0000 in the ISO form the worker passes on (review finding 4).
 */
const EARLIEST_YEAR = 2000;
const LATEST_YEAR = 2100;
export const isPlausibleYear = (year: number) => year >= EARLIEST_YEAR && year <= LATEST_YEAR;
export const yearRangeMessage = (label: string, field: string) =>
  `${label}: muss zwischen ${EARLIEST_YEAR} und ${LATEST_YEAR} liegen. / ${field} must be between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}.`;

export interface InboxTask {
  id: string;
  profileId: string;
  workflow: string;
  kind: string;
  label: { de: string; en: string };
  state: string;
  stateLabel: { de: string; en: string };
  role: string;
  scope: string | null;
  status: string;
  title: string | null;
  sponsor: string | null;
  dueAt: string | null;
  overdue: boolean;
  claimedBy: string | null;
  createdAt: string;
}

export interface InboxFilters {
  status?: 'open' | 'done' | 'cancelled';
  workflow?: string;
  /** Profile scope attributes to match, e.g. {panel: 'north'}. */
  scope?: Record<string, string>;
  overdue?: boolean;
  dueBefore?: Date;
  sort?: 'due' | 'created';
  limit?: number;
}

const taskNotFound = () => new NotFound('Aufgabe nicht gefunden. / Task not found.');

function selectTasks(db: Db) {
  return db
    .selectFrom('tasks as t')
    .innerJoin('profiles as p', 'p.id', 't.profile_id')
    .select([
      't.id',
      't.profile_id',
      't.workflow_id',
      'p.workflow_version',
      't.kind',
      't.state',
      't.assignee_role',
      't.assignee_scope',
      't.status',
      't.due_at',
      't.claimed_by',
      't.created_at',
      'p.title',
      'p.summary',
    ]);
}

type TaskSelection = Awaited<ReturnType<ReturnType<typeof selectTasks>['executeTakeFirstOrThrow']>>;

function toInboxTask(deps: EngineDeps, r: TaskSelection, at: Date): InboxTask {
  const definition = deps.registry.get(r.workflow_id, r.workflow_version);
  return {
    id: r.id,
    profileId: r.profile_id,
    workflow: r.workflow_id,
    kind: r.kind,
    label: taskLabel(definition, r.kind),
    state: r.state,
    stateLabel: definition.states[r.state] ?? { de: r.state, en: r.state },
    role: r.assignee_role,
    scope: r.assignee_scope || null,
    status: r.status,
    title: r.title,
    sponsor: r.summary.sponsor ?? null,
    dueAt: r.due_at?.toISOString() ?? null,
    overdue: r.status === 'open' && r.due_at !== null && r.due_at < at,
    claimedBy: r.claimed_by,
    createdAt: r.created_at.toISOString(),
  };
}

/** A value of a statement: sent as a parameter, or written into it (`sql.lit`, see `InboxInput.literal`). */
type Value = string | RawBuilder<unknown>;

/** Tasks of the caller's groups (role and scope), soonest due first, then oldest. */
function inGroups(groups: ReadonlyArray<readonly [Value, Value]>) {
  return sql<SqlBool>`(t.assignee_role, t.assignee_scope) in (${sql.join(groups.map(([r, s]) => sql`(${r}, ${s})`))})`;
}

/** Tasks of the caller's groups (role and scope), soonest due first by default. */
export async function listTasks(deps: EngineDeps, actor: Actor, filters: InboxFilters = {}): Promise<InboxTask[]> {
  const groups = taskGroupsOf(deps.registry.roles, actor);
  if (!groups.length) return [];
  const at = (deps.now ?? (() => new Date()))();
  let query = selectTasks(deps.db)
    .where('t.status', '=', filters.status ?? 'open')
    .where(inGroups(groups));
  if (filters.workflow) query = query.where('t.workflow_id', '=', filters.workflow);
  if (filters.scope && Object.keys(filters.scope).length) {
    const match = JSON.stringify(Object.fromEntries(Object.entries(filters.scope).map(([k, v]) => [k, [v]])));
    query = query.where(sql<SqlBool>`p.scope @> ${match}::jsonb`);
  }
  if (filters.overdue) query = query.where('t.due_at', '<', at);
  if (filters.dueBefore) query = query.where('t.due_at', '<', filters.dueBefore);
  query =
    filters.sort === 'created'
      ? query.orderBy('t.created_at', 'desc').orderBy('t.id')
      : // Matches the index order (assignee_role, assignee_scope, due_at, id): the first page is an index range.
        query.orderBy(sql`t.due_at asc nulls last`).orderBy('t.id');
  const rows = await query.limit(Math.min(Math.max(filters.limit ?? 100, 1), 500)).execute();
  return rows.map((r) => toInboxTask(deps, r, at));
}

/** Open tasks of the caller's groups per stage, and how many are overdue: the inbox badge. */
export async function taskCounts(
  deps: EngineDeps,
  actor: Actor,
): Promise<{ total: number; overdue: number; byState: Record<string, number> }> {
  const groups = taskGroupsOf(deps.registry.roles, actor);
  if (!groups.length) return { total: 0, overdue: 0, byState: {} };
  const at = (deps.now ?? (() => new Date()))();
  // Named prepared statements here and in the inbox page's reads: planning them cost PostgreSQL more
  // than running them (the inbox page at 100 000 profiles, docs/benchmarks.md).
  const rows = await executePrepared(
    deps.db,
    deps.db
      .selectFrom('tasks as t')
      .select([
        't.state',
        sql<string>`count(*)`.as('n'),
        sql<string>`count(*) filter (where t.due_at < ${at})`.as('late'),
      ])
      .where('t.status', '=', 'open')
      .where(inGroups(groups))
      .groupBy('t.state'),
  );
  const byState = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  return {
    total: rows.reduce((sum, r) => sum + Number(r.n), 0),
    overdue: rows.reduce((sum, r) => sum + Number(r.late), 0),
    byState,
  };
}

async function loadTaskFor(db: Db, deps: EngineDeps, actor: Actor, id: string) {
  if (!isUuid(id)) throw taskNotFound();
  const task = await db
    .selectFrom('tasks as t')
    .innerJoin('profiles as p', 'p.id', 't.profile_id')
    .select([
      't.id',
      't.status',
      't.assignee_role',
      't.assignee_scope',
      't.claimed_by',
      't.workflow_id',
      't.profile_id',
      'p.workflow_version',
      'p.owner_key',
      'p.scope',
      'p.submitted_at',
    ])
    .where('t.id', '=', id)
    .executeTakeFirst();
  if (!task || !canSee(deps.registry.roles, actor, task)) throw taskNotFound();
  return task;
}

function inGroup(deps: EngineDeps, actor: Actor, task: { assignee_role: string; assignee_scope: string }) {
  return taskGroupsOf(deps.registry.roles, actor).some(
    ([r, s]) => r === task.assignee_role && s === task.assignee_scope,
  );
}

/** Claim an open task of one's group so that colleagues do not work it too. Claiming twice is harmless. */
export async function claimTask(deps: EngineDeps, actor: Actor, id: string): Promise<InboxTask> {
  const task = await loadTaskFor(deps.db, deps, actor, id);
  if (!inGroup(deps, actor, task))
    throw new Forbidden('Die Aufgabe gehört nicht Ihrer Gruppe. / Not your group’s task.');
  const updated = await deps.db
    .updateTable('tasks')
    .set({ claimed_by: actor.userId, claimed_at: (deps.now ?? (() => new Date()))() })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', actor.userId)]))
    .returning('id')
    .executeTakeFirst();
  if (!updated) {
    throw new Conflict(
      task.status !== 'open'
        ? 'Die Aufgabe ist bereits erledigt. / The task is closed.'
        : 'Die Aufgabe wird bereits von jemand anderem bearbeitet. / Already claimed by someone else.',
    );
  }
  return taskById(deps, id);
}

/** Give a claimed task back to the group; only the claimer (or a deadline manager) may. */
export async function releaseTask(deps: EngineDeps, actor: Actor, id: string): Promise<InboxTask> {
  const task = await loadTaskFor(deps.db, deps, actor, id);
  const definition = deps.registry.get(task.workflow_id, task.workflow_version);
  const manager = definition.deadlineRoles.some((r) => hasRole(actor, r));
  if (!inGroup(deps, actor, task) && !manager)
    throw new Forbidden('Die Aufgabe gehört nicht Ihrer Gruppe. / Not your group’s task.');
  if (task.status !== 'open') throw new Conflict('Die Aufgabe ist bereits erledigt. / The task is closed.');
  if (task.claimed_by && task.claimed_by !== actor.userId && !manager) {
    throw new Conflict('Die Aufgabe wurde von jemand anderem übernommen. / Claimed by someone else.');
  }
  // Only the claim as checked above: a colleague who claimed the task since then keeps it.
  const claimedBy = task.claimed_by;
  const released = await deps.db
    .updateTable('tasks')
    .set({ claimed_by: null, claimed_at: null })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .where((eb) => (claimedBy === null ? eb('claimed_by', 'is', null) : eb('claimed_by', '=', claimedBy)))
    .returning('id')
    .executeTakeFirst();
  if (!released) {
    throw new Conflict(
      'Die Aufgabe wurde inzwischen übernommen, freigegeben oder erledigt; bitte neu laden. / The task changed in the meantime; please reload.',
    );
  }
  return taskById(deps, id);
}

/**
 * Move an open task's due date. Like any change to a profile it is a history entry (`DEADLINE`:
 * which task, who, the old and the new due date) and a new profile version; the task, the entry
 * and the outbox row that re-plans the reminders commit together. Setting the due date it already
 * has changes nothing.
 */
export async function setTaskDue(deps: EngineDeps, actor: Actor, id: string, dueAt: Date | null): Promise<InboxTask> {
  const task = await loadTaskFor(deps.db, deps, actor, id);
  const definition = deps.registry.get(task.workflow_id, task.workflow_version);
  if (!definition.deadlineRoles.some((r) => hasRole(actor, r))) {
    throw new Forbidden(
      `Fristen ändert nur: ${roleLabels(definition, definition.deadlineRoles, 'de')}. / Only these change due dates: ${roleLabels(definition, definition.deadlineRoles, 'en')}.`,
    );
  }
  if (task.status !== 'open') throw new Conflict('Die Aufgabe ist bereits erledigt. / The task is closed.');
  if (dueAt && Number.isNaN(dueAt.getTime())) {
    throw new ValidationFailed('Ungültiges Datum. / Invalid date.', [{ path: 'dueAt', message: 'ungültig / invalid' }]);
  }
  if (dueAt && !isPlausibleYear(dueAt.getUTCFullYear())) {
    throw new ValidationFailed('Ungültiges Datum. / Invalid date.', [
      { path: 'dueAt', message: yearRangeMessage('Frist', 'dueAt') },
    ]);
  }
  const at = (deps.now ?? (() => new Date()))();
  await deps.db.transaction().execute(async (trx) => {
    // The profile's row first, as a transition locks it, then the task as it is now.
    const locked = await trx
      .selectFrom('profiles')
      .select(['version', 'state'])
      .where('id', '=', task.profile_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const current = await trx
      .selectFrom('tasks')
      .select(['kind', 'status', 'due_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (current.status !== 'open') throw new Conflict('Die Aufgabe ist bereits erledigt. / The task is closed.');
    if ((current.due_at?.getTime() ?? null) === (dueAt?.getTime() ?? null)) return;
    const change = {
      taskId: id,
      kind: current.kind,
      from: current.due_at?.toISOString() ?? null,
      to: dueAt?.toISOString() ?? null,
    };
    // Under the lock the version is current: the task, the entry and the outbox row commit as one statement.
    await writeProfileChange(trx, {
      profileId: task.profile_id,
      workflowId: definition.id,
      expectedVersion: locked.version,
      at,
      history: { event: 'DEADLINE', from: locked.state, to: locked.state, actorId: actor.userId, payload: change },
      dueChanges: [{ taskId: id, kind: current.kind, dueAt }],
    });
  });
  return taskById(deps, id);
}

async function taskById(deps: EngineDeps, id: string): Promise<InboxTask> {
  const row = await selectTasks(deps.db).where('t.id', '=', id).executeTakeFirstOrThrow();
  return toInboxTask(deps, row, (deps.now ?? (() => new Date()))());
}

/** The inbox's views: claimed by me, all open of my groups, open and unclaimed, done in my groups. */
export const INBOX_VIEWS = ['mine', 'group', 'unassigned', 'done'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];
export const INBOX_SORTS = ['due', 'title', 'sponsor', 'state', 'claimed', 'created'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

export interface InboxQuery {
  view: InboxView;
  /** The task's stage (the profile's state when the task was opened). */
  state?: string;
  /** Profile scope attributes to match, e.g. {panel: 'north'}. */
  scope?: Record<string, string>;
  overdue?: boolean;
  dueBefore?: Date;
  sort?: InboxSort;
  descending?: boolean;
  limit?: number;
  offset?: number;
  /** false: leave the number of the view's tasks out (`total` is -1), e.g. when `inboxViewCounts` gives it. */
  total?: boolean;
}

/** An inbox row: the task, who claimed it (by name) and when it was closed. */
export interface InboxRow extends InboxTask {
  claimedByName: string | null;
  closedAt: string | null;
}

/**
 * An inbox query as its statements take it: the scope filter as the JSON the profiles' scope must
 * contain, limit and offset within range (so that a statement can be built with slots for all of them).
 */
export interface InboxInput {
  view: InboxView;
  state?: string;
  scopeMatch?: string;
  overdue?: boolean;
  dueBefore?: Date;
  sort?: InboxSort;
  descending?: boolean;
  limit: number;
  offset: number;
  /**
   * Write what decides the plan into the statement (the groups, the statuses, the page's limit; offset 0)
   * instead of sending it as parameters: PostgreSQL then keeps one generic plan instead of planning every
   * call (see `inboxPageStatement`).
   */
  literal?: boolean;
}

export function inboxInput(q: Omit<InboxQuery, 'view'> & { view?: InboxView }): InboxInput {
  const scope = q.scope && Object.keys(q.scope).length ? q.scope : undefined;
  return {
    view: q.view ?? 'group',
    state: q.state || undefined,
    scopeMatch: scope && JSON.stringify(Object.fromEntries(Object.entries(scope).map(([k, v]) => [k, [v]]))),
    overdue: q.overdue === true,
    dueBefore: q.dueBefore,
    sort: q.sort,
    descending: q.descending === true,
    limit: Math.min(Math.max(q.limit ?? 25, 1), 500),
    offset: Math.max(q.offset ?? 0, 0),
  };
}

/** The filters every view shares (stage, scope, overdue, due before), on the caller's groups. */
function inboxBase(deps: EngineDeps, groups: ReadonlyArray<readonly [Value, Value]>, q: InboxInput, at: Date) {
  let query = selectTasks(deps.db).leftJoin('users as u', 'u.id', 't.claimed_by').where(inGroups(groups));
  if (q.state) query = query.where('t.state', '=', q.state);
  if (q.scopeMatch) query = query.where(sql<SqlBool>`p.scope @> ${q.scopeMatch}::jsonb`);
  if (q.overdue) query = query.where('t.due_at', '<', at);
  if (q.dueBefore) query = query.where('t.due_at', '<', q.dueBefore);
  return query;
}

/** A task status as a parameter, or written into the statement. */
const status = (value: 'open' | 'done', literal: boolean | undefined) => (literal ? sql.lit(value) : value);

function inView<Q extends ReturnType<typeof inboxBase>>(query: Q, view: InboxView, actor: Actor, literal?: boolean): Q {
  switch (view) {
    case 'mine':
      return query.where('t.status', '=', status('open', literal)).where('t.claimed_by', '=', actor.userId) as Q;
    case 'group':
      return query.where('t.status', '=', status('open', literal)) as Q;
    case 'unassigned':
      return query.where('t.status', '=', status('open', literal)).where('t.claimed_by', 'is', null) as Q;
    case 'done':
      return query.where('t.status', '=', status('done', literal)) as Q;
  }
}

const SORT_COLUMNS = {
  due: sql`t.due_at`,
  title: sql`lower(p.title)`,
  sponsor: sql`lower(p.summary->>'sponsor')`,
  state: sql`t.state`,
  claimed: sql`lower(u.name)`,
  created: sql`t.created_at`,
} as const;

/** The statement of one page of an inbox view: its rows in the view's order. */
function pageQuery(
  deps: EngineDeps,
  actor: Actor,
  groups: ReadonlyArray<readonly [Value, Value]>,
  q: InboxInput,
  at: Date,
) {
  const base = inView(inboxBase(deps, groups, q, at), q.view, actor, q.literal);
  const direction = q.descending ? sql`desc` : sql`asc`;
  const order =
    q.view === 'done' && !q.sort
      ? sql`t.closed_at desc nulls last, t.id`
      : sql`${SORT_COLUMNS[q.sort ?? 'due']} ${direction} nulls last, t.due_at asc nulls last, t.id`;
  const sorted = base.orderBy(order).select(['u.name as claimed_by_name', 't.closed_at']);
  const rows = q.literal ? sorted.limit(sql.lit(q.limit)) : sorted.limit(q.limit).offset(q.offset);
  return { base, rows, order };
}

type PageRow = Awaited<ReturnType<ReturnType<typeof pageQuery>['rows']['execute']>>[number];

// Added to the task, not spread into a copy of it: the inbox maps 25 rows per page, and the copies cost
// as much as the mapping.
const toInboxRow = (deps: EngineDeps, r: PageRow, at: Date): InboxRow =>
  Object.assign(toInboxTask(deps, r, at), {
    claimedByName: r.claimed_by_name ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
  });

/**
 * One page of an inbox view with the number of its tasks. Due date earliest first by default; done
 * tasks most recently closed first. Empty values sort last in either direction.
 */
export async function inboxPage(
  deps: EngineDeps,
  actor: Actor,
  q: InboxQuery,
): Promise<{ items: InboxRow[]; total: number }> {
  const groups = taskGroupsOf(deps.registry.roles, actor);
  if (!groups.length || !actor.userId) return { items: [], total: 0 };
  const at = (deps.now ?? (() => new Date()))();
  const { base, rows: query } = pageQuery(deps, actor, groups, inboxInput(q), at);
  const [rows, count] = await Promise.all([
    executePrepared(deps.db, query),
    q.total === false
      ? { n: '-1' }
      : base.clearSelect().select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => toInboxRow(deps, r, at)), total: Number(count.n) };
}

/** Done tasks are counted up to this many; a view with more shows "1000+". */
export const INBOX_DONE_COUNT_LIMIT = 1000;

/** How many tasks each view holds under the same filters: the counts beside the views' names. */
export async function inboxViewCounts(
  deps: EngineDeps,
  actor: Actor,
  q: Omit<InboxQuery, 'view'>,
): Promise<Record<InboxView, number>> {
  return (await inboxSummary(deps, actor, q)).counts;
}

/** The counts per view and the stages with open tasks, as one statement of one row (see `inboxSummary`). */
function summaryQuery(
  deps: EngineDeps,
  actor: Actor & { userId: string },
  groups: ReadonlyArray<readonly [Value, Value]>,
  q: InboxInput,
  at: Date,
) {
  // The tasks alone, read from the group index (`tasks_group_idx`, all statuses) without visiting the
  // table; the profile only for a scope filter. Joining every task of the group with its profile made
  // this the inbox page's most expensive statement (a reviewer of one scope at 100 000 profiles, see docs/benchmarks.md).
  const conditions = [inGroups(groups)];
  if (q.overdue) conditions.push(sql<SqlBool>`t.due_at < ${at}`);
  if (q.dueBefore) conditions.push(sql<SqlBool>`t.due_at < ${q.dueBefore}`);
  if (q.scopeMatch) {
    conditions.push(
      sql<SqlBool>`exists (select 1 from profiles p where p.id = t.profile_id and p.scope @> ${q.scopeMatch}::jsonb)`,
    );
  }
  // The stage filter applies to the counts, not to the list of stages.
  const stage = q.state ? sql<SqlBool>`t.state = ${q.state}` : sql<SqlBool>`true`;
  const where = sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
  // Done tasks pile up (the office's group holds four per profile): counted only up to a limit.
  const done = sql<string>`(select count(*) from (select 1 from tasks t where ${where} and ${stage} and t.status = 'done' limit ${q.literal ? sql.lit(INBOX_DONE_COUNT_LIMIT) : INBOX_DONE_COUNT_LIMIT}) d)`;
  return deps.db
    .selectFrom('tasks as t')
    .select([
      sql<string>`count(*) filter (where ${stage} and t.claimed_by = ${actor.userId})`.as('mine'),
      sql<string>`count(*) filter (where ${stage})`.as('group'),
      sql<string>`count(*) filter (where ${stage} and t.claimed_by is null)`.as('unassigned'),
      done.as('done'),
      sql<string[] | null>`array_agg(distinct t.state)`.as('stages'),
    ])
    .where(where)
    .where('t.status', '=', status('open', q.literal));
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['execute']>>[number];

const NO_SUMMARY = (): InboxSummary => ({ counts: { mine: 0, group: 0, unassigned: 0, done: 0 }, stages: [] });

const toSummary = (row: SummaryRow): InboxSummary => ({
  counts: {
    mine: Number(row.mine),
    group: Number(row.group),
    unassigned: Number(row.unassigned),
    done: Number(row.done),
  },
  stages: row.stages ?? [],
});

/** How many tasks each view holds under the filters, and the stages with open tasks (the stage filter's choices). */
export interface InboxSummary {
  counts: Record<InboxView, number>;
  stages: string[];
}

/**
 * The inbox's figures in one statement: how many tasks each view holds under the filters, and the
 * stages that have open tasks under the other filters (the stage filter's choices).
 */
export async function inboxSummary(deps: EngineDeps, actor: Actor, q: Omit<InboxQuery, 'view'>): Promise<InboxSummary> {
  const groups = taskGroupsOf(deps.registry.roles, actor);
  const { userId } = actor;
  if (!groups.length || !userId) return NO_SUMMARY();
  const at = (deps.now ?? (() => new Date()))();
  const [row] = await executePrepared(deps.db, summaryQuery(deps, { ...actor, userId }, groups, inboxInput(q), at));
  return row ? toSummary(row) : NO_SUMMARY();
}

/** The values of an inbox page's statement; `r<n>` and `s<n>` are the role and scope of the caller's n-th group. */
type InboxSlots = Record<string, unknown>;

/** The inbox page's statement per shape (see `StatementShapes`): built and compiled once per shape, not per request. */
const inboxShapes = new StatementShapes<InboxSlots>();

/**
 * How many shapes per process may carry their groups as literals: each is a prepared statement of its
 * own on every connection that runs it (about 170 kB of PostgreSQL's memory with its plan), so their
 * number is bounded; shapes beyond it send their groups as parameters and are planned on each call.
 */
const LITERAL_INBOX_SHAPES = 64;
const literalShapes = new Set<string>();

/**
 * The statement of `inboxPageWithSummary`: the figures with the page's rows joined laterally. Its shape
 * is every choice that changes its text (the number of groups, the view, which filters are set, the
 * order); the values (the user, the time, the filters' values) are slots.
 *
 * On a first page, when every group is of a role scoped by an attribute or not at all (values from the
 * registry's roles, not one per organisation), the groups, the statuses and the limit are written into
 * the statement (`literal`): with them as parameters PostgreSQL planned the statement anew on every call
 * (0.4 ms of its CPU per inbox page), since for a group smaller than the average its custom plan always
 * looked cheaper than the generic one; with them in the text both plans are the same, and it keeps the
 * generic one. Such shapes are one per group set, at most `LITERAL_INBOX_SHAPES` per process.
 */
export function inboxPageStatement(
  deps: EngineDeps,
  userId: string,
  groups: Array<[string, string]>,
  q: InboxInput,
  at: Date,
): { sql: string; parameters: unknown[]; literal: boolean } {
  const shape = [
    q.view,
    q.state ? 'state' : '',
    q.scopeMatch ? 'scope' : '',
    q.overdue ? 'overdue' : '',
    q.dueBefore ? 'before' : '',
    q.sort ?? '',
    q.descending ? 'desc' : '',
  ].join('|');
  const fixedGroups = q.offset === 0 && groups.every(([role]) => deps.registry.roles.get(role)?.scope.kind !== 'owner');
  // JSON: no two group lists give the same key, whatever their values hold.
  const literalKey = `${shape}|${q.limit}|${JSON.stringify(groups)}`;
  const literal = fixedGroups && (literalShapes.has(literalKey) || literalShapes.size < LITERAL_INBOX_SHAPES);
  if (literal) literalShapes.add(literalKey);
  const key = literal ? `literal|${literalKey}` : `${shape}|${groups.length}`;
  const values: InboxSlots = {
    user: userId,
    at,
    state: q.state,
    scope: q.scopeMatch,
    before: q.dueBefore,
    limit: q.limit,
    offset: q.offset,
  };
  if (!literal) {
    groups.forEach(([role, scope], i) => {
      values[`r${i}`] = role;
      values[`s${i}`] = scope;
    });
  }
  const statement = inboxShapes.statement(
    deps.db,
    key,
    () => {
      const slot = <T>(name: string) => inboxShapes.slot<T>(name);
      const slotted: InboxInput = {
        ...q,
        literal,
        state: q.state && slot('state'),
        scopeMatch: q.scopeMatch && slot('scope'),
        dueBefore: q.dueBefore && slot<Date>('before'),
        limit: literal ? q.limit : slot<number>('limit'),
        offset: slot<number>('offset'),
      };
      const shapeGroups = literal ? groups : groups.map((_, i): [string, string] => [slot(`r${i}`), slot(`s${i}`)]);
      return inboxPageQuery(deps, slot<string>('user'), shapeGroups, slotted, slot<Date>('at'));
    },
    values,
  );
  return { ...statement, literal };
}

/** The figures with the page's rows joined laterally, as a Kysely query (see `inboxPageStatement`). */
export function inboxPageQuery(
  deps: EngineDeps,
  userId: string,
  caller: ReadonlyArray<readonly [string, string]>,
  q: InboxInput,
  at: Date,
) {
  const actor = { userId, organisation: null, grants: [] };
  const groups = q.literal ? caller.map(([role, scope]) => [sql.lit(role), sql.lit(scope)] as const) : caller;
  // Composed by Kysely, which numbers the parameters of both parts. The page's own order is carried as
  // `ordinal` (its ORDER BY repeated in the window), since a join does not keep a subquery's order.
  const summary = summaryQuery(deps, actor, groups, q, at);
  const { rows: page, order } = pageQuery(deps, actor, groups, q, at);
  return deps.db
    .selectFrom(summary.as('s'))
    .leftJoinLateral(page.select(sql<string>`row_number() over (order by ${order})`.as('ordinal')).as('r'), (join) =>
      join.onTrue(),
    )
    .selectAll('s')
    .selectAll('r')
    .orderBy('r.ordinal');
}

/**
 * One page of an inbox view and the inbox's figures (`inboxPage` without the total, and `inboxSummary`),
 * read in one statement: the page's rows joined laterally to the one row of figures. One round trip less
 * per inbox page than running the two (a statement cost the page about as much CPU in the application
 * and in PostgreSQL as reading the rows, docs/benchmarks.md).
 */
export async function inboxPageWithSummary(
  deps: EngineDeps,
  actor: Actor,
  q: InboxQuery,
): Promise<{ items: InboxRow[] } & InboxSummary> {
  const groups = taskGroupsOf(deps.registry.roles, actor);
  const { userId } = actor;
  if (!groups.length || !userId) return { items: [], ...NO_SUMMARY() };
  const at = (deps.now ?? (() => new Date()))();
  const { sql: text, parameters } = inboxPageStatement(deps, userId, groups, inboxInput(q), at);
  const rows = await queryPrepared<SummaryRow & Partial<PageRow>>(deps.db, text, parameters);
  const [first] = rows;
  if (!first) return { items: [], ...NO_SUMMARY() };
  return {
    items: rows.flatMap((r) => (r.id === null ? [] : [toInboxRow(deps, r as PageRow, at)])),
    ...toSummary(first),
  };
}

/** One task of the caller's groups (or of a profile they see), with who claimed it. */
export async function getTask(deps: EngineDeps, actor: Actor, id: string): Promise<InboxRow> {
  await loadTaskFor(deps.db, deps, actor, id);
  const row = await selectTasks(deps.db)
    .leftJoin('users as u', 'u.id', 't.claimed_by')
    .select(['u.name as claimed_by_name', 't.closed_at'])
    .where('t.id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    ...toInboxTask(deps, row, (deps.now ?? (() => new Date()))()),
    claimedByName: row.claimed_by_name ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
  };
}

/**
 * What an event would do, checked as `applyEvent` checks it but written nowhere: the state it leads to
 * and whether the profile ends there (no event is handled in it). Forms ask before a decision that ends
 * a profile; invalid input fails here already, with the same errors.
 */
export async function previewEvent(
  deps: EngineDeps,
  actor: Actor,
  input: { profileId: string; type: string; payload: Record<string, unknown>; expectedVersion?: number },
): Promise<{ to: string; toLabel: { de: string; en: string }; ends: boolean }> {
  const profile = await loadProfile(deps.db, input.profileId);
  const { view } = planEvent(deps, actor, input, profile);
  const definition = deps.registry.get(view.workflow, view.workflowVersion);
  return {
    to: view.state,
    toLabel: definition.states[view.state] ?? { de: view.state, en: view.state },
    ends: eventsHandledIn(definition, view.state).size === 0,
  };
}

/** May this actor hand tasks of this workflow to others (the roles that manage deadlines: the office)? */
function managesTasks(deps: EngineDeps, actor: Actor, workflow: string, version: number) {
  return deps.registry.get(workflow, version).deadlineRoles.some((r) => hasRole(actor, r));
}

/** The active users of the task's group (its role and scope), by name: whom a task can be handed to. */
export async function taskColleagues(
  deps: EngineDeps,
  actor: Actor,
  id: string,
): Promise<Array<{ userId: string; name: string }>> {
  const task = await loadTaskFor(deps.db, deps, actor, id);
  const users = await deps.db
    .selectFrom('users')
    .select(['id', 'name', 'organisation', 'roles'])
    .where('disabled_at', 'is', null)
    .where(sql<SqlBool>`roles @> ${JSON.stringify([{ role: task.assignee_role }])}::jsonb`)
    .orderBy('name')
    .execute();
  return users
    .filter((u) =>
      taskGroupsOf(deps.registry.roles, { userId: u.id, organisation: u.organisation, grants: u.roles }).some(
        ([r, s]) => r === task.assignee_role && s === task.assignee_scope,
      ),
    )
    .map((u) => ({ userId: u.id, name: u.name }));
}

/** The outbox topic of a reassignment's mail (the worker's `services/worker/src/assignment-mail.ts`). */
export const ASSIGNMENT_TOPIC = OUTBOX_TOPICS.assignment;

/** What a reassignment's outbox row carries to the worker. */
export interface AssignmentNotice {
  taskId: string;
  profileId: string;
  assigneeId: string;
  assignedBy: string | null;
}

/**
 * The outbox row of a reassignment's mail, written in the reassignment's transaction: one row per
 * reassignment (its cause is unique), so the assignee gets exactly one mail for it.
 */
async function writeAssignmentNotice(trx: Db, notice: AssignmentNotice, at: Date): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({
      topic: ASSIGNMENT_TOPIC,
      cause: assignmentCause(notice.taskId, randomUUID()),
      profile_id: notice.profileId,
      payload: JSON.stringify(notice),
      created_at: at,
    })
    .execute();
}

/**
 * Hand an open task to a colleague of its group (when someone is absent): only the roles that manage
 * deadlines may (the workflows name no group leads), and only to a member of the task's group. It
 * replaces any claim, and the colleague gets a mail (once per reassignment; none when the task is
 * already theirs).
 */
export async function assignTask(deps: EngineDeps, actor: Actor, id: string, assigneeId: string): Promise<InboxTask> {
  const task = await loadTaskFor(deps.db, deps, actor, id);
  const definition = deps.registry.get(task.workflow_id, task.workflow_version);
  if (!managesTasks(deps, actor, task.workflow_id, task.workflow_version)) {
    throw new Forbidden(
      `Aufgaben weist nur zu: ${roleLabels(definition, definition.deadlineRoles, 'de')}. / Only these assign tasks: ${roleLabels(definition, definition.deadlineRoles, 'en')}.`,
    );
  }
  if (task.status !== 'open') throw new Conflict('Die Aufgabe ist bereits erledigt. / The task is closed.');
  const colleagues = await taskColleagues(deps, actor, id);
  if (!colleagues.some((c) => c.userId === assigneeId)) {
    throw new ValidationFailed('Nicht in der Gruppe der Aufgabe. / Not a member of the task’s group.', [
      { path: 'assignee', message: 'Nicht in der Gruppe der Aufgabe. / Not a member of the task’s group.' },
    ]);
  }
  const at = (deps.now ?? (() => new Date()))();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('tasks')
      .select(['status', 'claimed_by'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (current?.status !== 'open') return 'closed' as const;
    if (current.claimed_by === assigneeId) return 'unchanged' as const;
    await trx.updateTable('tasks').set({ claimed_by: assigneeId, claimed_at: at }).where('id', '=', id).execute();
    await writeAssignmentNotice(
      trx,
      { taskId: id, profileId: task.profile_id, assigneeId, assignedBy: actor.userId },
      at,
    );
    return 'assigned' as const;
  });
  if (outcome === 'closed') throw new Conflict('Die Aufgabe ist bereits erledigt. / The task is closed.');
  return taskById(deps, id);
}

/** The longest internal note, in characters. */
export const NOTE_MAX_LENGTH = 5000;

async function notableProfile(deps: EngineDeps, actor: Actor, profileId: string) {
  if (!isUuid(profileId)) throw new NotFound('Profil nicht gefunden. / Profile not found.');
  const profile = await deps.db
    .selectFrom('profiles')
    .select(['id', 'workflow_id', 'owner_key', 'scope', 'submitted_at'])
    .where('id', '=', profileId)
    .executeTakeFirst();
  if (!profile || !canSee(deps.registry.roles, actor, profile))
    throw new NotFound('Profil nicht gefunden. / Profile not found.');
  return { profile, reviewer: !seesOnlyAsOwner(deps.registry.roles, actor, profile) };
}

/** May this actor write internal notes on the profile (they see it through a reviewing role)? */
export async function mayWriteNotes(deps: EngineDeps, actor: Actor, profileId: string): Promise<boolean> {
  return (await notableProfile(deps, actor, profileId)).reviewer;
}

/**
 * An internal note on a profile: a history entry (`NOTE`, payload `{text}`, no change of state) and a
 * new profile version, written by someone who sees the profile through a reviewing role. Whoever sees
 * the profile only as its owner never sees it (`profileWithHistory`), nor does any mail.
 */
export async function addNote(
  deps: EngineDeps,
  actor: Actor,
  profileId: string,
  text: string,
): Promise<{ seq: number }> {
  if (!(await notableProfile(deps, actor, profileId)).reviewer) {
    throw new Forbidden('Interne Notizen schreiben nur die prüfenden Stellen. / Only reviewers write internal notes.');
  }
  const note = text.replace(/\r\n/g, '\n').trim();
  if (!note || note.length > NOTE_MAX_LENGTH) {
    const message = note
      ? `Die Notiz darf höchstens ${NOTE_MAX_LENGTH} Zeichen lang sein. / At most ${NOTE_MAX_LENGTH} characters.`
      : 'Geben Sie den Text der Notiz ein. / The note is empty.';
    throw new ValidationFailed(message, [{ path: 'text', message }]);
  }
  const at = (deps.now ?? (() => new Date()))();
  return deps.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('profiles')
      .select(['version', 'state', 'workflow_id'])
      .where('id', '=', profileId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await writeProfileChange(trx, {
      profileId,
      workflowId: locked.workflow_id,
      expectedVersion: locked.version,
      at,
      history: {
        event: NOTE_EVENT,
        from: locked.state,
        to: locked.state,
        actorId: actor.userId,
        payload: { text: note },
      },
    });
    return { seq: locked.version + 1 };
  });
}
