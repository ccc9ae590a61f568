/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { Router } from 'express';
import { safeInboxHref } from '../inbox-query.js';
import { SaveViewPage } from '../pages/saved-views.js';
import { deleteView, normalisedInboxHref, saveView } from '../saved-views.js';
import type { Web } from '../web.js';

/** Where the inbox goes after saving or deleting a view, with what happened. */
const withNotice = (href: string, notice: string) => `${href}${href.includes('?') ? '&' : '?'}meldung=${notice}`;

/**
 * Saved views of the inbox: POST /aufgaben/ansichten saves the sent address under a name (for the
 * signed-in user only), POST /aufgaben/ansichten/<id>/loeschen deletes one of theirs. Registered before
 * the task pages, whose `/aufgaben/:id` would otherwise take these paths.
 */
export function savedViewRoutes(pages: Router, web: Web, scopeNames: readonly string[]): void {
  const { db, now, send, ctxOf, requireUser } = web;

  pages.post('/aufgaben/ansichten', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor?.userId) return;
    const body = req.body as Record<string, unknown>;
    const href = normalisedInboxHref(body.adresse, scopeNames);
    const outcome = await saveView(db, { userId: actor.userId, name: body.name, href, now: now() });
    if (!outcome.ok) {
      const name = typeof body.name === 'string' ? body.name.slice(0, 200) : '';
      return send(res, <SaveViewPage ctx={ctxOf(res)} href={href} name={name} error={outcome.message} />, 422);
    }
    res.redirect(303, withNotice(href, 'ansicht-gespeichert'));
  });

  pages.post('/aufgaben/ansichten/:id/loeschen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor?.userId) return;
    const back = safeInboxHref((req.body as Record<string, unknown>).zurueck);
    // Another user's view is not found: nothing changes, and the answer does not tell it exists.
    const deleted = await deleteView(db, actor.userId, req.params.id);
    res.redirect(303, withNotice(back, deleted ? 'ansicht-geloescht' : 'ansicht-unbekannt'));
  });
}
