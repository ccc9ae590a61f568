import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { actorForToken } from '@steckbrief/accounts';
import type { Db } from '@steckbrief/db';
import { hasRole, Unauthenticated } from '@steckbrief/engine';
import type { Queues } from '@steckbrief/queues';
import express, { type CookieOptions, type RequestHandler, Router } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import { ADMIN_SESSION_TTL_MS, actorForAdminSession, createAdminSession, endAdminSession } from '../admin-sessions.js';
import { authenticate, requireRole } from '../auth.js';
import type { QueueCounts } from '../metrics.js';
import type { Operation } from '../openapi/operation.js';
import { LOGIN_MESSAGES, type LoginMessage, loginPage } from '../render/login-page.js';

const BOARD = '/admin/queues';
const COOKIE = 'steckbrief_admin';

export interface DashboardDeps {
  db: Db;
  queues: Queues;
  adminToken?: string;
  authCacheTtlMs?: number;
  /** `Secure` on the session cookie: when the public URL is https or in production. */
  secureCookie: boolean;
  now: () => Date;
}

const loginForm = z.object({ token: z.string().trim().min(1).max(500) });

const allQueues = (queues: Queues) => [queues.outbox, queues.mail, queues.timers];

/** `steckbrief_queue_jobs{queue,state}` for the metrics hook. */
export function queueJobCounts(queues: Queues): QueueCounts {
  return async () => {
    const counts = await Promise.all(
      allQueues(queues).map(async (queue) =>
        Object.entries(await queue.getJobCounts()).map(([state, count]) => ({ queue: queue.name, state, count })),
      ),
    );
    return counts.flat();
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      // Not percent-encoded by us (we set a base64url id), so it is no session of ours.
      return undefined;
    }
  }
  return undefined;
}

/**
 * The queue dashboard (bull-board) at `/admin/queues` for the operator role, and its browser login.
 *
 * API clients send `Authorization: Bearer`. Browsers cannot, so `POST /admin/login` takes an operator's token
 * once and sets a cookie holding a random session id (stored hashed, 8 hours).
 *
 * CSRF: bull-board's actions (retry, clean, pause, …) are POST/PUT requests from its own page. The session
 * cookie is `SameSite=Strict`, so a request started from another site never carries it and is answered 401;
 * a bearer token is never sent by a browser on its own. No CSRF token is needed.
 */
export function dashboardRoutes(deps: DashboardDeps): Router {
  const { db, now } = deps;
  const cookie: CookieOptions = { httpOnly: true, secure: deps.secureCookie, sameSite: 'strict', path: '/admin' };
  const router = Router();

  router.get('/admin/login', (req, res) => {
    const message = String(req.query.message ?? '');
    res.type('html').send(loginPage(message in LOGIN_MESSAGES ? (message as LoginMessage) : undefined));
  });

  // Post/redirect/get: every outcome is a redirect, so reloading a page never re-sends the token.
  router.post('/admin/login', express.urlencoded({ extended: false, limit: '1mb' }), async (req, res) => {
    const form = loginForm.safeParse(req.body);
    const actor = form.success ? await actorForToken(db, form.data.token) : undefined;
    if (!actor?.userId) return res.redirect(303, '/admin/login?message=invalid');
    if (!hasRole(actor, 'operator')) return res.redirect(303, '/admin/login?message=forbidden');
    const session = await createAdminSession(db, actor.userId, now());
    req.log.info({ userId: actor.userId }, 'dashboard login');
    res.cookie(COOKIE, session, { ...cookie, maxAge: ADMIN_SESSION_TTL_MS });
    res.redirect(303, BOARD);
  });

  router.post('/admin/logout', async (req, res) => {
    const session = readCookie(req.headers.cookie, COOKIE);
    if (session) await endAdminSession(db, session);
    res.clearCookie(COOKIE, cookie);
    res.redirect(303, '/admin/login?message=signed-out');
  });

  const bearer = authenticate({ db, adminToken: deps.adminToken, cacheTtlMs: deps.authCacheTtlMs });
  const operatorSession: RequestHandler = async (req, res, next) => {
    if (req.headers.authorization) return bearer(req, res, next);
    const session = readCookie(req.headers.cookie, COOKIE);
    const actor = session ? await actorForAdminSession(db, session, now()) : undefined;
    if (actor) {
      req.actor = actor;
      req.log = req.log.child({ userId: actor.userId });
      return next();
    }
    if (req.accepts(['json', 'html']) === 'html') return res.redirect(303, '/admin/login');
    throw new Unauthenticated(
      'Bitte mit einem Bearer-Token oder über /admin/login anmelden. / Sign in with a bearer token or at /admin/login.',
    );
  };
  router.use(BOARD, boardCsp, operatorSession, requireRole('operator'), queueBoard(deps.queues));
  return router;
}

