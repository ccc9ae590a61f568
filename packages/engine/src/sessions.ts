import { sql } from 'kysely';
import { type Actor, hasRole } from './access.js';
import {
  describePayload,
  type Label,
  type PayloadValue,
  roleLabels,
  type SessionKindSpec,
  scopeValueLabel,
  type WorkflowDefinition,
} from './definition.js';
import { DomainError, Forbidden, type Issue, NotFound, ValidationFailed } from './errors.js';
import { alreadyDecided, carryDeferral, isUuid, notOnAgenda } from './store.js';
import { applyEvent, type EngineDeps } from './transition.js';

export interface AgendaItem {
  profileId: string;
  position: number;
  title: string | null;
  sponsor: string | null;
  amountCents: number | null;
  state: string;
  stateLabel: Label;
  carriedFrom: string | null;
  carriedTo: string | null;
  decision: {
    event: string;
    payload: unknown;
    toState: string | null;
    decidedAt: string;
    decidedBy: string | null;
  } | null;
}

export interface SessionView {
  id: string;
  workflow: string;
  kind: string;
  kindLabel: Label;
  scopeValue: string | null;
  /** The scope value's label from the definition (e.g. the panel's name); null when unscoped or unlabelled. */
  scopeLabel: Label | null;
  date: string;
  /** The last day (Europe/Berlin) a profile may have been submitted on to go on this agenda; null without a cut-off. */
  cutOffDate: string | null;
  title: string;
  createdAt: string;
  /** Since when the minutes are public (see publishMinutes); null while they are not. */
  minutesPublishedAt: string | null;
  agenda: AgendaItem[];
}

export interface DecisionResult {
  profileId: string;
  status: 'applied' | 'failed';
  state?: string;
  version?: number;
  problem?: { type: string; title: string; status: number; detail: string; errors?: Issue[] };
}

/** `date` minus the kind's cut-off, as a calendar date; null when the kind has none. */
function cutOffDate(spec: SessionKindSpec | undefined, date: string): string | null {
  if (!spec?.cutOff) return null;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - spec.cutOff.days)).toISOString().slice(0, 10);
}

/** The calendar day (Europe/Berlin) of an instant, as 'YYYY-MM-DD'. */
export const berlinDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(at);

const sessionNotFound = () => new NotFound('Sitzung nicht gefunden. / Session not found.');

function kindOf(definition: WorkflowDefinition, kind: string): SessionKindSpec {
  const spec = definition.sessions?.[kind];
  if (!spec) {
    throw new ValidationFailed('Unbekannte Sitzungsart. / Unknown session kind.', [
      { path: 'body.kind', message: `Erlaubt / allowed: ${Object.keys(definition.sessions ?? {}).join(', ')}` },
    ]);
  }
  return spec;
}

export const managerLabels = (definition: WorkflowDefinition, lang: 'de' | 'en') =>
  roleLabels(definition, definition.sessionManagerRoles ?? [], lang);

export const isManager = (definition: WorkflowDefinition, actor: Actor) =>
  actor.userId !== null && (definition.sessionManagerRoles ?? []).some((r) => hasRole(actor, r));

/** Managers see every session; members see the sessions of their kind (and of their scope value, where scoped). */
function canSeeSession(
  definition: WorkflowDefinition,
  actor: Actor,
  session: { kind: string; scope_value: string },
): boolean {
  if (isManager(definition, actor)) return true;
  const spec = definition.sessions?.[session.kind];
  if (!spec || !actor.userId) return false;
  return actor.grants.some(
    (g) =>
      spec.memberRoles.includes(g.role) &&
      (!spec.scopeAttribute ||
        g[spec.scopeAttribute] === undefined ||
        String(g[spec.scopeAttribute]) === session.scope_value),
  );
}

export async function loadSession(deps: EngineDeps, actor: Actor, id: string) {
  if (!isUuid(id)) throw sessionNotFound();
  const session = await deps.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!session) throw sessionNotFound();
  const definition = deps.registry.get(session.workflow_id);
  if (!canSeeSession(definition, actor, session)) throw sessionNotFound();
  return { session, definition, spec: kindOf(definition, session.kind) };
}

