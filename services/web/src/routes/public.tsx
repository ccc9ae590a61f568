/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import {
  contentDisposition,
  NotFound,
  type PublicPresentation,
  publishedMinutes,
  publishedSessionMinutes,
  type WorkflowDefinition,
} from '@steckbrief/engine';
import { minutesMarkdown, minutesPdf } from '@steckbrief/minutes';
import type { Router } from 'express';
import { AccessibilityPage, ImprintPage, PrivacyPage } from '../pages/legal.js';
import { PublicGroupPage, PublicGroupsPage } from '../pages/public-groups.js';
import { confirmedProjects, type GroupRef, groupSessionKinds, nextSessionDates } from '../public-data.js';
import type { Web } from '../web.js';

/** `<session id>.pdf` or `<session id>.md`: the published minutes of one session as a download. */
const MINUTES_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(pdf|md)$/;

/** The workflows that publish something, each with its public pages (the definition's `presentation.public`). */
export function publicPagesOf(
  web: Pick<Web, 'registry'>,
): Array<{ definition: WorkflowDefinition; pages: PublicPresentation }> {
  return web.registry
    .list()
    .flatMap((definition) =>
      definition.presentation?.public ? [{ definition, pages: definition.presentation.public }] : [],
    );
}

/** The first path of the public pages (the deployment's default workflow first), for visitors who are not signed in. */
export function publicHome(web: Pick<Web, 'registry'>): string {
  const all = publicPagesOf(web);
  const first = all.find((p) => p.definition.id === web.registry.defaultWorkflowId) ?? all[0];
  return first ? `/${first.pages.path}` : '/barrierefreiheit';
}

/** The pages anyone may read: per workflow its public groups with what was confirmed there, and the legal pages. */
export function publicRoutes(pages: Router, web: Web): void {
  const { db, now, engine, operator, send, ctxOf } = web;

  for (const { definition, pages: spec } of publicPagesOf(web)) {
    const groupOf = (value: string) => {
      const group = spec.groups.find((g) => g.value === value);
      if (!group) throw new NotFound('Seite nicht gefunden.');
      return group;
    };
    const ref = (value: string): GroupRef => ({ attribute: spec.attribute, value, placeField: spec.placeField });
    const kinds = groupSessionKinds(definition, spec.attribute);

    pages.get(`/${spec.path}`, (_req, res) => {
      send(res, <PublicGroupsPage ctx={ctxOf(res)} pages={spec} />);
    });

    pages.get(`/${spec.path}/:group`, async (req, res) => {
      const group = groupOf(req.params.group);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(now());
      const [projects, sessionDates, minutes] = await Promise.all([
        confirmedProjects(db, definition, ref(group.value)),
        nextSessionDates(db, definition, ref(group.value), today),
        publishedMinutes(engine, { workflowId: definition.id, scopeValue: group.value, kinds }),
      ]);
      send(
        res,
        <PublicGroupPage
          ctx={ctxOf(res)}
          pages={spec}
          group={group}
          projects={projects}
          sessionDates={sessionDates}
          minutes={minutes}
        />,
      );
    });

    // Only published minutes, and only under their own group: a draft, or another group's, is 404.
    pages.get(`/${spec.path}/:group/protokolle/:file`, async (req, res) => {
      const group = groupOf(req.params.group);
      const [, sessionId, format] = MINUTES_FILE.exec(req.params.file) ?? [];
      if (!sessionId) throw new NotFound('Protokoll nicht gefunden.');
      const minutes = await publishedSessionMinutes(engine, {
        sessionId,
        workflowId: definition.id,
        scopeValue: group.value,
      });
      if (!kinds.includes(minutes.session.kind)) throw new NotFound('Protokoll nicht gefunden.');
      const name = `Ergebnisprotokoll ${group.shortName} ${minutes.session.date}.${format}`;
      const body = format === 'pdf' ? await minutesPdf(minutes) : Buffer.from(minutesMarkdown(minutes), 'utf8');
      res
        .status(200)
        .set({
          'Content-Type': format === 'pdf' ? 'application/pdf' : 'text/markdown; charset=utf-8',
          'Content-Length': String(body.byteLength),
          'Content-Disposition': contentDisposition(name),
          'X-Content-Type-Options': 'nosniff',
          // A withdrawn publication must not live on in a cache.
          'Cache-Control': 'no-cache',
        })
        .end(body);
    });
  }

  pages.get('/barrierefreiheit', (_req, res) => send(res, <AccessibilityPage ctx={ctxOf(res)} operator={operator} />));
  pages.get('/datenschutz', (_req, res) => send(res, <PrivacyPage ctx={ctxOf(res)} operator={operator} />));
  pages.get('/impressum', (_req, res) => send(res, <ImprintPage ctx={ctxOf(res)} operator={operator} />));
}
