/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { Actor } from '@steckbrief/engine';
import { listProfilesWithNextTask, mayWriteNotes, NotFound, profileWithHistory } from '@steckbrief/engine';
import type { Router } from 'express';
import { type MyProfileRow, MyProfilesPage } from '../pages/my-profiles.js';
import { ProfilePage } from '../pages/profile.js';
import { revisionRequest } from '../revision.js';
import { UUID, type Web } from '../web.js';

/** Meine Steckbriefe and the profile page (also under the mails' old path /profiles/<id>). */
export function profileRoutes(pages: Router, web: Web): void {
  const { registry, engine, send, ctxOf, requireUser, presentationOf, editableView } = web;
  const creatorRoles = new Set(registry.list().flatMap((d) => d.creatorRoles));

  pages.get('/meine-steckbriefe', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    // The organisation's own profiles: what the actor's creator roles (owner-scoped) reach, each
    // with its next task, in one query.
    const own: Actor = { ...actor, grants: actor.grants.filter((g) => creatorRoles.has(g.role)) };
    const { items } = await listProfilesWithNextTask(engine, own, { limit: 100 });
    const rows: MyProfileRow[] = items.map((p) => ({
      id: p.id,
      title: p.title,
      stateLabel: p.stateLabel.de,
      tone: presentationOf(p.workflow)?.stateTones[p.state] ?? 'info',
      nextStep: p.nextTask?.label.de ?? null,
      dueAt: p.nextTask?.dueAt ?? null,
      updatedAt: p.updatedAt,
    }));
    send(res, <MyProfilesPage ctx={ctxOf(res)} rows={rows} create={web.creatableOf(actor)} />);
  });

  // Every mail sent so far links to /profiles/<id>.
  pages.get('/profiles/:id', (req, res) => {
    res.redirect(301, `/profile/${encodeURIComponent(req.params.id)}`);
  });

  pages.get('/profile/:id', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    if (!UUID.test(req.params.id)) throw new NotFound('Profil nicht gefunden.');
    // One query: the profile, its open tasks and its history.
    const loaded = await profileWithHistory(engine, actor, req.params.id);
    const { profile, definition, presentation, canEdit } = editableView(actor, loaded.profile);
    const { history } = loaded;
    const canWithdraw = profile.availableEvents.some((e) => e.type === presentation.withdrawEvent);
    const ctx = ctxOf(res);
    const notes =
      ctx.reviewer && (await mayWriteNotes(engine, actor, profile.id))
        ? { saved: req.query.notiz === 'gespeichert' }
        : null;
    send(
      res,
      <ProfilePage
        ctx={ctx}
        profile={profile}
        definition={definition}
        presentation={presentation}
        history={history}
        notes={notes}
        editHref={canEdit ? `/profile/${profile.id}/abschnitte` : null}
        withdrawHref={canWithdraw ? `/profile/${profile.id}/zurueckziehen` : null}
        revision={revisionRequest(presentation, profile, history)}
      />,
    );
  });
}