export async function createSession(
  deps: EngineDeps,
  actor: Actor,
  input: { workflow?: string; kind: string; scopeValue?: string; date: string; title: string },
): Promise<SessionView> {
  const definition = deps.registry.get(input.workflow ?? deps.registry.defaultWorkflowId);
  if (!isManager(definition, actor)) {
    throw new Forbidden(
      `Sitzungen plant nur: ${managerLabels(definition, 'de')}. / Only these plan sessions: ${managerLabels(definition, 'en')}.`,
    );
  }
  const spec = kindOf(definition, input.kind);
  const scopeValue = spec.scopeAttribute ? input.scopeValue : undefined;
  if (spec.scopeAttribute && !scopeValue) {
    throw new ValidationFailed('Für diese Sitzungsart fehlt die Zuordnung. / This session kind needs a scope.', [
      { path: `body.${spec.scopeAttribute}`, message: 'Angabe fehlt / required' },
    ]);
  }
  const at = (deps.now ?? (() => new Date()))();
  const id = await deps.db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('sessions')
      .values({
        workflow_id: definition.id,
        kind: input.kind,
        scope_value: scopeValue ?? '',
        date: input.date,
        title: input.title,
        created_by: actor.userId,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Profiles deferred in an earlier session that had no later session yet come onto this agenda.
    // Undecided items are locked too: a deferral being written on one makes this wait for its commit,
    // and FOR UPDATE then re-checks the row as committed. Otherwise a deferral whose statement began
    // before this session existed and committed after this snapshot would be carried nowhere (the
    // deferral's own follow-up, carryDeferral, covers the opposite order). Locked in key order, so
    // two sessions created at once cannot deadlock.
    const deferEvents = spec.deferEvents ?? [];
    const candidates = !deferEvents.length
      ? []
      : await trx
          .selectFrom('session_agenda as a')
          .innerJoin('sessions as s', 's.id', 'a.session_id')
          .innerJoin('profiles as p', 'p.id', 'a.profile_id')
          .select([
            'a.session_id',
            'a.profile_id',
            'a.decision_event',
            'a.decided_at',
            'p.state',
            'p.snapshot',
            'p.data',
          ])
          .where('s.workflow_id', '=', definition.id)
          .where('s.kind', '=', input.kind)
          .where('s.scope_value', '=', scopeValue ?? '')
          .where('s.date', '<', input.date)
          .where((eb) => eb.or([eb('a.decision_event', 'is', null), eb('a.decision_event', 'in', [...deferEvents])]))
          .where('a.carried_to', 'is', null)
          .where('p.state', 'in', [...spec.agendaStates])
          .orderBy('a.session_id')
          .orderBy('a.profile_id')
          .forUpdate('a')
          .execute();
    const deferred = candidates
      .filter((c) => c.decision_event !== null && deferEvents.includes(c.decision_event))
      .sort((a, b) => (a.decided_at?.getTime() ?? 0) - (b.decided_at?.getTime() ?? 0));
    // Longest waiting first, or in the kind's rank order (ties keep the waiting order).
    const byId = new Map(deferred.map((c) => [c.profile_id, c]));
    const waiting = rankAgenda(
      spec,
      deferred.map((c) => c.profile_id),
      byId,
    ).map((pid) => byId.get(pid) as (typeof deferred)[number]);
    let position = 0;
    for (const item of waiting) {
      position += 1;
      await trx
        .insertInto('session_agenda')
        .values({ session_id: id, profile_id: item.profile_id, position, added_at: at, carried_from: item.session_id })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await trx
        .updateTable('session_agenda')
        .set({ carried_to: id })
        .where('session_id', '=', item.session_id)
        .where('profile_id', '=', item.profile_id)
        .execute();
    }
    return id;
  });
  return getSession(deps, actor, id);
}

export async function listSessions(deps: EngineDeps, actor: Actor): Promise<Omit<SessionView, 'agenda'>[]> {
  const rows = await deps.db
    .selectFrom('sessions')
    .selectAll()
    .orderBy('date', 'desc')
    .orderBy('id')
    .limit(500)
    .execute();
  return rows
    .filter((s) => canSeeSession(deps.registry.get(s.workflow_id), actor, s))
    .map((s) => sessionHeader(deps.registry.get(s.workflow_id), s));
}

