/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { contentDisposition, NotFound, publishedMinutes, publishedSessionMinutes } from '@steckbrief/engine';
import { minutesMarkdown, minutesPdf } from '@steckbrief/minutes';
import type { Router } from 'express';
import { AccessibilityPage, ImprintPage, PrivacyPage } from '../pages/legal.js';
import { WerkstaettenPage, WerkstattPage } from '../pages/werkstaetten.js';
import { confirmedProjects, nextSessionDates, werkstattSessionKinds } from '../public-data.js';
import type { Web } from '../web.js';

/** `<session id>.pdf` or `<session id>.md`: the published minutes of one session as a download. */
const MINUTES_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(pdf|md)$/;

/** The pages anyone may read: the Werkstätten with what the IMAG confirmed, and the legal pages. */
export function publicRoutes(pages: Router, web: Web): void {
  const { db, registry, now, engine, operator, send, ctxOf, presentationOf } = web;

  const publicDefinition = () => registry.get(registry.defaultWorkflowId);
  const werkstaetten = () => presentationOf(registry.defaultWorkflowId)?.werkstaetten ?? [];
  const werkstattOf = (n: string) => {
    const werkstatt = werkstaetten().find((w) => String(w.number) === n);
    if (!werkstatt) throw new NotFound('Werkstatt nicht gefunden.');
    return werkstatt;
  };

  pages.get('/werkstaetten', (_req, res) => {
    send(res, <WerkstaettenPage ctx={ctxOf(res)} werkstaetten={werkstaetten()} />);
  });

  pages.get('/werkstaetten/:n', async (req, res) => {
    const werkstatt = werkstattOf(req.params.n);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(now());
    const definition = publicDefinition();
    const [projects, sessionDates, minutes] = await Promise.all([
      confirmedProjects(db, definition, werkstatt.number),
      nextSessionDates(db, definition, werkstatt.number, today),
      publishedMinutes(engine, {
        workflowId: definition.id,
        scopeValue: String(werkstatt.number),
        kinds: werkstattSessionKinds(definition),
      }),
    ]);
    send(
      res,
      <WerkstattPage
        ctx={ctxOf(res)}
        werkstatt={werkstatt}
        projects={projects}
        sessionDates={sessionDates}
        minutes={minutes}
      />,
    );
  });

  // Only published minutes, and only under their own Werkstatt: a draft, or another Werkstatt's, is 404.
  pages.get('/werkstaetten/:n/protokolle/:file', async (req, res) => {
    const werkstatt = werkstattOf(req.params.n);
    const [, sessionId, format] = MINUTES_FILE.exec(req.params.file) ?? [];
    if (!sessionId) throw new NotFound('Protokoll nicht gefunden.');
    const definition = publicDefinition();
    const minutes = await publishedSessionMinutes(engine, {
      sessionId,
      workflowId: definition.id,
      scopeValue: String(werkstatt.number),
    });
    if (!werkstattSessionKinds(definition).includes(minutes.session.kind)) {
      throw new NotFound('Protokoll nicht gefunden.');
    }
    const name = `Ergebnisprotokoll Werkstatt ${werkstatt.number} ${minutes.session.date}.${format}`;
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

  pages.get('/barrierefreiheit', (_req, res) => send(res, <AccessibilityPage ctx={ctxOf(res)} operator={operator} />));
  pages.get('/datenschutz', (_req, res) => send(res, <PrivacyPage ctx={ctxOf(res)} operator={operator} />));
  pages.get('/impressum', (_req, res) => send(res, <ImprintPage ctx={ctxOf(res)} operator={operator} />));
}
