import type { Db } from '@steckbrief/db';
import { csrfSync } from 'csrf-sync';
import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import { loadSession, openSession, type WebSession, type WebUser } from './sessions.js';

/** What the session middleware attaches to each request. */
export interface WebState {
  session: WebSession | null;
  user: WebUser | null;
}

export const webState = (res: Response): WebState => res.locals.web as WebState;

/**
 * The pages' Content-Security-Policy: everything from our own origin, no inline script or style
 * (KERN's icons are data: URIs in its CSS). It replaces whatever the host app's helmet set.
 */
export function pageCsp(secure: boolean): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    ...(secure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface SessionCookie {
  name: string;
  options: CookieOptions;
}

/** `__Host-` binds the cookie to this exact origin over https (no Domain, Path=/, Secure). */
export function sessionCookie(secure: boolean): SessionCookie {
  return {
    name: secure ? '__Host-steckbrief' : 'steckbrief',
    options: { httpOnly: true, secure, sameSite: 'lax', path: '/' },
  };
}

/** Load the session behind the cookie (if any) into `res.locals.web`. */
export function loadSessionMiddleware(db: Db, cookie: SessionCookie, now: () => Date): RequestHandler {
  return async (req, res, next) => {
    const id = readCookie(req.headers.cookie, cookie.name);
    const loaded = id ? await loadSession(db, id, now()) : undefined;
    res.locals.web = { session: loaded?.session ?? null, user: loaded?.user ?? null } satisfies WebState;
    next();
  };
}

/** Start a session and set its cookie. */
export async function startSession(
  db: Db,
  res: Response,
  cookie: SessionCookie,
  input: { userId: string | null; pendingEmail?: string | null },
  now: Date,
): Promise<WebSession> {
  const { id, session } = await openSession(db, input, now);
  res.cookie(cookie.name, id, { ...cookie.options, expires: session.expiresAt });
  const state = webState(res);
  state.session = session;
  return session;
}

/** A visitor's session for the forms of the sign-in pages (they need a CSRF token before anyone signs in). */
export function ensureSession(db: Db, cookie: SessionCookie, now: () => Date): RequestHandler {
  return async (_req, res, next) => {
    if (!webState(res).session) await startSession(db, res, cookie, { userId: null }, now());
    next();
  };
}

/**
 * CSRF defence for every state-changing request: the browser's own signals first (a cross-site
 * Sec-Fetch-Site or a foreign Origin is refused), then the synchronizer token of the session
 * (csrf-sync), sent as the form field `_csrf` (for the one multipart upload, see `multipartPath`). The token lives in the session row; a new session
 * (sign-in) brings a new token.
 */
export function csrfProtection(publicUrl: string, multipartPath: RegExp): RequestHandler {
  const expectedOrigin = new URL(publicUrl).origin;
  const { csrfSynchronisedProtection } = csrfSync({
    getTokenFromState: (req) => (req.res ? (webState(req.res).session?.csrfToken ?? null) : null),
    // The token is fixed per session: nothing to store.
    storeTokenInState: () => undefined,
    getTokenFromRequest: (req) => {
      const token = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    // `Origin: null` (privacy settings, a no-referrer policy) tells nothing; the browser's Sec-Fetch-Site then decides.
    const foreignOrigin = origin && origin !== expectedOrigin && !(origin === 'null' && site === 'same-origin');
    if ((site && site !== 'same-origin' && site !== 'none') || foreignOrigin) {
      return next(Object.assign(new Error('cross-site request'), { statusCode: 403, code: 'EBADCSRFTOKEN' }));
    }
    if (!webState(res).session) {
      return next(Object.assign(new Error('no session'), { statusCode: 403, code: 'EBADCSRFTOKEN' }));
    }
    // A file upload's token is inside its multipart body: only the upload route may take one, and it
    // checks the token (the body's first field) before it keeps any byte of the file.
    if (req.is('multipart/form-data')) {
      return multipartPath.test(req.path)
        ? next()
        : next(Object.assign(new Error('multipart form'), { statusCode: 403, code: 'EBADCSRFTOKEN' }));
    }
    csrfSynchronisedProtection(req, res, next);
  };
}
