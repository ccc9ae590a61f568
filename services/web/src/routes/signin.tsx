/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { Response, Router } from 'express';
import { z } from 'zod';
import { SigninCodePage, SigninEmailPage, SigninLinkPage } from '../pages/signin.js';
import { ensureSession, startSession, webState } from '../security.js';
import { endSession, extendSession, setPendingEmail } from '../sessions.js';
import { checkCode, checkLink, linkIsOpen, requestCode } from '../signin.js';
import type { Web } from '../web.js';

/**
 * Sign a user in: end the visitor's session and open a new one for the user, so the old cookie is
 * worthless from now on. Every way of signing in (code, link, OpenID Connect) ends here.
 */
export async function signInAs(web: Web, res: Response, userId: string, next: string | null, via: string) {
  const old = webState(res).session;
  if (old) await endSession(web.db, old.idHash);
  await startSession(web.db, res, web.cookie, { userId }, web.now());
  web.logger.info({ userId, via }, 'signed in to the web application');
  res.redirect(303, next ?? '/meine-steckbriefe');
}

const NEXT_PATH = /^\/[A-Za-z0-9/_-]{0,200}$/;

const emailField = z.string().trim().max(320).pipe(z.email());

/** A path to return to after sign-in: our own, plain paths only (no open redirect). */
export function nextPath(value: unknown): string | null {
  return typeof value === 'string' && NEXT_PATH.test(value) && !value.startsWith('//') ? value : null;
}

/** Sign-in by e-mail code (WEB.md): request → code page → signed in; or the mail's link → confirm page. */
export function signinRoutes(pages: Router, web: Web): void {
  const { db, now, cookie, publicUrl, send, ctxOf } = web;

  pages.get('/anmelden', ensureSession(db, cookie, now), (req, res) => {
    const next = nextPath(req.query.weiter);
    if (webState(res).user) return res.redirect(303, next ?? '/meine-steckbriefe');
    const notice = req.query.abgemeldet === '1' ? 'signedOut' : req.query.abgelaufen === '1' ? 'expired' : undefined;
    send(res, <SigninEmailPage ctx={ctxOf(res)} next={next} notice={notice} oidc={web.oidc !== null} />);
  });

  pages.post('/anmelden', async (req, res) => {
    const next = nextPath(req.body.weiter);
    const parsed = emailField.safeParse(req.body.email);
    const typed = typeof req.body.email === 'string' ? req.body.email.slice(0, 320) : '';
    if (!parsed.success) {
      const message = typed.trim()
        ? 'Geben Sie eine E-Mail-Adresse im richtigen Format ein, zum Beispiel name@beispiel.de'
        : 'Geben Sie Ihre E-Mail-Adresse ein';
      return send(
        res,
        <SigninEmailPage ctx={ctxOf(res)} email={typed} error={message} next={next} oidc={web.oidc !== null} />,
        422,
      );
    }
    const outcome = await requestCode(db, {
      email: parsed.data,
      ip: req.ip ?? '',
      now: now(),
      publicUrl,
      logIfUndelivered: web.development,
    });
    if (outcome === 'limited') {
      const message = 'Sie haben zu viele Codes angefordert. Warten Sie 15 Minuten und versuchen Sie es dann erneut.';
      return send(
        res,
        <SigninEmailPage ctx={ctxOf(res)} email={typed} error={message} next={next} oidc={web.oidc !== null} />,
        429,
      );
    }
    await setPendingEmail(db, webState(res).session!.idHash, parsed.data);
    res.redirect(303, next ? `/anmelden/code?weiter=${encodeURIComponent(next)}` : '/anmelden/code');
  });

  pages.get('/anmelden/code', (req, res) => {
    const email = webState(res).session?.pendingEmail;
    if (!email) return res.redirect(303, '/anmelden');
    send(res, <SigninCodePage ctx={ctxOf(res)} email={email} next={nextPath(req.query.weiter)} />);
  });

  const signIn = (res: Response, userId: string, next: string | null) => signInAs(web, res, userId, next, 'e-mail');

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
}
