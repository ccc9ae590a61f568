/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import {
  type Actor,
  applyEvent,
  assignTask,
  Conflict,
  claimTask,
  Forbidden,
  GuardFailed,
  getProfile,
  getTask,
  type InboxRow,
  InvalidEvent,
  inboxPage,
  inboxPageWithSummary,
  mayWriteNotes,
  NOTE_EVENT,
  NotFound,
  previewEvent,
  profileHistory,
  releaseTask,
  StaleVersion,
  scopeAttributes,
  scopeValueOf,
  taskColleagues,
  taskGroupsOf,
  ValidationFailed,
} from '@steckbrief/engine';
import type { Response, Router } from 'express';
import { z } from 'zod';
import { type InboxParams, inboxHref, parseInboxParams, safeInboxHref } from '../inbox-query.js';
import { type ActingState, ConfirmEventPage, type FormValues, StaleTaskPage, TaskPage } from '../pages/task.js';
import { type FilterChoice, type InboxNotice, InboxPage, PAGE_SIZE } from '../pages/tasks.js';
import { listSavedViews } from '../saved-views.js';
import { type EventForm, eventForm, type FormBody, formErrors, payloadOf, typedValues } from '../task-forms.js';
import { UUID, type Web } from '../web.js';
import { savedViewRoutes } from './saved-views.js';