function sessionHeader(
  definition: WorkflowDefinition,
  s: {
    id: string;
    workflow_id: string;
    kind: string;
    scope_value: string;
    date: string;
    title: string;
    created_at: Date;
    minutes_published_at: Date | null;
  },
) {
  const attribute = definition.sessions?.[s.kind]?.scopeAttribute;
  return {
    id: s.id,
    workflow: s.workflow_id,
    kind: s.kind,
    kindLabel: definition.sessions?.[s.kind]?.label ?? { de: s.kind, en: s.kind },
    scopeValue: s.scope_value || null,
    scopeLabel: attribute && s.scope_value ? scopeValueLabel(definition, attribute, s.scope_value) : null,
    date: s.date,
    cutOffDate: cutOffDate(definition.sessions?.[s.kind], s.date),
    title: s.title,
    createdAt: s.created_at.toISOString(),
    minutesPublishedAt: s.minutes_published_at?.toISOString() ?? null,
  };
}

export async function getSession(deps: EngineDeps, actor: Actor, id: string): Promise<SessionView> {
  const { session, definition } = await loadSession(deps, actor, id);
  const rows = await deps.db
    .selectFrom('session_agenda as a')
    .innerJoin('profiles as p', 'p.id', 'a.profile_id')
    .select([
      'a.profile_id',
      'a.position',
      'a.carried_from',
      'a.carried_to',
      'a.decision_event',
      'a.decision_payload',
      'a.to_state',
      'a.decided_at',
      'a.decided_by',
      'p.state',
      'p.summary',
    ])
    .where('a.session_id', '=', id)
    .orderBy('a.position')
    .execute();
  return {
    ...sessionHeader(definition, session),
    agenda: rows.map((r) => ({
      profileId: r.profile_id,
      position: r.position,
      title: r.summary.title ?? null,
      sponsor: r.summary.sponsor ?? null,
      amountCents: r.summary.amountCents ?? null,
      state: r.state,
      stateLabel: definition.states[r.state] ?? { de: r.state, en: r.state },
      carriedFrom: r.carried_from,
      carriedTo: r.carried_to,
      decision:
        r.decision_event && r.decided_at
          ? {
              event: r.decision_event,
              payload: r.decision_payload,
              toState: r.to_state,
              decidedAt: r.decided_at.toISOString(),
              decidedBy: r.decided_by,
            }
          : null,
    })),
  };
}

/**
 * Replace the agenda with `profileIds` in that order. Every profile must be in a state the session kind
 * decides on (and in its scope value, where scoped); items already decided stay on the agenda.
 */