/**
 * bull-board's page runs under helmet's default CSP (its scripts and styles are its own files; inline styles are
 * allowed there), with one narrowing: the page links Google Fonts, and loading them would hand operators' IP
 * addresses to Google (LG München I, 3 O 17493/20), so `https:` is dropped from style-src and font-src here.
 */
const boardCsp = helmet.contentSecurityPolicy({
  directives: { 'style-src': ["'self'", "'unsafe-inline'"], 'font-src': ["'self'", 'data:'] },
});

/** bull-board is an Express app of its own (its page, assets and JSON API), mounted behind the operator check. */
function queueBoard(queues: Queues): express.Express {
  const adapter = new ExpressAdapter().setBasePath(BOARD);
  createBullBoard({
    queues: allQueues(queues).map((queue) => new BullMQAdapter(queue)),
    serverAdapter: adapter,
    options: {
      uiConfig: {
        boardTitle: 'Steckbrief',
        locale: { lng: 'de-DE' },
        hideDocsLink: true,
        miscLinks: [{ text: 'Sitzung, Abmelden / Session, sign out', url: '/admin/login' }],
      },
    },
  });
  const app = adapter.getRouter() as express.Express;
  app.disable('x-powered-by');
  return app;
}

const html = { 'text/html': { type: 'string' } };

export const dashboardOperations: Operation[] = [
  {
    method: 'get',
    path: '/admin/login',
    tag: 'Dashboard',
    summary: 'Login page of the queue dashboard / Anmeldung zum Warteschlangen-Dashboard',
    description:
      'An HTML form for an operator token. `?message=invalid|forbidden|signed-out` shows the outcome of a try.',
    roles: 'public',
    responses: { 200: { description: 'HTML page', content: html } },
  },
  {
    method: 'post',
    path: '/admin/login',
    tag: 'Dashboard',
    summary: 'Sign in to the queue dashboard / Anmelden',
    description:
      'Takes a user token with the operator role and sets the session cookie `steckbrief_admin` (HttpOnly, ' +
      'SameSite=Strict, Path=/admin, Secure over https; 8 hours). Every outcome is a 303: to /admin/queues ' +
      'on success, else back to /admin/login?message=invalid or ?message=forbidden.',
    roles: 'public',
    form: loginForm,
    responses: {
      303: { description: 'To the dashboard or back to the login page', headers: ['Location', 'Set-Cookie'] },
    },
    problems: [413],
  },
  {
    method: 'post',
    path: '/admin/logout',
    tag: 'Dashboard',
    summary: 'Sign out of the queue dashboard / Abmelden',
    description: 'Ends the session of the cookie (if any) and clears the cookie.',
    roles: 'public',
    responses: { 303: { description: 'To /admin/login?message=signed-out', headers: ['Location', 'Set-Cookie'] } },
  },
  {
    method: 'get',
    path: '/admin/queues',
    tag: 'Dashboard',
    summary: 'Queue dashboard (bull-board) / Warteschlangen-Dashboard',
    description:
      'Jobs of the outbox, mail and timers queues by state, failed jobs with their errors, retry. Authenticated ' +
      'by a bearer token or the session cookie of POST /admin/login. A browser (Accept: text/html) without ' +
      'either is redirected to /admin/login. The pages and the JSON API below /admin/queues/ (e.g. ' +
      '`GET /admin/queues/api/queues`, `PUT /admin/queues/api/queues/{queue}/{jobId}/retry`) are bull-board’s ' +
      'own, behind the same check, and not part of this contract.',
    roles: ['operator'],
    responses: {
      200: { description: 'The dashboard page', content: html },
      303: { description: 'No credentials, and the client wants HTML: to /admin/login', headers: ['Location'] },
    },
  },
];