/** The start of a calendar day in Berlin (what "due before 31 December" means to a person here). */
function berlinMidnight(day: string): Date {
  const utc = new Date(`${day}T00:00:00Z`);
  const berlin = new Date(utc.toLocaleString('en-US', { timeZone: 'Europe/Berlin' }));
  const asUtc = new Date(utc.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(utc.getTime() - (berlin.getTime() - asUtc.getTime()));
}

/** An address with some query parameters added. */
const withParams = (href: string, add: Record<string, string>) =>
  `${href}${href.includes('?') ? '&' : '?'}${new URLSearchParams(add).toString()}`;

/** The reviewers' inbox and the task page: views, filters, claim and release, acting on a task. */
export function taskRoutes(pages: Router, web: Web): void {
  const { registry, engine, send, ctxOf, requireUser, presentationOf } = web;
  const attributes = scopeAttributes(registry);
  const attributeNames = attributes.map((a) => a.name);
  savedViewRoutes(pages, web, attributeNames);

  /**
   * The scope filters of the workflows the actor has a role in, with the values their roles accept:
   * the same for everyone holding the same roles, so built once per set of roles (the JSON schemas of
   * the roles' values were the inbox page's largest cost in the application).
   */
  const choicesByRoles = new Map<string, FilterChoice[]>();
  const filterChoices = (actor: Actor): FilterChoice[] => {
    const key = [...new Set(actor.grants.map((g) => g.role))].sort().join(' ');
    let choices = choicesByRoles.get(key);
    if (!choices) {
      choices = buildFilterChoices(actor);
      choicesByRoles.set(key, choices);
    }
    return choices;
  };
  const buildFilterChoices = (actor: Actor): FilterChoice[] => {
    const held = new Set(actor.grants.map((g) => g.role));
    const out = new Map<string, FilterChoice>();
    for (const definition of registry.list()) {
      if (!Object.keys(definition.roles).some((r) => held.has(r))) continue;
      for (const role of Object.values(definition.roles)) {
        if (role.scope.kind !== 'attribute' || out.has(role.scope.attribute)) continue;
        const schema = z.toJSONSchema(role.scope.values, { unrepresentable: 'any' }) as {
          enum?: unknown[];
          type?: string;
          minimum?: number;
          maximum?: number;
        };
        const values =
          schema.enum?.map(String) ??
          (schema.type === 'integer' &&
          schema.minimum !== undefined &&
          schema.maximum !== undefined &&
          schema.maximum - schema.minimum <= 50
            ? Array.from({ length: schema.maximum - schema.minimum + 1 }, (_, i) => String((schema.minimum ?? 0) + i))
            : []);
        out.set(role.scope.attribute, {
          name: role.scope.attribute,
          label: role.label.de,
          options: values.map((v) => [v, role.scope.kind === 'attribute' ? (role.scope.labels?.[v]?.de ?? v) : v]),
        });
      }
    }
    return [...out.values()];
  };

  /** The engine's query for these parameters; scope values no role accepts are left out. */
  const engineQuery = (params: InboxParams) => {
    const scope: Record<string, string> = {};
    for (const attribute of attributes) {
      const raw = params.scope[attribute.name];
      const value = raw === undefined ? null : scopeValueOf(attribute, raw);
      if (value !== null) scope[attribute.name] = value;
    }
    return {
      state: params.state || undefined,
      scope,
      overdue: params.overdue,
      dueBefore: params.dueBefore ? berlinMidnight(params.dueBefore) : undefined,
      sort: params.sort ?? undefined,
      descending: params.descending,
    };
  };

  const stateLabel = (state: string) => {
    for (const d of registry.list()) if (d.states[state]) return d.states[state].de;
    return state;
  };

  const noticeOf = async (actor: Actor, query: Record<string, unknown>): Promise<InboxNotice | null> => {
    const kind = typeof query.meldung === 'string' ? query.meldung : '';
    const taskId = typeof query.aufgabe === 'string' && UUID.test(query.aufgabe) ? query.aufgabe : null;
    const task = taskId ? await getTask(engine, actor, taskId).catch(() => null) : null;
    const title = task ? `„${task.title ?? 'Steckbrief ohne Titel'}“` : 'Die Aufgabe';
    switch (kind) {
      case 'vergeben':
        return {
          tone: 'warning',
          text:
            task?.status === 'open' && task.claimedByName
              ? `${title} wird bereits von ${task.claimedByName} bearbeitet. Sie wurde Ihnen nicht zugewiesen.`
              : `${title} wurde inzwischen von jemand anderem übernommen oder erledigt.`,
        };
      case 'geaendert':
        return { tone: 'warning', text: `${title} wurde inzwischen übernommen, freigegeben oder erledigt.` };
      case 'freigegeben':
        return { tone: 'info', text: `${title} ist wieder frei für Ihre Gruppe.` };
      case 'ansicht-gespeichert':
        return {
          tone: 'success',
          text: 'Die Ansicht wurde gespeichert. Sie finden sie unter „Gespeicherte Ansichten“.',
        };
      case 'ansicht-geloescht':
        return { tone: 'success', text: 'Die gespeicherte Ansicht wurde gelöscht.' };
      case 'ansicht-unbekannt':
        return { tone: 'warning', text: 'Diese gespeicherte Ansicht gibt es nicht (mehr).' };
      case 'keine-weiteren':
        return {
          tone: 'success',
          text: 'Ihre Entscheidung wurde gespeichert. In dieser Ansicht gibt es keine weiteren Aufgaben.',
        };
      default:
        return null;
    }
  };

  pages.get('/aufgaben', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const params = parseInboxParams(req.query as Record<string, unknown>, attributeNames);
    const query = engineQuery(params);
    const [summary, notice, saved] = await Promise.all([
      // The page's rows with the counts per view (the view's number among them) in one statement.
      inboxPageWithSummary(engine, actor, {
        ...query,
        view: params.view,
        limit: PAGE_SIZE,
        offset: (params.page - 1) * PAGE_SIZE,
      }),
      noticeOf(actor, req.query as Record<string, unknown>),
      listSavedViews(web.db, actor.userId ?? ''),
    ]);
    const { counts } = summary;
    const stages = [...new Set([...summary.stages, ...(params.state ? [params.state] : [])])]
      .map((s): [string, string] => [s, stateLabel(s)])
      .sort((a, b) => a[1].localeCompare(b[1], 'de'));
    send(
      res,
      <InboxPage
        ctx={ctxOf(res)}
        params={params}
        rows={summary.items}
        total={counts[params.view]}
        counts={counts}
        filters={filterChoices(actor)}
        stages={stages}
        notice={notice}
        saved={saved}
      />,
    );
  });

  const inGroup = (actor: Actor, task: InboxRow) =>
    taskGroupsOf(registry.roles, actor).some(([r, s]) => r === task.role && s === (task.scope ?? ''));

  const taskOf = async (actor: Actor, id: string) => {
    if (!UUID.test(id)) throw new NotFound('Aufgabe nicht gefunden.');
    return getTask(engine, actor, id);
  };

  // The inbox table's form, should a browser submit it without a row button's `formaction`: nothing
  // to do, back to the list it came from.
  pages.post('/aufgaben', (req, res) => {
    if (!requireUser(req, res)) return;
    res.redirect(303, safeInboxHref((req.body as FormBody).zurueck));
  });

  pages.post('/aufgaben/:id/uebernehmen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const back = safeInboxHref((req.body as FormBody).zurueck);
    const task = await taskOf(actor, req.params.id);
    try {
      await claimTask(engine, actor, task.id);
    } catch (err) {
      if (!(err instanceof Conflict || err instanceof Forbidden)) throw err;
      // Lost a race for the task (or it closed meanwhile): back to the list with what happened.
      return res.redirect(303, withParams(back, { meldung: 'vergeben', aufgabe: task.id }));
    }
    res.redirect(303, `/aufgaben/${task.id}?zurueck=${encodeURIComponent(back)}`);
  });

  pages.post('/aufgaben/:id/freigeben', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const back = safeInboxHref((req.body as FormBody).zurueck);
    const task = await taskOf(actor, req.params.id);
    try {
      await releaseTask(engine, actor, task.id);
    } catch (err) {
      if (!(err instanceof Conflict || err instanceof Forbidden)) throw err;
      return res.redirect(303, withParams(back, { meldung: 'geaendert', aufgabe: task.id }));
    }
    res.redirect(303, withParams(back, { meldung: 'freigegeben', aufgabe: task.id }));
  });

  /** Everything the task page shows, as the engine shows it to this actor now. */
  const taskView = async (actor: Actor, id: string) => {
    const task = await taskOf(actor, id);
    const profile = await getProfile(engine, actor, task.profileId);
    const definition = registry.get(profile.workflow, profile.workflowVersion);
    const presentation = presentationOf(profile.workflow, profile.workflowVersion);
    if (!presentation) throw new NotFound('Keine Darstellung für diesen Workflow.');
    const history = await profileHistory(engine, actor, profile.id);
    const mayAct = task.status === 'open' && (task.claimedBy === null || task.claimedBy === actor.userId);
    const forms = mayAct ? profile.availableEvents.map((e) => eventForm(definition, e.type)) : [];
    const claim: 'claim' | 'release' | null =
      task.status !== 'open' || !inGroup(actor, task)
        ? null
        : task.claimedBy === null
          ? 'claim'
          : task.claimedBy === actor.userId
            ? 'release'
            : null;
    const manager =
      task.status === 'open' && definition.deadlineRoles.some((r) => actor.grants.some((g) => g.role === r));
    const assign = manager ? { colleagues: await taskColleagues(engine, actor, task.id) } : null;
    const notes = await mayWriteNotes(engine, actor, profile.id);
    return { task, profile, definition, presentation, history, forms, claim, assign, notes };
  };

  const renderTask = (
    res: Response,
    view: Awaited<ReturnType<typeof taskView>>,
    returnTo: string,
    extra: { acting?: ActingState | null; notice?: string | null } = {},
    status = 200,
  ) =>
    send(
      res,
      <TaskPage
        ctx={ctxOf(res)}
        {...view}
        returnTo={returnTo}
        acting={extra.acting ?? null}
        notice={extra.notice ?? null}
      />,
      status,
    );

  pages.get('/aufgaben/:id', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const view = await taskView(actor, req.params.id);
    const returnTo = safeInboxHref(req.query.zurueck);
    const saved = typeof req.query.gespeichert === 'string' ? req.query.gespeichert : '';
    const savedLabel = saved ? view.definition.events[saved]?.label.de : undefined;
    const assigned = req.query.zugewiesen === 'ja' && view.task.claimedByName;
    renderTask(res, view, returnTo, {
      notice: savedLabel
        ? `„${savedLabel}“ wurde gespeichert. Hier ist die nächste Aufgabe dieser Ansicht.`
        : assigned
          ? `Die Aufgabe ist jetzt ${view.task.claimedByName} zugewiesen.`
          : req.query.notiz === 'gespeichert'
            ? 'Ihre interne Notiz wurde gespeichert.'
            : null,
    });
  });

  pages.post('/aufgaben/:id/zuweisen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const body = req.body as FormBody;
    const returnTo = safeInboxHref(body.zurueck);
    const task = await taskOf(actor, req.params.id);
    const assignee = typeof body.an === 'string' ? body.an : '';
    try {
      await assignTask(engine, actor, task.id, assignee);
    } catch (err) {
      if (err instanceof Conflict)
        return res.redirect(303, withParams(returnTo, { meldung: 'geaendert', aufgabe: task.id }));
      if (!(err instanceof ValidationFailed)) throw err;
      const view = await taskView(actor, task.id);
      const error = assignee
        ? 'Diese Person gehört nicht zur Gruppe der Aufgabe.'
        : 'Wählen Sie aus, wem die Aufgabe zugewiesen wird.';
      return send(
        res,
        <TaskPage
          ctx={ctxOf(res)}
          {...view}
          assign={view.assign ? { ...view.assign, error } : null}
          returnTo={returnTo}
          acting={null}
          notice={null}
        />,
        422,
      );
    }
    res.redirect(303, `/aufgaben/${task.id}?${new URLSearchParams({ zurueck: returnTo, zugewiesen: 'ja' })}`);
  });

  pages.post('/aufgaben/:id', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const body = req.body as FormBody;
    const returnTo = safeInboxHref(body.zurueck);
    const view = await taskView(actor, req.params.id);
    const { task, profile, definition } = view;
    const type = typeof body.event === 'string' ? body.event : '';
    const version = Number(body.version);
    const expectedVersion = Number.isInteger(version) ? version : -1;
    const form: EventForm | null = definition.events[type] ? eventForm(definition, type) : null;
    const values: FormValues = form ? typedValues(form, body) : {};

    const stale = async () => {
      const history = await profileHistory(engine, actor, profile.id);
      const changes = history.filter((h) => h.seq > expectedVersion);
      return send(
        res,
        <StaleTaskPage
          ctx={ctxOf(res)}
          task={task}
          profile={profile}
          definition={definition}
          changes={changes}
          form={form}
          values={values}
          returnTo={returnTo}
        />,
        409,
      );
    };
    // Internal notes written since the page was shown change nothing the form decides on: still current.
    const notesOnly =
      expectedVersion > 0 &&
      expectedVersion < profile.version &&
      view.history.filter((h) => h.seq > expectedVersion).every((h) => h.event === NOTE_EVENT);
    // The form this page showed must still be one the engine offers: else the profile moved on.
    const current = profile.version === expectedVersion || notesOnly;
    if (!form || !current || !view.forms.some((f) => f.type === type)) return stale();

    const payload = payloadOf(form, body);
    const input = { profileId: profile.id, type, payload, expectedVersion: profile.version };
    try {
      if (body.bestaetigt !== 'ja') {
        const preview = await previewEvent(engine, actor, input);
        if (preview.ends) {
          return send(
            res,
            <ConfirmEventPage
              ctx={ctxOf(res)}
              task={task}
              profile={profile}
              form={form}
              values={values}
              version={profile.version}
              returnTo={returnTo}
              toLabel={preview.toLabel.de}
            />,
          );
        }
      }
      await applyEvent(engine, actor, input);
    } catch (err) {
      if (err instanceof StaleVersion || err instanceof Conflict || err instanceof Forbidden) return stale();
      if (!(err instanceof InvalidEvent || err instanceof ValidationFailed || err instanceof GuardFailed)) throw err;
      const errors = formErrors(form, err.issues, err.message);
      return renderTask(res, view, returnTo, { acting: { type, values, errors } }, 422);
    }

    // The next task of the same view opens; with none left, the view itself says so.
    const params = parseInboxParams(
      Object.fromEntries(new URL(returnTo, 'http://localhost').searchParams),
      attributeNames,
    );
    const next = await inboxPage(engine, actor, { ...engineQuery(params), view: params.view, limit: 2 });
    const nextTask = next.items.find((t) => t.id !== task.id && t.status === 'open');
    if (nextTask) {
      return res.redirect(
        303,
        `/aufgaben/${nextTask.id}?${new URLSearchParams({ zurueck: returnTo, gespeichert: type })}`,
      );
    }
    res.redirect(303, withParams(inboxHref(params, { page: 1 }), { meldung: 'keine-weiteren' }));
  });
}