export async function setAgenda(
  deps: EngineDeps,
  actor: Actor,
  id: string,
  profileIds: string[],
): Promise<SessionView> {
  const { session, definition, spec } = await loadSession(deps, actor, id);
  if (!isManager(definition, actor)) {
    throw new Forbidden(
      `Tagesordnungen plant nur: ${managerLabels(definition, 'de')}. / Only these plan agendas: ${managerLabels(definition, 'en')}.`,
    );
  }
  const unique = [...new Set(profileIds)];
  const valid = unique.filter(isUuid);
  const found = valid.length
    ? await deps.db
        .selectFrom('profiles')
        .select(['id', 'state', 'scope', 'workflow_id', 'snapshot', 'data', 'submitted_at'])
        .where('id', 'in', valid)
        .execute()
    : [];
  const byId = new Map(found.map((p) => [p.id, p]));
  const current = await deps.db
    .selectFrom('session_agenda')
    .select(['profile_id', 'decision_event'])
    .where('session_id', '=', id)
    .execute();
  const decided = new Set(current.filter((c) => c.decision_event).map((c) => c.profile_id));
  const listed = new Set(current.map((c) => c.profile_id));
  const lastDay = cutOffDate(spec, session.date);
  const issues: Issue[] = [];
  unique.forEach((pid, i) => {
    const p = byId.get(pid);
    const path = `body.profileIds.${profileIds.indexOf(pid) >= 0 ? profileIds.indexOf(pid) : i}`;
    if (!p || p.workflow_id !== definition.id) {
      issues.push({ path, message: 'Profil nicht gefunden / profile not found' });
    } else if (!decided.has(pid) && !spec.agendaStates.includes(p.state)) {
      issues.push({
        path,
        message: `Profil ist im Status "${definition.states[p.state]?.de ?? p.state}", nicht in ${spec.agendaStates.join(', ')} / wrong state`,
      });
    } else if (lastDay && !listed.has(pid) && p.submitted_at && berlinDay(p.submitted_at) > lastDay) {
      // Profiles already on the agenda (carried over from an earlier session, or listed before) stay.
      issues.push({
        path,
        message: `Eingereicht am ${berlinDay(p.submitted_at)}, nach dem Stichtag ${lastDay} dieser Sitzung / submitted after this session’s cut-off`,
      });
    } else if (spec.scopeAttribute && !(p.scope[spec.scopeAttribute] ?? []).includes(session.scope_value)) {
      issues.push({
        path,
        message: `Profil gehört nicht zu ${spec.scopeAttribute} ${session.scope_value} dieser Sitzung / not in this session’s scope`,
      });
    }
  });
  for (const pid of decided) {
    if (!unique.includes(pid)) {
      issues.push({
        path: 'body.profileIds',
        message: `Bereits entschiedenes Profil ${pid} bleibt auf der Tagesordnung / decided items stay`,
      });
    }
  }
  if (issues.length) throw new ValidationFailed('Die Tagesordnung ist ungültig. / The agenda is invalid.', issues);
  const ordered = rankAgenda(spec, unique, byId);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('session_agenda')
      .where('session_id', '=', id)
      .where('decision_event', 'is', null)
      .where('profile_id', 'not in', unique.length ? unique : ['00000000-0000-0000-0000-000000000000'])
      .execute();
    for (const [index, pid] of ordered.entries()) {
      await trx
        .insertInto('session_agenda')
        .values({ session_id: id, profile_id: pid, position: index + 1 })
        .onConflict((oc) => oc.columns(['session_id', 'profile_id']).doUpdateSet({ position: index + 1 }))
        .execute();
    }
  });
  return getSession(deps, actor, id);
}

/** The agenda in the kind's rank order (higher first, unranked last); a stable sort keeps the given order on ties. */
function rankAgenda(
  spec: SessionKindSpec,
  ids: string[],
  profiles: Map<string, { state: string; snapshot: unknown; data: Record<string, unknown> }>,
): string[] {
  const rankOf = (id: string) => {
    const p = profiles.get(id);
    const context = (p?.snapshot as { context?: unknown } | null)?.context;
    return p ? (spec.rank?.({ state: p.state, context, data: p.data }) ?? null) : null;
  };
  if (!spec.rank) return ids;
  const ranks = new Map(ids.map((id) => [id, rankOf(id)]));
  const order = (id: string) => ranks.get(id) ?? Number.NEGATIVE_INFINITY;
  return [...ids].sort((a, b) => (order(a) === order(b) ? 0 : order(a) > order(b) ? -1 : 1));
}

/**
 * Apply many decisions of one session. Each is its own transition (its own transaction), so one bad item
 * never blocks the others; the answer has a result per profile.
 */
export async function applyDecisions(
  deps: EngineDeps,
  actor: Actor,
  id: string,
  decisions: Array<{ profileId: string; type: string; payload?: Record<string, unknown>; comment?: string }>,
): Promise<{ results: DecisionResult[] }> {
  const { spec } = await loadSession(deps, actor, id);
  const agenda = await deps.db
    .selectFrom('session_agenda')
    .select(['profile_id', 'decision_event'])
    .where('session_id', '=', id)
    .execute();
  const onAgenda = new Map(agenda.map((a) => [a.profile_id, a.decision_event]));
  const results: DecisionResult[] = [];
  for (const d of decisions) {
    try {
      // A fast answer from the agenda as read; the write itself re-checks the item (see writeProfileChange).
      if (!onAgenda.has(d.profileId)) throw notOnAgenda();
      if (onAgenda.get(d.profileId)) throw alreadyDecided();
      const defers = spec.deferEvents?.includes(d.type) ?? false;
      const { profile } = await applyEvent(deps, actor, {
        profileId: d.profileId,
        type: d.type,
        payload: d.payload,
        comment: d.comment,
        session: { sessionId: id, defers },
      });
      // The deferral's statement looked the next session up in its own snapshot; a session created
      // while it waited for a lock was not in it (see carryDeferral).
      if (defers) {
        const at = (deps.now ?? (() => new Date()))();
        await carryDeferral(deps.db, { sessionId: id, profileId: d.profileId, event: d.type, at });
      }
      onAgenda.set(d.profileId, d.type);
      results.push({ profileId: d.profileId, status: 'applied', state: profile.state, version: profile.version });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      results.push({
        profileId: d.profileId,
        status: 'failed',
        problem: {
          type: `/problems/${error.code}`,
          title: error.title,
          status: error.status,
          detail: error.message,
          ...(error.issues.length ? { errors: error.issues } : {}),
        },
      });
    }
  }
  return { results };
}

