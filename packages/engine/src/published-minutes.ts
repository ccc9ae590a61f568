import type { Actor } from './access.js';
import type { Label, PayloadValue } from './definition.js';
import { Conflict, Forbidden, NotFound } from './errors.js';
import { berlinDay, isManager, loadSession, type Minutes, managerLabels, sessionMinutes } from './sessions.js';
import { isUuid } from './store.js';
import type { EngineDeps } from './transition.js';

/**
 * What minutes say, and nothing more: the session, the roles taking part, per agenda item its title,
 * sponsor, requested amount and the labelled decision, and the totals. No profile id, no decider, no
 * free text of a payload. Both the members' minutes and the published ones have this shape, so one
 * renderer serves both.
 */
export interface MinutesContent {
  session: {
    id: string;
    kind: string;
    kindLabel: Label;
    scopeValue: string | null;
    scopeLabel: Label | null;
    date: string;
    title: string;
  };
  participants: Array<{ role: string; label: Label }>;
  items: Array<{
    position: number;
    title: string | null;
    sponsor: string | null;
    amountCents: number | null;
    decision: { event: string } | null;
    decisionLabel: Label | null;
    decisionDetails: PayloadValue[];
    toStateLabel: Label | null;
  }>;
  totals: Minutes['totals'];
}

export interface PublishedMinutes extends MinutesContent {
  publishedAt: string;
}

export interface PublishedSession {
  id: string;
  kind: string;
  kindLabel: Label;
  title: string;
  date: string;
  publishedAt: string;
}

export interface PublicationState {
  sessionId: string;
  publishedAt: string | null;
}

/** Field by field, so that whatever `Minutes` gains later is not published by accident. */
function contentOf(m: Minutes): MinutesContent {
  const { id, kind, kindLabel, scopeValue, scopeLabel, date, title } = m.session;
  return {
    session: { id, kind, kindLabel, scopeValue, scopeLabel, date, title },
    participants: m.participants.map(({ role, label }) => ({ role, label })),
    items: m.items.map((i) => ({
      position: i.position,
      title: i.title,
      sponsor: i.sponsor,
      amountCents: i.amountCents,
      decision: i.decision ? { event: i.decision.event } : null,
      decisionLabel: i.decisionLabel,
      decisionDetails: i.decisionDetails,
      toStateLabel: i.toStateLabel,
    })),
    totals: m.totals,
  };
}

async function managedSession(deps: EngineDeps, actor: Actor, sessionId: string) {
  const loaded = await loadSession(deps, actor, sessionId);
  if (!isManager(loaded.definition, actor)) {
    throw new Forbidden(
      `Protokolle veröffentlicht nur: ${managerLabels(loaded.definition, 'de')}. / Only these publish minutes: ${managerLabels(loaded.definition, 'en')}.`,
    );
  }
  return loaded;
}

/**
 * Make a session's minutes public, as they read now (the session managers only). Only minutes of a
 * session that has taken place (its date is today or past, Europe/Berlin) or that has a recorded
 * decision: before that there is nothing but a draft agenda. Publishing published minutes changes
 * nothing; to publish a corrected version, withdraw the publication first.
 */
export async function publishMinutes(deps: EngineDeps, actor: Actor, sessionId: string): Promise<PublicationState> {
  const { session } = await managedSession(deps, actor, sessionId);
  if (session.minutes_published_at) {
    return { sessionId, publishedAt: session.minutes_published_at.toISOString() };
  }
  const at = (deps.now ?? (() => new Date()))();
  const minutes = await sessionMinutes(deps, actor, sessionId);
  if (session.date > berlinDay(at) && minutes.totals.decided === 0) {
    throw new Conflict(
      'Die Sitzung hat noch nicht stattgefunden und nichts entschieden: es gibt kein Protokoll zu veröffentlichen. / The session has not taken place and decided nothing yet.',
    );
  }
  // Only the first of two concurrent publications writes; both answer with the stored instant.
  await deps.db
    .updateTable('sessions')
    .set({
      minutes_published_at: at,
      minutes_published_by: actor.userId,
      published_minutes: JSON.stringify(contentOf(minutes)),
    })
    .where('id', '=', sessionId)
    .where('minutes_published_at', 'is', null)
    .execute();
  const row = await deps.db
    .selectFrom('sessions')
    .select('minutes_published_at')
    .where('id', '=', sessionId)
    .executeTakeFirstOrThrow();
  return { sessionId, publishedAt: row.minutes_published_at?.toISOString() ?? null };
}

/** Take published minutes off the public pages again (the session managers only); idempotent. */
export async function unpublishMinutes(deps: EngineDeps, actor: Actor, sessionId: string): Promise<PublicationState> {
  await managedSession(deps, actor, sessionId);
  await deps.db
    .updateTable('sessions')
    .set({ minutes_published_at: null, minutes_published_by: null, published_minutes: null })
    .where('id', '=', sessionId)
    .execute();
  return { sessionId, publishedAt: null };
}

/** The sessions of one scope value (e.g. one panel) whose minutes are published, newest first. For anyone. */
export async function publishedMinutes(
  deps: EngineDeps,
  filter: { workflowId?: string; scopeValue: string; kinds?: readonly string[] },
): Promise<PublishedSession[]> {
  const definition = deps.registry.get(filter.workflowId ?? deps.registry.defaultWorkflowId);
  if (filter.kinds && !filter.kinds.length) return [];
  let query = deps.db
    .selectFrom('sessions')
    .select(['id', 'kind', 'title', 'date', 'minutes_published_at'])
    .where('workflow_id', '=', definition.id)
    .where('scope_value', '=', filter.scopeValue)
    .where('minutes_published_at', 'is not', null);
  if (filter.kinds) query = query.where('kind', 'in', [...filter.kinds]);
  const rows = await query.orderBy('date', 'desc').orderBy('id').limit(200).execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    kindLabel: definition.sessions?.[r.kind]?.label ?? { de: r.kind, en: r.kind },
    title: r.title,
    date: r.date,
    publishedAt: (r.minutes_published_at as Date).toISOString(),
  }));
}

/**
 * The published minutes of one session, for anyone; NotFound when they are not published (a draft is
 * never public) or the session is not of the given workflow and scope value.
 */
export async function publishedSessionMinutes(
  deps: EngineDeps,
  filter: { sessionId: string; workflowId?: string; scopeValue?: string },
): Promise<PublishedMinutes> {
  const notFound = () => new NotFound('Protokoll nicht gefunden. / Minutes not found.');
  if (!isUuid(filter.sessionId)) throw notFound();
  const workflowId = deps.registry.get(filter.workflowId ?? deps.registry.defaultWorkflowId).id;
  const row = await deps.db
    .selectFrom('sessions')
    .select(['scope_value', 'minutes_published_at', 'published_minutes'])
    .where('id', '=', filter.sessionId)
    .where('workflow_id', '=', workflowId)
    .executeTakeFirst();
  if (!row?.minutes_published_at || !row.published_minutes) throw notFound();
  if (filter.scopeValue !== undefined && row.scope_value !== filter.scopeValue) throw notFound();
  return { ...(row.published_minutes as MinutesContent), publishedAt: row.minutes_published_at.toISOString() };
}
