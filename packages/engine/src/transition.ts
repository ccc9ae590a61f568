import { createHash } from 'node:crypto';
import type { Db } from '@steckbrief/db';
import { type Actor, actorInfo, canSee, hasRole, reachingRoles } from './access.js';
import type { EngineEvent, WorkflowDefinition } from './definition.js';
import { Conflict, Forbidden, GuardFailed, InvalidEvent, NotFound, StaleVersion } from './errors.js';
import { resolveScope } from './keys.js';
import { eventsHandledIn, nextSnapshot, persistSnapshot, restoreSnapshot, stateOf } from './machine.js';
import type { WorkflowRegistry } from './registry.js';
import { findIdempotentResponse, type LoadedProfile, loadProfile } from './store.js';
import { planTasks } from './tasks.js';
import { parseOrThrow } from './validation.js';
import { allRolesOf, type ProfileView, profileView, rolesFor } from './views.js';
import { type NoticeInput, type ProfileChange, writeProfileChange } from './writer.js';

export interface EventInput {
  profileId: string;
  type: string;
  payload?: unknown;
  comment?: string | null;
  /** From `If-Match`: the change applies only to this version (else 412). Without it, a lost race is retried. */
  expectedVersion?: number;
  idempotencyKey?: string;
  /** Set when the event is a decision taken in a session (see sessions.ts). */
  session?: { sessionId: string; defers: boolean };
}

export interface EventResult {
  profile: ProfileView;
  /** True when an earlier response for the same Idempotency-Key was returned instead of applying again. */
  replayed: boolean;
}

export interface EngineDeps {
  db: Db;
  registry: WorkflowRegistry;
  now?: () => Date;
  /** Called once per committed transition (never for an idempotent replay), e.g. to count it in metrics. */
  onTransition?: (transition: { workflow: string; event: string }) => void;
}

/**
 * A request loses a race only when another request's change commits between its read and its write,
 * and each request commits at most once; so with up to MAX_ATTEMPTS - 1 concurrent writers (e.g. all
 * seven ministries answering at once) every request gets through.
 */
const MAX_ATTEMPTS = 10;

function requestHash(input: EventInput): string {
  return createHash('sha256')
    .update(JSON.stringify([input.profileId, input.type, input.payload ?? {}, input.comment ?? null]))
    .digest('hex');
}

/**
 * Apply one event to one profile. Everything the transition causes (state, snapshot, history, tasks,
 * outbox rows, the idempotency record) is committed by one statement; nothing happens before it.
 */
export async function applyEvent(deps: EngineDeps, actor: Actor, input: EventInput): Promise<EventResult> {
  const { db } = deps;
  const userId = actor.userId;
  if (input.idempotencyKey && userId) {
    const replay = await replayIfKnown(deps, userId, input);
    if (replay) return replay;
  }
  for (let attempt = 1; ; attempt++) {
    const profile = await loadProfile(db, input.profileId);
    const plan = await planOrReplay(deps, actor, input, profile);
    if ('replayed' in plan) return plan;
    if (await writeProfileChange(db, plan.write).catch((e) => onWriteError(e, input))) {
      deps.onTransition?.({ workflow: plan.view.workflow, event: input.type });
      return { profile: plan.view, replayed: false };
    }
    // Lost a race for this version. The winner may be a concurrent request with the same
    // Idempotency-Key (a client's retry): its stored answer comes first, also before the 412 that
    // If-Match asks for, since the retry is the same request.
    if (input.idempotencyKey && userId) {
      const replay = await replayIfKnown(deps, userId, input);
      if (replay) return replay;
    }
    // With If-Match the caller asked for exactly that version.
    if (input.expectedVersion !== undefined) throw staleVersion();
    if (attempt >= MAX_ATTEMPTS) {
      throw new Conflict(
        'Das Profil wird gerade von anderen geändert; bitte erneut versuchen. / Concurrent changes, please retry.',
      );
    }
  }
}

/**
 * Plan the event; if that fails and the request carries an Idempotency-Key, a concurrent request with
 * the same key may have committed between the first replay check and this read (its change is what
 * makes the event fail now): answer with that response instead of the error.
 */
async function planOrReplay(
  deps: EngineDeps,
  actor: Actor,
  input: EventInput,
  profile: LoadedProfile | undefined,
): Promise<ReturnType<typeof planEvent> | EventResult> {
  try {
    return planEvent(deps, actor, input, profile);
  } catch (error) {
    const replay = input.idempotencyKey && actor.userId ? await replayIfKnown(deps, actor.userId, input) : undefined;
    if (replay) return replay;
    throw error;
  }
}

function staleVersion() {
  return new StaleVersion('Das Profil wurde inzwischen geändert. / The profile has changed since this version.');
}

async function replayIfKnown(deps: EngineDeps, userId: string, input: EventInput): Promise<EventResult | undefined> {
  const known = await findIdempotentResponse(deps.db, userId, input.idempotencyKey as string);
  if (!known) return undefined;
  if (known.request_hash !== requestHash(input)) {
    throw new Conflict(
      'Dieser Idempotency-Key wurde bereits für eine andere Anfrage verwendet. / This Idempotency-Key was used for a different request.',
    );
  }
  return { profile: known.body as ProfileView, replayed: true };
}

function onWriteError(error: unknown, input: EventInput): false {
  // A concurrent request with the same Idempotency-Key committed first: treat as a lost race, then replay.
  if ((error as { code?: string }).code === '23505' && input.idempotencyKey) return false;
  throw error;
}

