import type { Db } from '@steckbrief/db';
import {
  type Actor,
  eventsHandledIn,
  hasRole,
  type SessionView,
  scopeAttributes,
  type WorkflowDefinition,
  type WorkflowRegistry,
} from '@steckbrief/engine';
import { sql } from 'kysely';
import { z } from 'zod';

/**
 * What the session managers' pages read besides the engine's own views: agenda counts for the sessions list,
 * the profiles waiting for a session, and who may plan or join sessions. Every rule stays the engine's:
 * these only choose what to show, and each action goes through the engine again.
 */

/** Roles that plan sessions (the definition's `sessionManagerRoles`). */
export const isSessionManager = (definition: WorkflowDefinition, actor: Actor) =>
  actor.userId !== null && (definition.sessionManagerRoles ?? []).some((r) => hasRole(actor, r));

/** Whoever plans or takes part in a session of any workflow sees the sessions pages. */
export function seesSessions(registry: WorkflowRegistry, actor: Actor): boolean {
  if (!actor.userId) return false;
  return registry
    .list()
    .some(
      (d) =>
        isSessionManager(d, actor) ||
        Object.values(d.sessions ?? {}).some((k) => k.memberRoles.some((r) => hasRole(actor, r))),
    );
}

/** Roles that see every profile of a workflow with a budget may read its budget (the engine checks again). */
export function seesBudget(registry: WorkflowRegistry, actor: Actor): boolean {
  if (!actor.userId) return false;
  return registry.list().some((d) => d.budget && actor.grants.some((g) => d.roles[g.role]?.scope.kind === 'all'));
}

export interface AgendaCounts {
  items: number;
  decided: number;
}

/** Agenda items and decided items per session, for the listed sessions only. */
export async function agendaCounts(db: Db, sessionIds: string[]): Promise<Map<string, AgendaCounts>> {
  if (!sessionIds.length) return new Map();
  const rows = await db
    .selectFrom('session_agenda')
    .select(['session_id', sql<string>`count(*)`.as('items'), sql<string>`count(decision_event)`.as('decided')])
    .where('session_id', 'in', sessionIds)
    .groupBy('session_id')
    .execute();
  return new Map(rows.map((r) => [r.session_id, { items: Number(r.items), decided: Number(r.decided) }]));
}

export interface Candidate {
  profileId: string;
  title: string | null;
  sponsor: string | null;
  amountCents: number | null;
  submittedAt: string | null;
}

/**
 * The profiles waiting for this session: in a state its kind decides on, of its scope value where the kind
 * is held per scope value, submitted by its cut-off, and on no other session's agenda still undecided.
 * Only for session managers (they see every profile); `setAgenda` checks each one again.
 */
export async function agendaCandidates(
  db: Db,
  definition: WorkflowDefinition,
  session: SessionView,
  limit = 500,
): Promise<Candidate[]> {
  const spec = definition.sessions?.[session.kind];
  if (!spec?.agendaStates.length) return [];
  let query = db
    .selectFrom('profiles as p')
    .select(['p.id', 'p.summary', 'p.submitted_at'])
    .where('p.workflow_id', '=', definition.id)
    .where('p.state', 'in', [...spec.agendaStates])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('session_agenda as a')
            .select(sql`1`.as('one'))
            .whereRef('a.profile_id', '=', 'p.id')
            .where((eb) =>
              eb.or([
                eb('a.session_id', '=', session.id),
                eb.and([eb('a.decision_event', 'is', null), eb('a.carried_to', 'is', null)]),
              ]),
            ),
        ),
      ),
    );
  if (spec.scopeAttribute && session.scopeValue !== null) {
    query = query.where(sql<boolean>`p.scope -> ${spec.scopeAttribute} ? ${session.scopeValue}`);
  }
  if (session.cutOffDate) {
    query = query.where(
      sql<boolean>`(p.submitted_at at time zone 'Europe/Berlin')::date <= ${session.cutOffDate}::date`,
    );
  }
  const rows = await query.orderBy('p.submitted_at').orderBy('p.id').limit(limit).execute();
  return rows.map((r) => ({
    profileId: r.id,
    title: r.summary.title ?? null,
    sponsor: r.summary.sponsor ?? null,
    amountCents: r.summary.amountCents ?? null,
    submittedAt: r.submitted_at?.toISOString() ?? null,
  }));
}

/** The events this actor may record on an agenda item in `state` (the engine decides again on each). */
export function decisionEvents(definition: WorkflowDefinition, actor: Actor, state: string): string[] {
  const out: string[] = [];
  for (const type of eventsHandledIn(definition, state)) {
    const spec = definition.events[type];
    if (!spec) continue;
    const roles = Array.isArray(spec.roles)
      ? (spec.roles as readonly string[])
      : ((spec.roles as Readonly<Record<string, readonly string[]>>)[state] ?? []);
    if (roles.some((r) => hasRole(actor, r))) out.push(type);
  }
  return out;
}

/** The values a scope attribute may take, with their labels (e.g. the groups sessions are held in). */
export function scopeChoices(registry: WorkflowRegistry, attribute: string): Array<[string, string]> {
  const found = scopeAttributes(registry).find((a) => a.name === attribute);
  if (!found) return [];
  for (const definition of registry.list()) {
    for (const role of Object.values(definition.roles)) {
      if (role.scope.kind !== 'attribute' || role.scope.attribute !== attribute) continue;
      const labels = role.scope.labels ?? {};
      const schema = z.toJSONSchema(role.scope.values, { unrepresentable: 'any' }) as {
        enum?: unknown[];
        type?: string;
        minimum?: number;
        maximum?: number;
      };
      const values =
        schema.enum?.map(String) ??
        (schema.type === 'integer' && schema.minimum !== undefined && schema.maximum !== undefined
          ? Array.from({ length: schema.maximum - schema.minimum + 1 }, (_, i) => String((schema.minimum ?? 0) + i))
          : Object.keys(labels));
      return values.map((v) => [v, labels[v]?.de ?? v]);
    }
  }
  return [];
}

const berlinDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' });
/** Today in Berlin, 'YYYY-MM-DD' (one formatter for all calls: building one costs about a millisecond). */
export const berlinToday = (now: Date) => berlinDay.format(now);
