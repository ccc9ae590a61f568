/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { randomBytes } from 'node:crypto';
import { hashToken } from '@steckbrief/accounts';
import {
  type Actor,
  type AgendaItem,
  applyDecisions,
  applyEvent,
  type BudgetView,
  bilingualErrors,
  budgetView,
  Conflict,
  contentDisposition,
  createSession,
  DomainError,
  type FundingPeriod,
  getSession,
  listProfiles,
  listSessions,
  NotFound,
  publishMinutes,
  type SessionView,
  sessionMinutes,
  setAgenda,
  toIssues,
  ValidationFailed,
  type WorkflowDefinition,
  type WorkflowPresentation,
} from '@steckbrief/engine';
import { minutesMarkdown, minutesPdf } from '@steckbrief/minutes';
import type { Request, Response, Router } from 'express';
import type { FieldError } from '../components.js';
import { NotFoundPage } from '../pages/errors.js';
import { NewSessionPage, type NewSessionValues, type SessionKindChoice, SessionsPage } from '../pages/sessions.js';
import {
  AddToAgendaPage,
  type BudgetTotals,
  type DecisionChoice,
  DecisionDetailsPage,
  type DecisionItem,
  type DecisionOutcome,
  decisionName,
  type ItemDecision,
  SessionPage,
} from '../pages/sessions-detail.js';
import { BulkEventPage, type BulkOutcome } from '../pages/sessions-intake.js';
import { MinutesPage, PublishMinutesPage } from '../pages/sessions-minutes.js';
import { germanMessage } from '../sections.js';
import {
  agendaCandidates,
  agendaCounts,
  berlinToday,
  decisionEvents,
  isSessionManager,
  scopeChoices,
  seesSessions,
} from '../session-data.js';
import { eventForm, type FormBody, formErrors, payloadOf, typedValues } from '../task-forms.js';
import { UUID, type Web } from '../web.js';

/** The batch a workflow's presentation declares (one event, one payload, many profiles), if it is complete. */
type BatchPresentation = NonNullable<WorkflowPresentation['batch']>;
const batchOf = (d: WorkflowDefinition): BatchPresentation | null => {
  const batch = d.presentation?.batch;
  return batch && d.events[batch.event] && d.states[batch.state] ? batch : null;
};
/** Waiting profiles listed to put on an agenda; the longest waiting first. */
export const CANDIDATES_SHOWN = 200;
/** How old the period figures on a session page may be. */
const BUDGET_TTL_MS = 15_000;

const text = (v: FormBody[string]) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
const list = (v: FormBody[string]) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A valid calendar date from three fields, as 'YYYY-MM-DD'; null when it is none. */
function calendarDate(day: string, month: string, year: string): string | null {
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null;
  const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (d.getUTCDate() !== Number(day) || d.getUTCMonth() !== Number(month) - 1) return null;
  return d.toISOString().slice(0, 10);
}

/**
 * The session managers' pages: list and calendar, planning a session, the agenda from the waiting profiles,
 * recording decisions as one batch (each its own transition), the minutes and their publication, and
 * the intake batch. Every page asks the engine, which checks role and scope; what a caller may not see is 404.
 */
