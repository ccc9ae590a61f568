/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Db } from '@steckbrief/db';
import {
  type Actor,
  applyEvent,
  createProfile,
  DomainError,
  type EngineDeps,
  GuardFailed,
  getProfile,
  type HistoryItem,
  hasRole,
  InvalidEvent,
  listProfiles,
  NotFound,
  type ProfileView,
  patchProfileData,
  profileHistory,
  StaleVersion,
  ValidationFailed,
  type WorkflowDefinition,
  type WorkflowRegistry,
} from '@steckbrief/engine';
import express, { type ErrorRequestHandler, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import type { VNode } from 'preact';
import { z } from 'zod';
import type { FieldError, PageContext } from './components.js';
import { renderDocument } from './html.js';
import { CheckAnswersPage, SubmittedPage } from './pages/check-answers.js';
import { FormExpiredPage, NotFoundPage, ServerErrorPage } from './pages/errors.js';
import { AccessibilityPage, DEMO_OPERATOR, ImprintPage, type Operator, PrivacyPage } from './pages/legal.js';
import { type MyProfileRow, MyProfilesPage } from './pages/my-profiles.js';
import { ProfilePage } from './pages/profile.js';
import { ConflictPage, type FieldView, SectionPage } from './pages/section.js';
import { SigninCodePage, SigninEmailPage, SigninLinkPage } from './pages/signin.js';
import { type SectionStatus, TaskListPage } from './pages/tasklist.js';
import { WerkstaettenPage, WerkstattPage } from './pages/werkstaetten.js';
import { WithdrawPage } from './pages/withdraw.js';
import { DEFAULT_PRESENTATIONS, valueAt, type WorkflowPresentation } from './presentation.js';
import { confirmedProjects, nextSessionDates } from './public-data.js';
import {
  type FormBody,
  fieldId,
  fieldSpecOf,
  formValue,
  germanMessage,
  type SectionSpec,
  sectionPatch,
} from './sections.js';
import {
  csrfProtection,
  ensureSession,
  loadSessionMiddleware,
  pageCsp,
  sessionCookie,
  startSession,
  webState,
} from './security.js';
import { endSession, extendSession, setPendingEmail } from './sessions.js';
import { checkCode, checkLink, linkIsOpen, requestCode } from './signin.js';
import { SITE_CSS } from './site-css.js';
import { TIMEOUT_JS } from './timeout-js.js';

export interface WebDeps {
  db: Db;
  registry: WorkflowRegistry;
  /** The origin people use (links in mails, the Origin check of forms); https makes cookies Secure. */
  publicUrl: string;
  secureCookies?: boolean;
  now?: () => Date;
  logger: Logger;
  /** NODE_ENV=development: the worker prints a sign-in code it could not deliver. */
  development?: boolean;
  operator?: Operator;
  presentations?: Readonly<Record<string, WorkflowPresentation>>;
  /** Where KERN's dist/ is; found from this package by default. */
  kernDir?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NEXT_PATH = /^\/[A-Za-z0-9/_-]{0,200}$/;

const emailField = z.string().trim().max(320).pipe(z.email());

/** A path to return to after sign-in: our own, plain paths only (no open redirect). */
function nextPath(value: unknown): string | null {
  return typeof value === 'string' && NEXT_PATH.test(value) && !value.startsWith('//') ? value : null;
}

function kernDirectory(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@kern-ux/native/package.json'))}/dist`;
}

/**
 * The web application: server-rendered pages over the same engine as the JSON API (a second adapter,
 * holding no rules of its own). Mount it at the root of the app: it answers its own German paths and
 * passes everything else on.
 */
export function webRoutes(deps: WebDeps): Router {
  const { db, registry, publicUrl, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const secure = deps.secureCookies ?? publicUrl.startsWith('https:');
  const cookie = sessionCookie(secure);
  const engine: EngineDeps = { db, registry, now };
  const presentations = deps.presentations ?? DEFAULT_PRESENTATIONS;
  const operator = deps.operator ?? DEMO_OPERATOR;
  const csp = pageCsp(secure);
  const router = Router();

  const ctxOf = (res: Response): PageContext => {
    const state = webState(res);
    return { user: state?.user ?? null, csrfToken: state?.session?.csrfToken ?? null };
  };
  const send = (res: Response, page: VNode, status = 200) => {
    res
      .status(status)
      .set({
        'Content-Security-Policy': csp,
        'Cache-Control': 'no-store',
        'Content-Type': 'text/html; charset=utf-8',
        // Sign-in links carry their token in the URL: no Referer leaves the site. (Not no-referrer:
        // Chromium then sends `Origin: null` with our own forms, and the Origin check refuses them.)
        'Referrer-Policy': 'same-origin',
        'X-Content-Type-Options': 'nosniff',
      })
      .send(renderDocument(page));
  };
  const presentationOf = (workflow: string) =>
    presentations[workflow] ?? presentations[registry.defaultWorkflowId] ?? Object.values(presentations)[0];
  const creatorOf = (actor: Actor) => registry.list().some((d) => d.creatorRoles.some((r) => hasRole(actor, r)));
  const requireUser = (req: Request, res: Response): Actor | null => {
    const user = webState(res).user;
    if (user) return user.actor;
    res.redirect(303, `/anmelden?weiter=${encodeURIComponent(req.path)}`);
    return null;
  };

  const kern = deps.kernDir ?? kernDirectory();
  router.use('/assets/kern', express.static(kern, { index: false, maxAge: '7d', fallthrough: false }));
  router.get('/assets/web/site.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(SITE_CSS);
  });
  router.get('/assets/web/timeout.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(TIMEOUT_JS);
  });

  const pages = Router();
  pages.use(loadSessionMiddleware(db, cookie, now));
  pages.use(express.urlencoded({ extended: false, limit: '100kb' }));
  pages.use(csrfProtection(publicUrl));

  pages.get('/', (_req, res) => {
    res.redirect(303, webState(res).user ? '/meine-steckbriefe' : '/werkstaetten');
  });

  // Sign-in by e-mail code (WEB.md): request → code page → signed in; or the mail's link → confirm page.
  pages.get('/anmelden', ensureSession(db, cookie, now), (req, res) => {
    const next = nextPath(req.query.weiter);
    if (webState(res).user) return res.redirect(303, next ?? '/meine-steckbriefe');
    const notice = req.query.abgemeldet === '1' ? 'signedOut' : req.query.abgelaufen === '1' ? 'expired' : undefined;
    send(res, <SigninEmailPage ctx={ctxOf(res)} next={next} notice={notice} />);
  });

  pages.post('/anmelden', async (req, res) => {
    const next = nextPath(req.body.weiter);
    const parsed = emailField.safeParse(req.body.email);
    const typed = typeof req.body.email === 'string' ? req.body.email.slice(0, 320) : '';
    if (!parsed.success) {
      const message = typed.trim()
        ? 'Geben Sie eine E-Mail-Adresse im richtigen Format ein, zum Beispiel name@beispiel.de'
        : 'Geben Sie Ihre E-Mail-Adresse ein';
      return send(res, <SigninEmailPage ctx={ctxOf(res)} email={typed} error={message} next={next} />, 422);
    }
    const outcome = await requestCode(db, {
      email: parsed.data,
      ip: req.ip ?? '',
      now: now(),
      publicUrl,
      logIfUndelivered: deps.development === true,
    });
    if (outcome === 'limited') {
      const message = 'Sie haben zu viele Codes angefordert. Warten Sie 15 Minuten und versuchen Sie es dann erneut.';
      return send(res, <SigninEmailPage ctx={ctxOf(res)} email={typed} error={message} next={next} />, 429);
    }
    await setPendingEmail(db, webState(res).session!.idHash, parsed.data);
    res.redirect(303, next ? `/anmelden/code?weiter=${encodeURIComponent(next)}` : '/anmelden/code');
  });

  pages.get('/anmelden/code', (req, res) => {
    const email = webState(res).session?.pendingEmail;
    if (!email) return res.redirect(303, '/anmelden');
    send(res, <SigninCodePage ctx={ctxOf(res)} email={email} next={nextPath(req.query.weiter)} />);
  });

  /** End the visitor's session and open a new one for the user: the old cookie is worthless from now on. */
  const signIn = async (res: Response, userId: string, next: string | null) => {
    const old = webState(res).session;
    if (old) await endSession(db, old.idHash);
    await startSession(db, res, cookie, { userId }, now());
    logger.info({ userId }, 'signed in to the web application');
    res.redirect(303, next ?? '/meine-steckbriefe');
  };

  pages.post('/anmelden/code', async (req, res) => {
    const email = webState(res).session?.pendingEmail;
    const next = nextPath(req.body.weiter);
    if (!email) return res.redirect(303, '/anmelden');
    const code = typeof req.body.code === 'string' ? req.body.code.slice(0, 20) : '';
    if (!code.trim()) {
      const error = 'Geben Sie den Code aus der E-Mail ein';
      return send(res, <SigninCodePage ctx={ctxOf(res)} email={email} error={error} next={next} />, 422);
    }
    const result = await checkCode(db, { email, code, ip: req.ip ?? '', now: now() });
    if (result.status === 'ok') return signIn(res, result.userId, next);
    const error =
      result.status === 'locked'
        ? 'Zu viele falsche Codes. Die Anmeldung mit dieser Adresse ist für eine Stunde gesperrt.'
        : 'Der Code ist falsch oder abgelaufen. Prüfen Sie die E-Mail oder fordern Sie einen neuen Code an.';
    send(
      res,
      <SigninCodePage ctx={ctxOf(res)} email={email} error={error} next={next} />,
      result.status === 'locked' ? 429 : 422,
    );
  });

  pages.get('/anmelden/link', ensureSession(db, cookie, now), async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const usable = await linkIsOpen(db, token, now());
    send(res, <SigninLinkPage ctx={ctxOf(res)} token={token} usable={usable} />, usable ? 200 : 410);
  });

  pages.post('/anmelden/link', async (req, res) => {
    const token = typeof req.body.token === 'string' ? req.body.token : '';
    const result = await checkLink(db, { token, now: now() });
    if (result.status === 'ok') return signIn(res, result.userId, null);
    send(res, <SigninLinkPage ctx={ctxOf(res)} token="" usable={false} />, 410);
  });

  pages.post('/abmelden', async (_req, res) => {
    const session = webState(res).session;
    if (session) await endSession(db, session.idHash);
    res.clearCookie(cookie.name, cookie.options);
    res.redirect(303, '/anmelden?abgemeldet=1');
  });

  // The timeout warning's "Angemeldet bleiben" (a fetch from timeout.js; a plain post works too).
  pages.post('/sitzung/verlaengern', async (req, res) => {
    const { session, user } = webState(res);
    const json = req.accepts(['html', 'json']) === 'json';
    if (!session || !user) return json ? res.status(401).end() : res.redirect(303, '/anmelden?abgelaufen=1');
    await extendSession(db, session.idHash, now());
    if (json) return res.status(204).end();
    res.redirect(303, '/meine-steckbriefe');
  });

  pages.get('/meine-steckbriefe', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    // The organisation's own profiles: what the actor's creator roles (owner-scoped) reach.
    const creatorRoles = new Set(registry.list().flatMap((d) => d.creatorRoles));
    const own: Actor = { ...actor, grants: actor.grants.filter((g) => creatorRoles.has(g.role)) };
    const { items } = await listProfiles(engine, own, { limit: 100 });
    const views = await Promise.all(items.map((item) => getProfile(engine, own, item.id)));
    const rows: MyProfileRow[] = views.map((p) => {
      const task = [...p.tasks].sort((a, b) => (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9'))[0];
      return {
        id: p.id,
        title: typeof p.data.title === 'string' ? p.data.title : null,
        stateLabel: p.stateLabel.de,
        tone: presentationOf(p.workflow)?.stateTones[p.state] ?? 'info',
        nextStep: task?.label.de ?? null,
        dueAt: task?.dueAt ?? null,
        updatedAt: p.updatedAt,
      };
    });
    send(res, <MyProfilesPage ctx={ctxOf(res)} rows={rows} canCreate={creatorOf(actor)} />);
  });

  pages.post('/steckbrief/neu', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const profile = await createProfile(engine, actor, { data: {} });
    res.redirect(303, `/profile/${profile.id}/abschnitte`);
  });

  /** The profile, if its owner may still edit it now (the engine decides again on every save). */
  const editable = async (actor: Actor, id: string) => {
    if (!UUID.test(id)) throw new NotFound('Profil nicht gefunden.');
    const profile = await getProfile(engine, actor, id);
    const definition = registry.get(profile.workflow, profile.workflowVersion);
    const presentation = presentationOf(profile.workflow);
    if (!presentation) throw new NotFound('Keine Darstellung für diesen Workflow.');
    const canEdit = definition.editableStates.includes(profile.state) && creatorOf(actor);
    return { profile, definition, presentation, canEdit };
  };

  pages.get('/profile/:id/abschnitte', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, definition, presentation, canEdit } = await editable(actor, req.params.id);
    if (!canEdit) return res.redirect(303, `/profile/${profile.id}`);
    const rows = presentation.sections.map((section) => ({
      id: section.id,
      title: section.title,
      status: sectionStatus(definition, profile, section),
      href: `/profile/${profile.id}/abschnitt/${section.id}`,
    }));
    const title =
      typeof profile.data.title === 'string' && profile.data.title ? profile.data.title : 'Neuer Steckbrief';
    send(res, <TaskListPage ctx={ctxOf(res)} profileId={profile.id} title={title} rows={rows} />);
  });

  const fieldViews = (
    presentation: WorkflowPresentation,
    section: SectionSpec,
    value: (path: string) => string | [string, string, string],
    errors: Map<string, string> = new Map(),
  ): FieldView[] =>
    section.fields.map((field) => {
      const spec = fieldSpecOf(presentation.fields, field.path);
      const options: Array<[string, string]> =
        spec.format === 'werkstatt'
          ? presentation.werkstaetten.map((w) => [String(w.number), `Werkstatt ${w.number}: ${w.name}`])
          : Object.entries(spec.values ?? {});
      return { field, spec, options, value: value(field.path), error: errors.get(field.path) };
    });

  pages.get('/profile/:id/abschnitt/:section', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation, canEdit } = await editable(actor, req.params.id);
    if (!canEdit) return res.redirect(303, `/profile/${profile.id}`);
    const section = presentation.sections.find((s) => s.id === req.params.section);
    if (!section) throw new NotFound('Abschnitt nicht gefunden.');
    const views = fieldViews(presentation, section, (path) => {
      const field = section.fields.find((f) => f.path === path);
      return field ? formValue(field, valueAt(profile.data, path)) : '';
    });
    send(
      res,
      <SectionPage ctx={ctxOf(res)} profileId={profile.id} version={profile.version} section={section} views={views} />,
    );
  });

  pages.post('/profile/:id/abschnitt/:section', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation } = await editable(actor, req.params.id);
    const section = presentation.sections.find((s) => s.id === req.params.section);
    if (!section) throw new NotFound('Abschnitt nicht gefunden.');
    const body = req.body as FormBody;
    const version = Number(body.version);
    try {
      await patchProfileData(engine, actor, {
        profileId: profile.id,
        data: sectionPatch(section, body),
        expectedVersion: Number.isInteger(version) ? version : -1,
      });
    } catch (err) {
      if (err instanceof StaleVersion) {
        return send(res, <ConflictPage ctx={ctxOf(res)} profileId={profile.id} section={section} />, 409);
      }
      if (!(err instanceof ValidationFailed)) throw err;
      // The workflow's own messages, each on its field; what was typed stays in the form.
      const errors = new Map<string, string>();
      for (const issue of err.issues) {
        const path = issue.path.replace(/^data\./, '');
        const field = section.fields.find((f) => path === f.path || path.startsWith(`${f.path}.`));
        if (field && !errors.has(field.path)) errors.set(field.path, germanMessage(issue.message));
      }
      const typed = (path: string) => {
        const id = fieldId(path);
        const field = section.fields.find((f) => f.path === path);
        const str = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
        return field?.input === 'date'
          ? ([str(id), str(`${id}-monat`), str(`${id}-jahr`)] as [string, string, string])
          : str(id);
      };
      const views = fieldViews(presentation, section, typed, errors);
      return send(
        res,
        <SectionPage
          ctx={ctxOf(res)}
          profileId={profile.id}
          version={profile.version}
          section={section}
          views={views}
        />,
        422,
      );
    }
    res.redirect(303, `/profile/${profile.id}/abschnitte`);
  });

  /** The submission the engine allows this user now (its event must be among the available ones). */
  const submissionOf = (presentation: WorkflowPresentation, profile: ProfileView) => {
    const submit = presentation.submitEvents[profile.state];
    return submit && profile.availableEvents.some((e) => e.type === submit.event) ? submit : null;
  };

  pages.get('/profile/:id/pruefen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation, canEdit } = await editable(actor, req.params.id);
    if (!canEdit) return res.redirect(303, `/profile/${profile.id}`);
    send(
      res,
      <CheckAnswersPage
        ctx={ctxOf(res)}
        profile={profile}
        presentation={presentation}
        submit={submissionOf(presentation, profile)}
      />,
    );
  });

  pages.post('/profile/:id/einreichen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation } = await editable(actor, req.params.id);
    const submit = submissionOf(presentation, profile);
    const version = Number((req.body as FormBody).version);
    // The form names its event so a stale page cannot submit something else than it showed.
    if (!submit || (req.body as FormBody).event !== submit.event) return res.redirect(303, `/profile/${profile.id}`);
    try {
      await applyEvent(engine, actor, {
        profileId: profile.id,
        type: submit.event,
        payload: {},
        expectedVersion: Number.isInteger(version) ? version : -1,
      });
    } catch (err) {
      if (err instanceof StaleVersion) return res.redirect(303, `/profile/${profile.id}/pruefen`);
      if (!(err instanceof GuardFailed || err instanceof ValidationFailed)) throw err;
      // Each reason links to its field on its section's page, in the workflow's words.
      const errors: FieldError[] = [];
      for (const issue of err.issues) {
        const path = issue.path.replace(/^data\./, '');
        const section = presentation.sections.find((s) =>
          s.fields.some((f) => path === f.path || path.startsWith(`${f.path}.`) || f.path.startsWith(`${path}.`)),
        );
        const field = section?.fields.find(
          (f) => path === f.path || path.startsWith(`${f.path}.`) || f.path.startsWith(`${path}.`),
        );
        errors.push({
          field: field ? fieldId(field.path) : 'einreichen',
          href: section && field ? `/profile/${profile.id}/abschnitt/${section.id}#${fieldId(field.path)}` : undefined,
          message: germanMessage(issue.message),
        });
      }
      return send(
        res,
        <CheckAnswersPage
          ctx={ctxOf(res)}
          profile={profile}
          presentation={presentation}
          submit={submit}
          errors={errors}
        />,
        422,
      );
    }
    res.redirect(303, `/profile/${profile.id}/eingereicht`);
  });

  pages.get('/profile/:id/eingereicht', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    if (!UUID.test(req.params.id)) throw new NotFound('Profil nicht gefunden.');
    const profile = await getProfile(engine, actor, req.params.id);
    const explanation = presentationOf(profile.workflow)?.stateExplanations[profile.state]?.de;
    send(res, <SubmittedPage ctx={ctxOf(res)} profile={profile} explanation={explanation} />);
  });

  const withdrawable = async (actor: Actor, id: string) => {
    const { profile, presentation } = await editable(actor, id);
    const title =
      typeof profile.data.title === 'string' && profile.data.title ? profile.data.title : 'Steckbrief ohne Titel';
    return {
      profile,
      presentation,
      title,
      allowed: profile.availableEvents.some((e) => e.type === presentation.withdrawEvent),
    };
  };

  pages.get('/profile/:id/zurueckziehen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, title, allowed } = await withdrawable(actor, req.params.id);
    if (!allowed) return res.redirect(303, `/profile/${profile.id}`);
    send(res, <WithdrawPage ctx={ctxOf(res)} profile={profile} title={title} />);
  });

  pages.post('/profile/:id/zurueckziehen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { profile, presentation, title, allowed } = await withdrawable(actor, req.params.id);
    if (!allowed) return res.redirect(303, `/profile/${profile.id}`);
    const body = req.body as FormBody;
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    const version = Number(body.version);
    try {
      await applyEvent(engine, actor, {
        profileId: profile.id,
        type: presentation.withdrawEvent,
        payload: reason ? { reason } : {},
        expectedVersion: Number.isInteger(version) ? version : -1,
      });
    } catch (err) {
      if (err instanceof StaleVersion) return res.redirect(303, `/profile/${profile.id}/zurueckziehen`);
      if (!(err instanceof ValidationFailed || err instanceof InvalidEvent)) throw err;
      const message = germanMessage(err.issues[0]?.message ?? err.message);
      return send(
        res,
        <WithdrawPage ctx={ctxOf(res)} profile={profile} title={title} reason={reason} error={message} />,
        422,
      );
    }
    res.redirect(303, `/profile/${profile.id}`);
  });

  // Every mail sent so far links to /profiles/<id>.
  pages.get('/profiles/:id', (req, res) => {
    res.redirect(301, `/profile/${encodeURIComponent(req.params.id)}`);
  });

  pages.get('/profile/:id', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    if (!UUID.test(req.params.id)) throw new NotFound('Profil nicht gefunden.');
    const { profile, definition, presentation, canEdit } = await editable(actor, req.params.id);
    const history = await profileHistory(engine, actor, profile.id);
    const canWithdraw = profile.availableEvents.some((e) => e.type === presentation.withdrawEvent);
    send(
      res,
      <ProfilePage
        ctx={ctxOf(res)}
        profile={profile}
        definition={definition}
        presentation={presentation}
        history={history}
        editHref={canEdit ? `/profile/${profile.id}/abschnitte` : null}
        withdrawHref={canWithdraw ? `/profile/${profile.id}/zurueckziehen` : null}
        revisionReason={revisionReason(presentation, profile, history)}
      />,
    );
  });

  const publicDefinition = () => registry.get(registry.defaultWorkflowId);
  const werkstaetten = () => presentationOf(registry.defaultWorkflowId)?.werkstaetten ?? [];

  pages.get('/werkstaetten', (_req, res) => {
    send(res, <WerkstaettenPage ctx={ctxOf(res)} werkstaetten={werkstaetten()} />);
  });

  pages.get('/werkstaetten/:n', async (req, res) => {
    const werkstatt = werkstaetten().find((w) => String(w.number) === req.params.n);
    if (!werkstatt) throw new NotFound('Werkstatt nicht gefunden.');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(now());
    const [projects, sessionDates] = await Promise.all([
      confirmedProjects(db, publicDefinition(), werkstatt.number),
      nextSessionDates(db, publicDefinition(), werkstatt.number, today),
    ]);
    send(res, <WerkstattPage ctx={ctxOf(res)} werkstatt={werkstatt} projects={projects} sessionDates={sessionDates} />);
  });

  pages.get('/barrierefreiheit', (_req, res) => send(res, <AccessibilityPage ctx={ctxOf(res)} operator={operator} />));
  pages.get('/datenschutz', (_req, res) => send(res, <PrivacyPage ctx={ctxOf(res)} operator={operator} />));
  pages.get('/impressum', (_req, res) => send(res, <ImprintPage ctx={ctxOf(res)} operator={operator} />));

  const pageErrors: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (!res.locals.web) res.locals.web = { session: null, user: null };
    const e = err as { code?: string; statusCode?: number };
    if (e.code === 'EBADCSRFTOKEN') return send(res, <FormExpiredPage ctx={ctxOf(res)} />, 403);
    if (err instanceof NotFound) return send(res, <NotFoundPage ctx={ctxOf(res)} />, 404);
    if (err instanceof DomainError && err.status < 500) return send(res, <NotFoundPage ctx={ctxOf(res)} />, 404);
    if (e.statusCode === 413 || e.statusCode === 400)
      return send(res, <FormExpiredPage ctx={ctxOf(res)} />, e.statusCode);
    logger.error({ err }, 'web page failed');
    send(res, <ServerErrorPage ctx={ctxOf(res)} />, 500);
  };

  // Only the page paths go through sessions and CSRF; anything else (the API) passes untouched.
  const PAGE_PATHS = [
    /^\/$/,
    /^\/anmelden(\/code|\/link)?\/?$/,
    /^\/abmelden\/?$/,
    /^\/sitzung\/verlaengern$/,
    /^\/meine-steckbriefe\/?$/,
    /^\/profiles?\/[^/]+\/?$/,
    /^\/profile\/[^/]+\/(abschnitte|abschnitt\/[a-z-]+|pruefen|einreichen|eingereicht|zurueckziehen)$/,
    /^\/steckbrief\/neu$/,
    /^\/werkstaetten(\/[^/]+)?\/?$/,
    /^\/(barrierefreiheit|datenschutz|impressum)\/?$/,
  ];
  router.use((req, res, next) => (PAGE_PATHS.some((p) => p.test(req.path)) ? pages(req, res, next) : next()));
  router.use(pageErrors);
  return router;
}