export interface Minutes {
  session: Omit<SessionView, 'agenda'>;
  participants: Array<{ role: string; label: Label }>;
  items: Array<
    AgendaItem & {
      decisionLabel: Label | null;
      /** The decision's coded payload values with their labels (a vote's verdict, the bodies involved). */
      decisionDetails: PayloadValue[];
      toStateLabel: Label | null;
    }
  >;
  totals: {
    projects: number;
    decided: number;
    /**
     * Decisions per event, and per value of the event's outcome field where it has one (`VOTE:positive`), in
     * the order of first appearance on the agenda.
     */
    byDecision: Record<
      string,
      { event: string; label: Label; outcome: Label | null; count: number; amountCents: number }
    >;
    /** Items this session decided favourably (their state is one of the kind's `approvedStates`) and their funding. */
    approvedCount: number;
    approvedAmountCents: number;
  };
}

/** The Ergebnisprotokoll's content, from what was recorded (members and managers only). */
export async function sessionMinutes(deps: EngineDeps, actor: Actor, id: string): Promise<Minutes> {
  const view = await getSession(deps, actor, id);
  const { definition, spec } = await loadSession(deps, actor, id);
  const deciders = await deps.db
    .selectFrom('session_agenda as a')
    .innerJoin('users as u', 'u.id', 'a.decided_by')
    .select(sql<unknown>`u.roles`.as('roles'))
    .where('a.session_id', '=', id)
    .execute();
  const roles = new Set<string>([...(definition.sessionManagerRoles ?? []), ...spec.memberRoles]);
  for (const d of deciders)
    for (const g of d.roles as Array<{ role: string }>) if (definition.roles[g.role]) roles.add(g.role);
  const items = view.agenda.map((item) => ({
    ...item,
    decisionLabel: item.decision ? (definition.events[item.decision.event]?.label ?? null) : null,
    decisionDetails: item.decision
      ? describePayload(definition.events[item.decision.event], item.decision.payload)
      : [],
    toStateLabel: item.decision?.toState ? (definition.states[item.decision.toState] ?? null) : null,
  }));
  const byDecision: Minutes['totals']['byDecision'] = {};
  let approvedCount = 0;
  let approvedAmountCents = 0;
  for (const item of items) {
    if (!item.decision) continue;
    const { event } = item.decision;
    const eventSpec = definition.events[event];
    const field = eventSpec?.outcomeField;
    const value = field ? (item.decision.payload as Record<string, unknown> | null)?.[field] : undefined;
    const key = value === undefined || value === null ? event : `${event}:${String(value)}`;
    byDecision[key] ??= {
      event,
      label: eventSpec?.label ?? { de: event, en: event },
      outcome:
        value === undefined || value === null
          ? null
          : (eventSpec?.fields?.[field as string]?.values?.[String(value)] ?? { de: String(value), en: String(value) }),
      count: 0,
      amountCents: 0,
    };
    byDecision[key].count += 1;
    byDecision[key].amountCents += item.amountCents ?? 0;
    if (item.decision.toState && spec.approvedStates.includes(item.decision.toState)) {
      approvedCount += 1;
      approvedAmountCents += item.amountCents ?? 0;
    }
  }
  const { agenda: _agenda, ...session } = view;
  return {
    session,
    participants: [...roles].map((role) => ({ role, label: definition.roles[role]?.label ?? { de: role, en: role } })),
    items,
    totals: {
      projects: items.length,
      decided: items.filter((i) => i.decision).length,
      byDecision,
      approvedCount,
      approvedAmountCents,
    },
  };
}
