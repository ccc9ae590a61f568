/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { Router } from 'express';
import { OidcRefusedPage } from '../pages/oidc.js';
import { ensureSession, webState } from '../security.js';
import type { Web } from '../web.js';
import { nextPath, signInAs } from './signin.js';

/** The HTTP status of each refusal: unknown users and unverified addresses are forbidden, the rest bad input. */
const STATUS = { unknown: 403, unverified: 403, state: 400, provider: 400 } as const;

/**
 * OpenID Connect sign-in (authorization code with PKCE): GET /anmelden/oidc (a link on the sign-in
 * page) sends the browser to the provider; the provider sends it back to GET /anmelden/oidc/rueckkehr.
 * Only when OIDC is configured.
 */
export function oidcRoutes(pages: Router, web: Web): void {
  const { oidc, db, now, send, ctxOf, logger, publicUrl } = web;
  if (!oidc) return;

  // A link, not a form: the CSP's form-action would stop a form's redirect to the provider. Starting a
  // sign-in changes nothing but a pending request bound to this visitor's session.
  pages.get('/anmelden/oidc', ensureSession(db, web.cookie, now), async (req, res) => {
    const next = nextPath(req.query.weiter);
    if (webState(res).user) return res.redirect(303, next ?? '/meine-steckbriefe');
    const session = webState(res).session;
    if (!session) return res.redirect(303, '/anmelden');
    let target: URL;
    try {
      target = await oidc.start(db, { sessionHash: session.idHash, next, now: now() });
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'OIDC provider not reachable');
      return send(res, <OidcRefusedPage ctx={ctxOf(res)} reason="unavailable" />, 503);
    }
    res.redirect(303, target.toString());
  });

  pages.get('/anmelden/oidc/rueckkehr', async (req, res) => {
    const session = webState(res).session;
    if (!session || webState(res).user) {
      return send(res, <OidcRefusedPage ctx={ctxOf(res)} reason="state" />, STATUS.state);
    }
    // The address the provider called, as the provider saw it (the public URL), with its query.
    const url = new URL(oidc.redirectUri);
    url.search = new URL(req.originalUrl, publicUrl).search;
    const outcome = await oidc.finish(db, { sessionHash: session.idHash, url, now: now() });
    if (outcome.status === 'ok') return signInAs(web, res, outcome.userId, outcome.next, 'oidc');
    // No address, subject or name in the log: only what went wrong.
    logger.info({ reason: outcome.status, detail: outcome.detail }, 'OIDC sign-in refused');
    send(res, <OidcRefusedPage ctx={ctxOf(res)} reason={outcome.status} />, STATUS[outcome.status]);
  });
}
