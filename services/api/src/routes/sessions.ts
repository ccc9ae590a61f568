import {
  applyDecisions,
  createSession,
  type EngineDeps,
  getSession,
  listSessions,
  sessionMinutes,
  setAgenda,
} from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { body, query } from '../http.js';
import { minutesMarkdown, minutesPdf } from '../render/minutes.js';

const createBody = z
  .object({
    workflow: z.string().min(1).max(100).optional(),
    kind: z.string().min(1).max(50),
    werkstatt: z.number().int().min(1).max(5).optional(),
    date: z.iso.date(),
    title: z.string().trim().min(3).max(300),
  })
  .strict();
const agendaBody = z.object({ profileIds: z.array(z.string().max(100)).max(500) }).strict();
const decisionsBody = z
  .object({
    decisions: z
      .array(
        z
          .object({
            profileId: z.string().max(100),
            type: z.string().min(1).max(64),
            payload: z.record(z.string(), z.unknown()).optional(),
            comment: z.string().max(5000).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(500),
  })
  .strict();
const minutesQuery = z.object({ format: z.enum(['md', 'pdf']).optional() }).strict();

export function sessionRoutes(deps: EngineDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json({ items: await listSessions(deps, actorOf(req)) });
  });
  router.post('/', async (req, res) => {
    const input = body(createBody, req);
    const session = await createSession(deps, actorOf(req), {
      workflow: input.workflow,
      kind: input.kind,
      scopeValue: input.werkstatt === undefined ? undefined : String(input.werkstatt),
      date: input.date,
      title: input.title,
    });
    res.status(201).location(`/api/v1/sessions/${session.id}`).json(session);
  });
  router.get('/:id', async (req, res) => {
    res.json(await getSession(deps, actorOf(req), req.params.id));
  });
  router.put('/:id/agenda', async (req, res) => {
    const { profileIds } = body(agendaBody, req);
    res.json(await setAgenda(deps, actorOf(req), req.params.id, profileIds));
  });
  router.post('/:id/decisions', async (req, res) => {
    const { decisions } = body(decisionsBody, req);
    res.json(await applyDecisions(deps, actorOf(req), req.params.id, decisions));
  });
  router.get('/:id/minutes', async (req, res) => {
    const { format } = query(minutesQuery, req);
    const markdown = minutesMarkdown(await sessionMinutes(deps, actorOf(req), req.params.id));
    const wantsPdf =
      format === 'pdf' ||
      (format === undefined && req.accepts(['text/markdown', 'application/pdf']) === 'application/pdf');
    if (wantsPdf) {
      res
        .type('application/pdf')
        .setHeader('Content-Disposition', `inline; filename="ergebnisprotokoll-${req.params.id}.pdf"`)
        .send(await minutesPdf(markdown));
      return;
    }
    res.type('text/markdown; charset=utf-8').send(markdown);
  });
  return router;
}
