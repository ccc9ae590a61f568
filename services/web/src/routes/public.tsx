/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { NotFound } from '@steckbrief/engine';
import type { Router } from 'express';
import { AccessibilityPage, ImprintPage, PrivacyPage } from '../pages/legal.js';
import { WerkstaettenPage, WerkstattPage } from '../pages/werkstaetten.js';
import { confirmedProjects, nextSessionDates } from '../public-data.js';
import type { Web } from '../web.js';

/** The pages anyone may read: the Werkstätten with what the IMAG confirmed, and the legal pages. */
export function publicRoutes(pages: Router, web: Web): void {
  const { db, registry, now, operator, send, ctxOf, presentationOf } = web;

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
}