/**
 * A section's task-list status from the workflow's own completeness schema: not started (no field
 * given), done (no issue on its fields), in progress (otherwise).
 */
function sectionStatus(definition: WorkflowDefinition, profile: ProfileView, section: SectionSpec): SectionStatus {
  const given = section.fields.some((f) => {
    const v = valueAt(profile.data, f.path);
    return v !== undefined && v !== null && v !== '';
  });
  if (!given) return 'not_started';
  const result = definition.data.complete.safeParse(profile.data);
  if (result.success) return 'done';
  const paths = result.error.issues.map((i) => i.path.map(String).join('.'));
  const touched = section.fields.some((f) =>
    paths.some((p) => p === f.path || p.startsWith(`${f.path}.`) || f.path.startsWith(`${p}.`)),
  );
  return touched ? 'started' : 'done';
}

/** In the revision state: the reason given by the entry that led into it (the engine showed it to this viewer). */
function revisionReason(
  presentation: WorkflowPresentation,
  profile: ProfileView,
  history: HistoryItem[],
): string | null {
  if (profile.state !== presentation.revisionState) return null;
  const entry = [...history].reverse().find((h) => h.to === presentation.revisionState && h.from !== h.to);
  const reason = (entry?.payload as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? reason : null;
}

/** The page shown for an unknown path, for a host app that wants German 404 pages. */
export function notFoundPage(): string {
  return renderDocument(<NotFoundPage ctx={{ user: null, csrfToken: null }} />);
}
