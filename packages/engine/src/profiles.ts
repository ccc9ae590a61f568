import { randomUUID } from 'node:crypto';
import { executePrepared, queryPrepared } from '@steckbrief/db';
import { type Expression, type SqlBool, sql } from 'kysely';
import { initialTransition } from 'xstate';
import { type Actor, canSee, hasRole, ownerKeyOf, seesOnlyAsOwner } from './access.js';
import { type Label, roleLabels, type WorkflowDefinition } from './definition.js';
import { Conflict, Forbidden, NotFound, StaleVersion, ValidationFailed } from './errors.js';
import { NOTE_EVENT } from './inbox.js';
import { persistSnapshot } from './machine.js';
import { mergePatch } from './merge-patch.js';
import type { WorkflowRegistry } from './registry.js';
import { isUuid, loadProfile } from './store.js';
import { type OpenTask, planTasks } from './tasks.js';
import type { EngineDeps } from './transition.js';
import { parseOrThrow } from './validation.js';
import { type ProfileFacts, type ProfileView, profileView, taskLabel } from './views.js';
import { writeProfileChange } from './writer.js';

const notFound = () => new NotFound('Profil nicht gefunden. / Profile not found.');

function validateDraft(definition: WorkflowDefinition, data: unknown): Record<string, unknown> {
  return parseOrThrow(definition.data.draft, data, {
    prefix: 'data',
    detail: 'Das Profil enthält ungültige Angaben. / The profile contains invalid values.',
  });
}

/** Create a profile in the workflow's initial state; profile, history, tasks and outbox commit together. */
export async function createProfile(
  { db, registry, now = () => new Date() }: EngineDeps,
  actor: Actor,
  input: { workflow?: string; data: unknown },
): Promise<ProfileView> {
  const definition = registry.get(input.workflow ?? registry.defaultWorkflowId);
  if (!actor.userId || !definition.creatorRoles.some((r) => hasRole(actor, r))) {
    throw new Forbidden(
      `Profile legen nur an: ${roleLabels(definition, definition.creatorRoles, 'de')}. / Only these create profiles: ${roleLabels(definition, definition.creatorRoles, 'en')}.`,
    );
  }
  const data = validateDraft(definition, input.data ?? {});
  const [snapshot] = initialTransition(definition.machine);
  const stored = persistSnapshot(snapshot);
  const at = now();
  const ownerKey = ownerKeyOf(actor);
  const scope = definition.scope({ state: stored.value, context: snapshot.context, data });
  const tasks = planTasks({
    registry,
    definition,
    state: stored.value,
    context: snapshot.context,
    current: [],
    ownerKey,
    senderRoles: [],
    now: at,
  });
  const id = randomUUID();
  await writeProfileChange(db, {
    profileId: id,
    workflowId: definition.id,
    expectedVersion: 0,
    at,
    create: { workflowVersion: definition.version, ownerKey, createdBy: actor.userId },
    state: stored.value,
    snapshot: stored,
    scope,
    data,
    summary: definition.summary(data),
    history: { event: 'CREATE', from: null, to: stored.value, actorId: actor.userId },
    // The creation's one side effect: the draft tasks' deadline timers (see `outboxRowOf`).
    openTasks: tasks.open.map(({ spec: _spec, claimed_by: _c, created_at: _a, ...t }) => t),
  });
  const loaded = await loadProfile(db, id);
  if (!loaded) throw notFound();
  return profileView(registry, definition, actor, loaded, loaded.openTasks);
}

export async function getProfile({ db, registry }: EngineDeps, actor: Actor, id: string): Promise<ProfileView> {
  const profile = await loadProfile(db, id);
  if (!profile || !canSee(registry.roles, actor, profile)) throw notFound();
  const definition = registry.get(profile.workflow_id, profile.workflow_version);
  return profileView(registry, definition, actor, profile, profile.openTasks);
}