export function sessionRoutes(pages: Router, web: Web, fundingPeriods: readonly FundingPeriod[]): void {
  const { db, registry, engine, now, publicUrl, send, ctxOf, requireUser } = web;

  const notFound = (res: Response) => send(res, <NotFoundPage ctx={ctxOf(res)} />, 404);
  /** The signed-in actor when they plan or take part in sessions; otherwise a 404 page (or the sign-in). */
  const sessionUser = (req: Request, res: Response): Actor | null => {
    const actor = requireUser(req, res);
    if (!actor) return null;
    if (!seesSessions(registry, actor)) {
      notFound(res);
      return null;
    }
    return actor;
  };
  const managedDefinitions = (actor: Actor) => registry.list().filter((d) => isSessionManager(d, actor));

  const kindChoices = (definition: WorkflowDefinition): SessionKindChoice[] =>
    Object.entries(definition.sessions ?? {}).map(([value, spec]) => {
      const attribute = spec.scopeAttribute;
      const role = attribute
        ? Object.values(definition.roles).find((r) => r.scope.kind === 'attribute' && r.scope.attribute === attribute)
        : undefined;
      return {
        value,
        label: spec.label.de,
        scope: attribute
          ? { attribute, label: role?.label.de ?? attribute, options: scopeChoices(registry, attribute) }
          : null,
      };
    });

  /** The sessions list; `calendarUrl` only in the answer that made a new feed address (never in a URL). */
  const renderList = async (req: Request, res: Response, actor: Actor, calendarUrl: string | null) => {
    const today = berlinToday(now());
    const month =
      typeof req.query.monat === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(req.query.monat)
        ? req.query.monat
        : today.slice(0, 7);
    const sessions = await listSessions(engine, actor);
    const counts = await agendaCounts(
      db,
      sessions.map((s) => s.id),
    );
    const managed = managedDefinitions(actor);
    send(
      res,
      <SessionsPage
        ctx={ctxOf(res)}
        sessions={sessions}
        counts={counts}
        today={today}
        month={month}
        canPlan={managed.length > 0}
        batchLink={managed.map(batchOf).find((b) => b !== null)?.title ?? null}
        calendarUrl={calendarUrl}
        notice={null}
      />,
    );
  };

  pages.get('/sitzungen', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    await renderList(req, res, actor, null);
  });

  // A new secret feed address replaces the old one. It is shown once, in this answer (no-store), and
  // never put into a URL, where it would stay in the browser's history.
  pages.post('/sitzungen/kalender', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor?.userId) return;
    const token = randomBytes(24).toString('base64url');
    await db
      .insertInto('calendar_tokens')
      .values({ user_id: actor.userId, token_hash: hashToken(token) })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: hashToken(token) }))
      .execute();
    await renderList(req, res, actor, new URL(`/calendar/${token}.ics`, publicUrl).toString());
  });

  const newSessionDefinition = (actor: Actor) => managedDefinitions(actor).find((d) => d.sessions) ?? null;

  pages.get('/sitzungen/neu', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const definition = newSessionDefinition(actor);
    if (!definition) return notFound(res);
    const values: NewSessionValues = { kind: '', scope: '', day: '', month: '', year: '', title: '' };
    send(res, <NewSessionPage ctx={ctxOf(res)} kinds={kindChoices(definition)} values={values} errors={new Map()} />);
  });

  pages.post('/sitzungen/neu', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const definition = newSessionDefinition(actor);
    if (!definition) return notFound(res);
    const body = req.body as FormBody;
    const values: NewSessionValues = {
      kind: text(body.art),
      scope: text(body.zuordnung),
      day: text(body.tag),
      month: text(body.monat),
      year: text(body.jahr),
      title: text(body.titel),
    };
    const kinds = kindChoices(definition);
    const kind = kinds.find((k) => k.value === values.kind);
    const errors = new Map<string, string>();
    if (!kind) errors.set('sitzung-art', 'Wählen Sie die Art der Sitzung aus.');
    if (kind?.scope && !kind.scope.options.some(([v]) => v === values.scope))
      errors.set('sitzung-zuordnung', `Wählen Sie die ${kind.scope.label} der Sitzung aus.`);
    const date = calendarDate(values.day, values.month, values.year);
    if (!values.day && !values.month && !values.year)
      errors.set('sitzung-datum', 'Geben Sie das Datum der Sitzung ein.');
    else if (!date)
      errors.set('sitzung-datum', 'Das Datum der Sitzung muss ein echtes Datum sein, zum Beispiel 15 1 2027.');
    else if (date < berlinToday(now()))
      errors.set('sitzung-datum', 'Das Datum der Sitzung darf nicht in der Vergangenheit liegen.');
    if (values.title && (values.title.length < 3 || values.title.length > 300))
      errors.set('sitzung-titel', 'Der Titel muss zwischen 3 und 300 Zeichen lang sein.');
    if (errors.size || !kind || !date) {
      return send(res, <NewSessionPage ctx={ctxOf(res)} kinds={kinds} values={values} errors={errors} />, 422);
    }
    const scopeLabel = kind.scope?.options.find(([v]) => v === values.scope)?.[1];
    const title =
      values.title || `${kind.label}${scopeLabel ? ` ${scopeLabel}` : ''} am ${date.split('-').reverse().join('.')}`;
    try {
      const session = await createSession(engine, actor, {
        workflow: definition.id,
        kind: kind.value,
        scopeValue: kind.scope ? values.scope : undefined,
        date,
        title,
      });
      res.redirect(303, `/sitzungen/${session.id}?meldung=angelegt`);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      errors.set('sitzung-art', germanMessage(err.message));
      send(res, <NewSessionPage ctx={ctxOf(res)} kinds={kinds} values={values} errors={errors} />, 422);
    }
  });

  // --- The batch the presentation declares: several profiles through one event with one payload ---

  const intakeDefinition = (actor: Actor) => {
    const definition = managedDefinitions(actor).find((d) => batchOf(d));
    const batch = definition && batchOf(definition);
    return definition && batch ? { definition, batch } : null;
  };

  const renderIntake = async (
    res: Response,
    actor: Actor,
    { definition, batch }: { definition: WorkflowDefinition; batch: BatchPresentation },
    extra: {
      selected?: string[];
      values?: Record<string, string | string[]>;
      errors?: Map<string, string>;
      outcomes?: BulkOutcome[];
    } = {},
    status = 200,
  ) => {
    const { items } = await listProfiles(engine, actor, { state: batch.state, limit: 100 });
    send(
      res,
      <BulkEventPage
        ctx={ctxOf(res)}
        title={batch.title}
        stateLabel={definition.states[batch.state]?.de ?? batch.state}
        form={eventForm(definition, batch.event)}
        profiles={items.filter((p) => p.workflow === definition.id)}
        selected={extra.selected ?? []}
        values={extra.values ?? {}}
        errors={extra.errors ?? new Map()}
        outcomes={extra.outcomes ?? []}
      />,
      status,
    );
  };

  pages.get('/sitzungen/eingang', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const found = intakeDefinition(actor);
    if (!found) return notFound(res);
    await renderIntake(res, actor, found);
  });

  pages.post('/sitzungen/eingang', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const found = intakeDefinition(actor);
    if (!found) return notFound(res);
    const { definition, batch } = found;
    const body = req.body as FormBody;
    const form = eventForm(definition, batch.event);
    const selected = list(body.auswahl).filter((id) => UUID.test(id));
    const values = typedValues(form, body);
    const payload = payloadOf(form, body);
    const errors = new Map<string, string>();
    if (!selected.length) errors.set('auswahl', 'Wählen Sie mindestens einen Steckbrief aus.');
    // The event's own schema decides whether the shared payload is valid, once for all.
    const schema = definition.events[batch.event]?.payload;
    const parsed = schema?.safeParse(payload, { error: bilingualErrors });
    if (parsed && !parsed.success) {
      for (const [k, v] of formErrors(form, toIssues(parsed.error, 'payload'), 'Ungültige Angaben.')) errors.set(k, v);
    }
    if (errors.size) return renderIntake(res, actor, found, { selected, values, errors }, 422);
    const outcomes: BulkOutcome[] = [];
    for (const profileId of selected) {
      try {
        const { profile } = await applyEvent(engine, actor, { profileId, type: batch.event, payload });
        outcomes.push({
          profileId,
          title: typeof profile.data.title === 'string' ? profile.data.title : null,
          applied: true,
          text: `${form.label}: gespeichert, jetzt „${profile.stateLabel.de}“.`,
        });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        outcomes.push({ profileId, title: null, applied: false, text: germanMessage(err.message) });
      }
    }
    const failed = outcomes.filter((o) => !o.applied);
    await renderIntake(
      res,
      actor,
      found,
      {
        selected: failed.map((o) => o.profileId),
        values: failed.length ? values : {},
        outcomes,
        errors: failed.length ? new Map([['', `${failed.length} Steckbriefe wurden nicht angenommen.`]]) : new Map(),
      },
      failed.length ? 422 : 200,
    );
  });

  /** The session as the engine shows it to this actor (404 when they may not see it). */
  const sessionOf = async (actor: Actor, id: string) => {
    if (!UUID.test(id)) throw new NotFound('Sitzung nicht gefunden.');
    const session = await getSession(engine, actor, id);
    return { session, definition: registry.get(session.workflow) };
  };

  const decisionLabelOf = (definition: WorkflowDefinition) => (item: AgendaItem) => {
    if (!item.decision) return null;
    const spec = definition.events[item.decision.event];
    const label = spec?.label.de ?? item.decision.event;
    const field = spec?.outcomeField;
    const value = field ? (item.decision.payload as Record<string, unknown> | null)?.[field] : undefined;
    const outcome =
      value === undefined || value === null
        ? null
        : (spec?.fields?.[field as string]?.values?.[String(value)]?.de ?? String(value));
    const to = item.decision.toState ? definition.states[item.decision.toState]?.de : null;
    return `${label}${outcome ? `: ${outcome}` : ''}${to ? ` → ${to}` : ''}`;
  };

  /**
   * The period figures (committed and pending per funding period) take the engine a scan of the history;
   * a planning screen shows them cached per workflow for callers who see every profile. Figures older than
   * BUDGET_TTL_MS are still shown (up to twice that age) while one refresh runs in the background; older ones
   * are waited for. Concurrent requests share the one refresh instead of each scanning. Callers who do not
   * see every profile ask `budgetView` themselves (it decides, and refuses them).
   */
  const periodFigures = new Map<string, { at: number; view: BudgetView }>();
  const refreshing = new Map<string, Promise<BudgetView>>();
  const refreshPeriods = (actor: Actor, definition: WorkflowDefinition): Promise<BudgetView> => {
    let running = refreshing.get(definition.id);
    if (!running) {
      running = budgetView(engine, actor, { workflow: definition.id, periods: [...fundingPeriods] })
        .then((view) => {
          periodFigures.set(definition.id, { at: now().getTime(), view });
          return view;
        })
        .finally(() => refreshing.delete(definition.id));
      refreshing.set(definition.id, running);
    }
    return running;
  };
  const periodView = async (actor: Actor, definition: WorkflowDefinition) => {
    const seesAll = actor.grants.some((g) => definition.roles[g.role]?.scope.kind === 'all');
    if (!seesAll) return budgetView(engine, actor, { workflow: definition.id, periods: [...fundingPeriods] });
    const cached = periodFigures.get(definition.id);
    const age = cached ? now().getTime() - cached.at : Number.POSITIVE_INFINITY;
    if (cached && age < BUDGET_TTL_MS) return cached.view;
    if (cached && age < 2 * BUDGET_TTL_MS) {
      // A failed refresh leaves the old figures; the next request tries again.
      refreshPeriods(actor, definition).catch(() => undefined);
      return cached.view;
    }
    return refreshPeriods(actor, definition);
  };

  const budgetTotals = async (
    actor: Actor,
    session: SessionView,
    definition: WorkflowDefinition,
  ): Promise<BudgetTotals | null> => {
    try {
      const view = await periodView(actor, definition);
      const today = berlinToday(now());
      const current = view.periods.find((p) => today >= p.from && today <= p.to) ?? null;
      // What the agenda would commit: its undecided items the session can still decide (as budgetView's batch).
      const decidable = definition.sessions?.[session.kind]?.agendaStates ?? [];
      const open = session.agenda.filter((a) => !a.decision && decidable.includes(a.state));
      const agendaCents = open.reduce((sum, a) => sum + (a.amountCents ?? 0), 0);
      return {
        agendaCents,
        agendaCount: open.length,
        period: current
          ? {
              id: current.id,
              budgetCents: current.budgetCents,
              committedCents: current.committedCents,
              remainingCents: current.remainingCents,
            }
          : null,
        remainingAfterCents: current ? current.remainingCents - agendaCents : null,
      };
    } catch (err) {
      // Members who do not see every profile see no sums (the engine's rule); nor does a workflow without a budget.
      if (err instanceof DomainError && err.status < 500) return null;
      throw err;
    }
  };

  /**
   * An event's decision choices depend only on the definition: built once per definition version and event.
   * An event whose payload has alternatives (a discriminated union) offers one choice per alternative.
   */
  const choiceCache = new Map<string, DecisionChoice[]>();
  const choicesOf = (definition: WorkflowDefinition, type: string): DecisionChoice[] => {
    const key = `${definition.id}@${definition.version}:${type}`;
    let choices = choiceCache.get(key);
    if (!choices) {
      const form = eventForm(definition, type);
      const discriminator = form.fields.find((f) => f.name === form.discriminator);
      choices = discriminator
        ? discriminator.options.map(([value, label]) => ({
            value: `${type}:${value}`,
            label: `${form.label}: ${label}`,
            form,
            alternative: value,
            fields: form.fields.filter((f) => f !== discriminator && (!f.when || f.when.values.includes(value))),
          }))
        : [{ value: type, label: form.label, form, fields: form.fields }];
      choiceCache.set(key, choices);
    }
    return choices;
  };

  const decisionItemsOf = (definition: WorkflowDefinition, actor: Actor, session: SessionView): DecisionItem[] => {
    const cache = new Map<string, DecisionChoice[]>();
    const out: DecisionItem[] = [];
    for (const item of session.agenda) {
      if (item.decision) continue;
      let choices = cache.get(item.state);
      if (!choices) {
        choices = decisionEvents(definition, actor, item.state).flatMap((t) => choicesOf(definition, t));
        cache.set(item.state, choices);
      }
      if (choices.length) out.push({ item, choices });
    }
    return out;
  };

  const renderSession = async (
    res: Response,
    actor: Actor,
    session: SessionView,
    definition: WorkflowDefinition,
    extra: {
      sent?: Map<string, ItemDecision>;
      notice?: string | null;
      preselect?: string;
    } = {},
    status = 200,
  ) => {
    const canPlan = isSessionManager(definition, actor);
    const budget = await budgetTotals(actor, session, definition);
    send(
      res,
      <SessionPage
        ctx={ctxOf(res)}
        session={session}
        canPlan={canPlan}
        budget={budget}
        decisionItems={decisionItemsOf(definition, actor, session)}
        sent={extra.sent ?? new Map()}
        notice={extra.notice ?? null}
        preselect={extra.preselect ?? ''}
        decisionLabel={decisionLabelOf(definition)}
      />,
      status,
    );
  };

  const NOTICES: Record<string, string> = {
    angelegt: 'Die Sitzung wurde angelegt. Setzen Sie jetzt wartende Steckbriefe auf die Tagesordnung.',
    tagesordnung: 'Die Tagesordnung wurde gespeichert.',
    beschlossen: 'Alle erfassten Beschlüsse wurden gespeichert.',
  };

  pages.get('/sitzungen/:id', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const { session, definition } = await sessionOf(actor, req.params.id);
    const preselect = typeof req.query.vorauswahl === 'string' ? req.query.vorauswahl : '';
    const notice = typeof req.query.meldung === 'string' ? (NOTICES[req.query.meldung] ?? null) : null;
    await renderSession(res, actor, session, definition, { notice, preselect });
  });

  const renderAdd = async (
    res: Response,
    session: SessionView,
    definition: WorkflowDefinition,
    errors: FieldError[] = [],
    status = 200,
    notice: string | null = null,
  ) => {
    const candidates = await agendaCandidates(db, definition, session, CANDIDATES_SHOWN);
    send(
      res,
      <AddToAgendaPage
        ctx={ctxOf(res)}
        session={session}
        candidates={candidates}
        limit={CANDIDATES_SHOWN}
        errors={errors}
        notice={notice}
        decisionLabel={decisionLabelOf(definition)}
      />,
      status,
    );
  };

  pages.get('/sitzungen/:id/hinzufuegen', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const { session, definition } = await sessionOf(actor, req.params.id);
    if (!isSessionManager(definition, actor)) return notFound(res);
    const notice = req.query.meldung === 'tagesordnung' ? (NOTICES.tagesordnung ?? null) : null;
    await renderAdd(res, session, definition, [], 200, notice);
  });

  pages.post('/sitzungen/:id/tagesordnung', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const { session, definition } = await sessionOf(actor, req.params.id);
    if (!isSessionManager(definition, actor)) return notFound(res);
    const body = req.body as FormBody;
    const [action = '', target = ''] = text(body.aktion).split(':');
    const ids = session.agenda.map((a) => a.profileId);
    const undecided = session.agenda.filter((a) => !a.decision).map((a) => a.profileId);
    let next = [...ids];
    const agendaErrors: FieldError[] = [];
    if (action === 'hinzufuegen') {
      const add = list(body.hinzufuegen).filter((id) => UUID.test(id) && !ids.includes(id));
      if (!add.length)
        agendaErrors.push({ field: 'wartend-1', message: 'Wählen Sie mindestens einen wartenden Steckbrief aus.' });
      next = [...ids, ...add];
    } else if (action === 'entfernen' && undecided.includes(target)) {
      next = ids.filter((id) => id !== target);
    } else if ((action === 'hoch' || action === 'runter') && undecided.includes(target)) {
      const i = next.indexOf(target);
      const j = action === 'hoch' ? i - 1 : i + 1;
      if (j >= 0 && j < next.length) [next[i], next[j]] = [next[j] as string, next[i] as string];
    } else {
      agendaErrors.push({ field: 'tagesordnung', message: 'Diese Änderung der Tagesordnung ist nicht möglich.' });
    }
    if (!agendaErrors.length) {
      try {
        await setAgenda(engine, actor, session.id, next);
        // Adding completes the agenda for the session page; ordering and removing go on on the planning page.
        return res.redirect(
          303,
          action === 'hinzufuegen'
            ? `/sitzungen/${session.id}?meldung=tagesordnung#tagesordnung`
            : `/sitzungen/${session.id}/hinzufuegen?meldung=tagesordnung#tagesordnung`,
        );
      } catch (err) {
        if (!(err instanceof ValidationFailed)) throw err;
        for (const issue of err.issues) {
          const index = /profileIds\.(\d+)$/.exec(issue.path)?.[1];
          const pid = index !== undefined ? next[Number(index)] : undefined;
          agendaErrors.push({
            field: 'tagesordnung',
            message: `${germanMessage(issue.message)}${pid ? ` (${pid})` : ''}`,
          });
        }
        if (!err.issues.length) agendaErrors.push({ field: 'tagesordnung', message: germanMessage(err.message) });
      }
    }
    await renderAdd(res, session, definition, agendaErrors, 422);
  });

  // Recording decisions takes two steps in one form's worth of work: the session page chooses a decision per
  // item (`schritt=angaben`); the details page asks only the chosen items' fields and saves them
  // (`schritt=speichern`), or goes back to the choices (`schritt=auswahl`). Each item is its own transition.
  pages.post('/sitzungen/:id/beschluesse', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const { session, definition } = await sessionOf(actor, req.params.id);
    const items = decisionItemsOf(definition, actor, session);
    if (!items.length) return notFound(res);
    const body = req.body as FormBody;
    const step = text(body.schritt);
    const sent = new Map<string, ItemDecision>();
    const chosen: Array<{ entry: DecisionItem; choice: DecisionChoice; own: FormBody }> = [];
    for (const entry of items) {
      const { item, choices } = entry;
      const value = text(body[decisionName(item.profileId)]);
      if (!value) continue;
      const choice = choices.find((c) => c.value === value);
      if (!choice) {
        sent.set(item.profileId, {
          choice: '',
          values: {},
          errors: new Map([['', 'Wählen Sie eine der angebotenen Entscheidungen aus.']]),
        });
        continue;
      }
      const { form } = choice;
      const own: FormBody = Object.fromEntries(
        choice.fields.map((f) => [f.name, body[decisionName(item.profileId, form.type, f.name)]]),
      );
      if (form.discriminator && choice.alternative !== undefined) own[form.discriminator] = choice.alternative;
      sent.set(item.profileId, {
        choice: value,
        values: step === 'speichern' ? typedValues(form, own) : {},
        errors: new Map(),
      });
      chosen.push({ entry, choice, own });
    }
    const invalid = [...sent.values()].some((d) => d.errors.size);
    if (step !== 'speichern' || invalid || !chosen.length) {
      if (!chosen.length && !invalid) {
        const first = items[0] as DecisionItem;
        sent.set(first.item.profileId, {
          choice: '',
          values: {},
          errors: new Map([['', 'Wählen Sie für mindestens einen Punkt eine Entscheidung.']]),
        });
      }
      const back = step === 'auswahl' || invalid || !chosen.length;
      if (back) return renderSession(res, actor, session, definition, { sent }, step === 'auswahl' ? 200 : 422);
      return send(
        res,
        <DecisionDetailsPage
          ctx={ctxOf(res)}
          session={session}
          items={chosen.map((c) => c.entry)}
          sent={sent}
          outcomes={[]}
        />,
      );
    }
    const decisions = chosen.map(({ entry, choice, own }) => {
      const payload = payloadOf(choice.form, own);
      // An optional choice of several left empty is left out (the schema may want at least one when given).
      for (const f of choice.form.fields) {
        const v = payload[f.name];
        if (f.kind === 'checkboxes' && f.optional && Array.isArray(v) && v.length === 0) delete payload[f.name];
      }
      return { profileId: entry.item.profileId, type: choice.form.type, payload };
    });
    const { results } = await applyDecisions(engine, actor, session.id, decisions);
    const byId = new Map(chosen.map((c) => [c.entry.item.profileId, c]));
    const outcomes: DecisionOutcome[] = [];
    for (const r of results) {
      const found = byId.get(r.profileId);
      if (!found) continue;
      const { entry, choice } = found;
      const base = { profileId: r.profileId, position: entry.item.position, title: entry.item.title };
      if (r.status === 'applied') {
        sent.delete(r.profileId);
        const to = r.state ? `, jetzt „${definition.states[r.state]?.de ?? r.state}“` : '';
        outcomes.push({ ...base, applied: true, text: `${choice.label} gespeichert${to}.` });
      } else {
        const errors = formErrors(choice.form, r.problem?.errors ?? [], r.problem?.detail ?? 'Nicht gespeichert.');
        const mine = sent.get(r.profileId);
        if (mine) mine.errors = errors;
        outcomes.push({ ...base, applied: false, text: [...errors.values()].join(' ') });
      }
    }
    outcomes.sort((a, b) => a.position - b.position);
    if (!outcomes.some((o) => !o.applied)) {
      return res.redirect(303, `/sitzungen/${session.id}?meldung=beschlossen#tagesordnung`);
    }
    const failed = chosen.map((c) => c.entry).filter((e) => sent.has(e.item.profileId));
    send(
      res,
      <DecisionDetailsPage ctx={ctxOf(res)} session={session} items={failed} sent={sent} outcomes={outcomes} />,
      422,
    );
  });

  const minutesOf = async (actor: Actor, id: string) => {
    if (!UUID.test(id)) throw new NotFound('Sitzung nicht gefunden.');
    return sessionMinutes(engine, actor, id);
  };

  pages.get('/sitzungen/:id/protokoll', async (req, res) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const minutes = await minutesOf(actor, req.params.id);
    const definition = registry.get(minutes.session.workflow);
    send(
      res,
      <MinutesPage
        ctx={ctxOf(res)}
        minutes={minutes}
        publishedAt={minutes.session.minutesPublishedAt}
        canPublish={isSessionManager(definition, actor)}
        notice={req.query.meldung === 'veroeffentlicht' ? 'Das Ergebnisprotokoll ist jetzt veröffentlicht.' : null}
      />,
    );
  });

  const download = (format: 'pdf' | 'md') => async (req: Request, res: Response) => {
    const actor = sessionUser(req, res);
    if (!actor) return;
    const minutes = await minutesOf(actor, req.params.id as string);
    const name = `Ergebnisprotokoll ${minutes.session.title} ${minutes.session.date}.${format}`;
    const body = format === 'pdf' ? await minutesPdf(minutes) : Buffer.from(minutesMarkdown(minutes), 'utf8');
    res
      .status(200)
      .set({
        'Content-Type': format === 'pdf' ? 'application/pdf' : 'text/markdown; charset=utf-8',
        'Content-Length': String(body.byteLength),
        'Content-Disposition': contentDisposition(name),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      })
      .end(body);
  };
  pages.get('/sitzungen/:id/protokoll.pdf', download('pdf'));
  pages.get('/sitzungen/:id/protokoll.md', download('md'));

  const publishable = async (req: Request, res: Response) => {
    const actor = sessionUser(req, res);
    if (!actor) return null;
    const minutes = await minutesOf(actor, req.params.id as string);
    if (!isSessionManager(registry.get(minutes.session.workflow), actor)) {
      notFound(res);
      return null;
    }
    return { actor, minutes };
  };

  pages.get('/sitzungen/:id/protokoll/veroeffentlichen', async (req, res) => {
    const found = await publishable(req, res);
    if (!found) return;
    if (found.minutes.session.minutesPublishedAt)
      return res.redirect(303, `/sitzungen/${found.minutes.session.id}/protokoll`);
    send(res, <PublishMinutesPage ctx={ctxOf(res)} minutes={found.minutes} error={null} />);
  });

  pages.post('/sitzungen/:id/protokoll/veroeffentlichen', async (req, res) => {
    const found = await publishable(req, res);
    if (!found) return;
    try {
      await publishMinutes(engine, found.actor, found.minutes.session.id);
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      return send(
        res,
        <PublishMinutesPage
          ctx={ctxOf(res)}
          minutes={found.minutes}
          error="Die Sitzung hat noch nicht stattgefunden und nichts entschieden. Es gibt noch kein Protokoll zu veröffentlichen."
        />,
        409,
      );
    }
    res.redirect(303, `/sitzungen/${found.minutes.session.id}/protokoll?meldung=veroeffentlicht`);
  });
}
