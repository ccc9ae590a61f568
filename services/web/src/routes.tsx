/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { DomainError, NotFound } from '@steckbrief/engine';
import express, { type ErrorRequestHandler, Router } from 'express';
import { noteRoutes } from './notes.js';
import { FormExpiredPage, NotFoundPage, ServerErrorPage } from './pages/errors.js';
import { attachmentRoutes, UPLOAD_PATH } from './routes/attachments.js';
import { budgetRoutes } from './routes/budget.js';
import { editingRoutes } from './routes/editing.js';
import { oidcRoutes } from './routes/oidc.js';
import { profileRoutes } from './routes/profiles.js';
import { publicHome, publicPagesOf, publicRoutes } from './routes/public.js';
import { sessionRoutes } from './routes/sessions.js';
import { signinRoutes } from './routes/signin.js';
import { taskRoutes } from './routes/tasks.js';
import { csrfProtection, loadSessionMiddleware, webState } from './security.js';
import { SITE_CSS } from './site-css.js';
import { TIMEOUT_JS } from './timeout-js.js';
import { createWeb, kernDirectory, type WebDeps } from './web.js';

export type { WebDeps } from './web.js';

/**
 * The web application: server-rendered pages over the same engine as the JSON API (a second adapter,
 * holding no rules of its own). Mount it at the root of the app: it answers its own German paths and
 * passes everything else on.
 */
export function webRoutes(deps: WebDeps): Router {
  const web = createWeb(deps);
  const { db, cookie, now, publicUrl, logger, send, ctxOf } = web;
  const router = Router();

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
  pages.use(csrfProtection(publicUrl, UPLOAD_PATH));

  pages.get('/', (_req, res) => {
    res.redirect(303, webState(res).user ? '/meine-steckbriefe' : publicHome(web));
  });

  // The inbox first: the most requested page passes no other route's layer (no other route's path
  // starts with /aufgaben).
  taskRoutes(pages, web);
  signinRoutes(pages, web);
  oidcRoutes(pages, web);
  profileRoutes(pages, web);
  editingRoutes(pages, web);
  attachmentRoutes(pages, web);
  publicRoutes(pages, web);
  sessionRoutes(pages, web, deps.fundingPeriods ?? []);
  budgetRoutes(pages, web, deps.fundingPeriods ?? []);
  noteRoutes(pages, web);

  const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const status = (err as { statusCode?: number }).statusCode;
    // A missing or forbidden asset (express.static) is a bare 404/403, not a page.
    if (req.path.startsWith('/assets/') && status && status < 500) return res.status(status).end();
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
    /^\/anmelden(\/code|\/link|\/oidc|\/oidc\/rueckkehr)?\/?$/,
    /^\/abmelden\/?$/,
    /^\/sitzung\/verlaengern$/,
    /^\/meine-steckbriefe\/?$/,
    /^\/profiles?\/[^/]+\/?$/,
    /^\/profile\/[^/]+\/(abschnitte|abschnitt\/[a-z-]+|pruefen|einreichen|eingereicht|zurueckziehen)$/,
    /^\/profile\/[^/]+\/anlagen(\/[^/]+(\/entfernen)?)?$/,
    /^\/steckbrief\/neu$/,
    /^\/aufgaben(\/[^/]+(\/(uebernehmen|freigeben|zuweisen))?)?\/?$/,
    /^\/profile\/[^/]+\/notizen$/,
    /^\/aufgaben\/ansichten\/[^/]+\/loeschen$/,
    /^\/sitzungen(\/(neu|eingang|kalender))?\/?$/,
    /^\/sitzungen\/[^/]+(\/(hinzufuegen|tagesordnung|beschluesse|protokoll|protokoll\.pdf|protokoll\.md|protokoll\/veroeffentlichen))?$/,
    /^\/haushalt\/?$/,
    // Each workflow's public pages, under the path its presentation names.
    ...publicPagesOf(web).flatMap(({ pages: { path } }) => [
      new RegExp(`^/${path}(/[^/]+)?/?$`),
      new RegExp(`^/${path}/[^/]+/protokolle/[^/]+$`),
    ]),
    /^\/(barrierefreiheit|datenschutz|impressum)\/?$/,
  ];
  router.use((req, res, next) => (PAGE_PATHS.some((p) => p.test(req.path)) ? pages(req, res, next) : next()));
  router.use(pageErrors);
  return router;
}