/** Merge-patch the data of a profile its owner may still edit; the edit is versioned and in the history. */
export async function patchProfileData(
  { db, registry, now = () => new Date() }: EngineDeps,
  actor: Actor,
  input: { profileId: string; data: unknown; expectedVersion: number },
): Promise<ProfileView> {
  const profile = await loadProfile(db, input.profileId);
  if (!profile || !canSee(registry.roles, actor, profile)) throw notFound();
  const definition = registry.get(profile.workflow_id, profile.workflow_version);
  const isOwner =
    actor.userId !== null &&
    profile.owner_key === ownerKeyOf(actor) &&
    definition.creatorRoles.some((r) => hasRole(actor, r));
  if (!isOwner) throw new Forbidden('Nur der Eigentümer darf das Profil bearbeiten. / Only the owner may edit.');
  if (input.expectedVersion !== profile.version) {
    throw new StaleVersion('Das Profil wurde inzwischen geändert. / The profile has changed since this version.');
  }
  if (!definition.editableStates.includes(profile.state)) {
    throw new Conflict(
      `Im Status "${definition.states[profile.state]?.de ?? profile.state}" kann das Profil nicht bearbeitet werden. / Not editable in this state.`,
    );
  }
  if (typeof input.data !== 'object' || input.data === null || Array.isArray(input.data)) {
    throw new ValidationFailed('data muss ein Objekt sein. / data must be an object.', [
      { path: 'data', message: 'Objekt erwartet / object expected' },
    ]);
  }
  const data = validateDraft(definition, mergePatch(profile.data, input.data));
  const at = now();
  const snapshot = profile.snapshot;
  const ok = await writeProfileChange(db, {
    profileId: profile.id,
    workflowId: definition.id,
    expectedVersion: profile.version,
    at,
    data,
    scope: definition.scope({ state: profile.state, context: snapshot.context, data }),
    summary: definition.summary(data),
    history: {
      event: 'EDIT',
      from: profile.state,
      to: profile.state,
      actorId: actor.userId,
      payload: { fields: Object.keys(input.data) },
      comment: null,
    },
  });
  if (!ok)
    throw new StaleVersion('Das Profil wurde inzwischen geändert. / The profile has changed since this version.');
  const after = { ...profile, data, version: profile.version + 1, updated_at: at };
  return profileView(registry, definition, actor, after, profile.openTasks);
}

export interface ListFilters {
  state?: string;
  /** Scope attributes to match, e.g. {panel: 'north'}. */
  scope?: Record<string, string>;
  q?: string;
  limit?: number;
  cursor?: string;
}