/** A transition's change as planned: the machine's new state and the task and notice lists always set. */
type PlannedChange = ProfileChange &
  Required<Pick<ProfileChange, 'state' | 'snapshot' | 'scope' | 'openTasks' | 'closeTasks' | 'notices'>>;

/** Check and compute a transition without touching the database. */
export function planEvent(
  { registry, now = () => new Date() }: EngineDeps,
  actor: Actor,
  input: EventInput,
  profile: LoadedProfile | undefined,
): { write: PlannedChange; view: ProfileView } {
  if (!profile || !canSee(registry.roles, actor, profile)) {
    throw new NotFound('Profil nicht gefunden. / Profile not found.');
  }
  const definition = registry.get(profile.workflow_id, profile.workflow_version);
  const spec = definition.events[input.type];
  if (!spec) {
    throw new InvalidEvent(`Unbekanntes Ereignis "${input.type}". / Unknown event.`, [
      { path: 'type', message: `Erlaubt sind / allowed: ${Object.keys(definition.events).join(', ')}` },
    ]);
  }
  if (input.expectedVersion !== undefined && input.expectedVersion !== profile.version) throw staleVersion();
  if (!allRolesOf(spec.roles).some((role) => hasRole(actor, role))) {
    throw new Forbidden(`Ihre Rolle darf "${input.type}" nicht senden. / Your role may not send this event.`);
  }
  const from = profile.state;
  if (!eventsHandledIn(definition, from).has(input.type)) {
    throw new Conflict(
      `"${input.type}" ist im Status "${definition.states[from]?.de ?? from}" nicht möglich. / Not allowed in state ${from}.`,
    );
  }
  const senderRoles = reachingRoles(registry.roles, actor, profile, rolesFor(spec.roles, from));
  if (!senderRoles.length) {
    throw new Forbidden(
      `Ihre Rolle darf "${input.type}" in diesem Status nicht senden. / Not your role in this state.`,
    );
  }
  const payload = parseOrThrow(spec.payload, input.payload ?? {}, {
    prefix: 'payload',
    error: InvalidEvent,
    detail: 'Die Angaben zum Ereignis sind ungültig. / The event payload is invalid.',
  });

  const snapshot = restoreSnapshot(definition, profile.snapshot);
  const event: EngineEvent = { type: input.type, payload, actor: actorInfo(actor), data: profile.data };
  if (!snapshot.can(event)) {
    const issues = spec.explain?.({ event, context: snapshot.context, state: from }) ?? [];
    throw new GuardFailed(
      `Die Voraussetzungen für "${spec.label.de}" sind nicht erfüllt. / The conditions for ${input.type} are not met.`,
      issues,
    );
  }
  const next = nextSnapshot(definition.machine, snapshot, event);
  const to = stateOf(next);
  const at = now();
  const tasks = planTasks({
    registry,
    definition,
    state: to,
    context: next.context,
    current: profile.openTasks,
    ownerKey: profile.owner_key,
    senderRoles,
    now: at,
  });
  const seq = profile.version + 1;
  const markSubmitted = definition.submitEvents.includes(input.type);
  const scope = definition.scope({ state: to, context: next.context, data: profile.data });
  const notices = noticesFor(
    definition,
    profile,
    { from, to, type: input.type, payload, context: next.context },
    tasks,
  );

  const after = {
    ...profile,
    state: to,
    version: seq,
    scope,
    updated_at: at,
    submitted_at: profile.submitted_at ?? (markSubmitted ? at : null),
  };
  const view = profileView(registry, definition, actor, after, tasks.remaining);
  const write: PlannedChange = {
    profileId: profile.id,
    workflowId: definition.id,
    expectedVersion: profile.version,
    at,
    state: to,
    snapshot: persistSnapshot(next),
    scope,
    markSubmitted,
    history: { event: input.type, from, to, actorId: actor.userId, payload, comment: input.comment ?? null },
    closeTasks: tasks.close.map(({ task, status }) => ({
      id: task.id,
      kind: task.kind,
      status: status === 'done' ? ('done' as const) : ('cancelled' as const),
    })),
    openTasks: tasks.open.map(({ spec: _spec, claimed_by: _c, created_at: _a, ...t }) => t),
    notices,
    session: input.session,
    idempotency:
      input.idempotencyKey && actor.userId
        ? { userId: actor.userId, key: input.idempotencyKey, requestHash: requestHash(input), status: 200, body: view }
        : undefined,
  };
  return { write, view };
}

/**
 * The notices the transition causes, each to a recipient group (its scope resolved for this profile's
 * owner). The writer turns them, with the tasks opened and closed, into the transition's one outbox
 * row (writer.ts `outboxRowOf`).
 */
function noticesFor(
  definition: WorkflowDefinition,
  profile: LoadedProfile,
  t: { from: string; to: string; type: string; payload: Record<string, unknown>; context: unknown },
  tasks: ReturnType<typeof planTasks>,
): NoticeInput[] {
  return definition
    .notifications({
      event: t.type,
      from: t.from,
      to: t.to,
      context: t.context,
      payload: t.payload,
      openedTasks: tasks.open.map((o) => o.spec),
    })
    .map((n) => ({ template: n.template, role: n.role, scope: resolveScope(n.scope, profile.owner_key) }));
}