export interface ProfileSummary {
  id: string;
  workflow: string;
  state: string;
  stateLabel: { de: string; en: string };
  title: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

function encodeCursor(createdAt: Date, id: string) {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** What encodeCursor writes: `toISOString()` of a year PostgreSQL's timestamptz takes (0001–9999). */
const CURSOR_TIME = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A timestamp exactly as encodeCursor writes it; anything else (6-digit years, Date.toString(), Feb 30) is not ours. */
const isCursorTime = (at: unknown): at is string =>
  typeof at === 'string' && CURSOR_TIME.test(at) && new Date(at).toISOString() === at;

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if (isCursorTime(at) && typeof id === 'string' && isUuid(id)) return [at, id];
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailed('Ungültiger Cursor. / Invalid cursor.', [
    { path: 'cursor', message: 'ungültig / invalid' },
  ]);
}

/** The visibility rules of SPEC §2 as a WHERE clause: what any of the actor's grants reaches. */
function visibleTo(registry: WorkflowRegistry, actor: Actor) {
  return (eb: any): Expression<SqlBool> => {
    const ors: Expression<SqlBool>[] = [];
    if (actor.userId) {
      for (const g of actor.grants) {
        const spec = registry.roles.get(g.role);
        if (!spec) continue;
        // A role reaches only profiles of the workflows that declare it (see access.ts grantReaches).
        const inWorkflows = spec.workflows ? eb('p.workflow_id', 'in', [...spec.workflows]) : sql<SqlBool>`true`;
        if (spec.scope.kind === 'owner') ors.push(eb('p.owner_key', '=', ownerKeyOf(actor)));
        else if (spec.scope.kind === 'all') ors.push(eb.and([eb('p.submitted_at', 'is not', null), inWorkflows]));
        else if (g[spec.scope.attribute] !== undefined) {
          const match = JSON.stringify({ [spec.scope.attribute]: [String(g[spec.scope.attribute])] });
          ors.push(
            eb.and([eb('p.submitted_at', 'is not', null), inWorkflows, sql<SqlBool>`p.scope @> ${match}::jsonb`]),
          );
        }
      }
    }
    return ors.length ? eb.or(ors) : sql<SqlBool>`false`;
  };
}

/** The visible profiles matching the filters, newest first, one more than `limit` (to tell whether a next page exists). */
function listQuery({ db, registry }: EngineDeps, actor: Actor, filters: ListFilters, limit: number) {
  let query = db
    .selectFrom('profiles as p')
    .select([
      'p.id',
      'p.workflow_id',
      'p.workflow_version',
      'p.state',
      'p.title',
      'p.version',
      'p.created_at',
      'p.updated_at',
    ])
    .where(visibleTo(registry, actor))
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit + 1);
  if (filters.state) query = query.where('p.state', '=', filters.state);
  if (filters.scope && Object.keys(filters.scope).length) {
    const match = JSON.stringify(Object.fromEntries(Object.entries(filters.scope).map(([k, v]) => [k, [v]])));
    query = query.where(sql<SqlBool>`p.scope @> ${match}::jsonb`);
  }
  if (filters.q) {
    const pattern = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where('p.title', 'ilike', pattern);
  }
  if (filters.cursor) {
    const [at, id] = decodeCursor(filters.cursor);
    query = query.where(sql<SqlBool>`(p.created_at, p.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return query;
}

interface ListRow {
  id: string;
  workflow_id: string;
  workflow_version: number;
  state: string;
  title: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

function summaryOf(registry: WorkflowRegistry, r: ListRow): ProfileSummary {
  return {
    id: r.id,
    workflow: r.workflow_id,
    state: r.state,
    stateLabel: registry.get(r.workflow_id, r.workflow_version).states[r.state] ?? { de: r.state, en: r.state },
    title: r.title,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const limitOf = (filters: ListFilters) => Math.min(Math.max(filters.limit ?? 20, 1), 100);

function page<R extends ListRow>(rows: R[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null };
}

export async function listProfiles(
  deps: EngineDeps,
  actor: Actor,
  filters: ListFilters,
): Promise<{ items: ProfileSummary[]; nextCursor: string | null }> {
  const limit = limitOf(filters);
  const { items, nextCursor } = page(await listQuery(deps, actor, filters, limit).execute(), limit);
  return { items: items.map((r) => summaryOf(deps.registry, r)), nextCursor };
}

export interface ProfileSummaryWithNextTask extends ProfileSummary {
  /** What happens next: the open task due first (without a due date last, then the oldest), or null. */
  nextTask: { kind: string; label: Label; dueAt: string | null } | null;
}

/**
 * `listProfiles` with each profile's next task, in one query (a named prepared statement, see
 * `queryPrepared`): what a list of one's own profiles shows.
 */
export async function listProfilesWithNextTask(
  deps: EngineDeps,
  actor: Actor,
  filters: ListFilters,
): Promise<{ items: ProfileSummaryWithNextTask[]; nextCursor: string | null }> {
  const { registry } = deps;
  const limit = limitOf(filters);
  const query = listQuery(deps, actor, filters, limit)
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('tasks as t')
          .select(['t.kind', 't.due_at'])
          .whereRef('t.profile_id', '=', 'p.id')
          .where('t.status', '=', 'open')
          .orderBy(sql`t.due_at asc nulls last`)
          .orderBy('t.created_at')
          .limit(1)
          .as('nt'),
      (join) => join.onTrue(),
    )
    .select(['nt.kind as next_kind', 'nt.due_at as next_due_at']);
  const { items, nextCursor } = page(await executePrepared(deps.db, query), limit);
  return {
    items: items.map((r) => ({
      ...summaryOf(registry, r),
      nextTask: r.next_kind
        ? {
            kind: r.next_kind,
            label: taskLabel(registry.get(r.workflow_id, r.workflow_version), r.next_kind),
            dueAt: r.next_due_at ? r.next_due_at.toISOString() : null,
          }
        : null,
    })),
    nextCursor,
  };
}

export interface HistoryItem {
  seq: number;
  event: string;
  from: string | null;
  to: string;
  actor: { id: string; name: string } | null;
  payload: unknown;
  comment: string | null;
  at: string;
}

/** `payload` without the fields the event's spec marks internal. */
function withoutInternal(payload: unknown, internal: readonly string[] | undefined): unknown {
  if (!internal?.length || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  return Object.fromEntries(Object.entries(payload).filter(([key]) => !internal.includes(key)));
}

/**
 * The profile with its open tasks and its whole history (with the actors' names), in one round trip:
 * what a profile page shows. A named prepared statement (see `queryPrepared`), as it runs on every view.
 */
const PROFILE_WITH_HISTORY = `select p.id, p.workflow_id, p.workflow_version, p.state, p.version, p.data,
  p.owner_key, p.scope, p.submitted_at, p.created_at, p.updated_at,
  (select coalesce(json_agg(t), '[]') from (
    select id, key, kind, state, assignee_role, assignee_scope, due_at, claimed_by, created_at
    from tasks where profile_id = p.id and status = 'open'
    order by created_at, id
  ) as t) as open_tasks,
  (select coalesce(json_agg(h order by h.seq), '[]') from (
    select h.seq, h.event, h.from_state, h.to_state, h.actor_id, u.name, h.payload, h.comment, h.at
    from profile_history as h left join users as u on u.id = h.actor_id
    where h.profile_id = p.id
  ) as h) as history
from profiles as p where p.id = $1`;

type Stamp = string;
interface ProfileWithHistoryRow extends ProfileFacts {
  // json_agg renders timestamps as ISO strings.
  open_tasks: Array<Omit<OpenTask, 'due_at' | 'created_at'> & { due_at: Stamp | null; created_at: Stamp }>;
  history: Array<{
    seq: number;
    event: string;
    from_state: string | null;
    to_state: string;
    actor_id: string | null;
    name: string | null;
    payload: unknown;
    comment: string | null;
    at: Stamp;
  }>;
}

/**
 * A profile as `getProfile` shows it, with its history as `profileHistory` shows it to this actor
 * (internal texts left out for those who see it only as its owner), read in one query.
 */
export async function profileWithHistory(
  { db, registry }: EngineDeps,
  actor: Actor,
  id: string,
): Promise<{ profile: ProfileView; history: HistoryItem[] }> {
  if (!isUuid(id)) throw notFound();
  const [row] = await queryPrepared<ProfileWithHistoryRow>(db, PROFILE_WITH_HISTORY, [id]);
  if (!row || !canSee(registry.roles, actor, row)) throw notFound();
  const definition = registry.get(row.workflow_id, row.workflow_version);
  const openTasks: OpenTask[] = row.open_tasks.map((t) => ({
    ...t,
    due_at: t.due_at ? new Date(t.due_at) : null,
    created_at: new Date(t.created_at),
  }));
  const ownerView = seesOnlyAsOwner(registry.roles, actor, row);
  return {
    profile: profileView(registry, definition, actor, row, openTasks),
    // Internal notes are the reviewing bodies' own: never shown to someone who sees the profile only as its owner.
    history: (ownerView ? row.history.filter((r) => r.event !== NOTE_EVENT) : row.history).map((r) => ({
      seq: r.seq,
      event: r.event,
      from: r.from_state,
      to: r.to_state,
      actor: r.actor_id ? { id: r.actor_id, name: r.name ?? '' } : null,
      payload: ownerView ? withoutInternal(r.payload, definition.events[r.event]?.internalPayload) : r.payload,
      comment: ownerView && definition.events[r.event]?.internalComment ? null : r.comment,
      at: new Date(r.at).toISOString(),
    })),
  };
}

/** The history of a profile as this actor may read it (see `profileWithHistory`). */
export async function profileHistory(deps: EngineDeps, actor: Actor, id: string): Promise<HistoryItem[]> {
  return (await profileWithHistory(deps, actor, id)).history;
}
