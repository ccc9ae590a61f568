import { claimTask, type EngineDeps, listTasks, releaseTask, setTaskDue } from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { body, query } from '../http.js';

const listQuery = z
  .object({
    status: z.enum(['open', 'done', 'cancelled']).default('open'),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
const patchBody = z.object({ dueAt: z.iso.datetime({ offset: true }).nullable() }).strict();

export function taskRoutes(deps: EngineDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = query(listQuery, req);
    res.json({ items: await listTasks(deps, actorOf(req), q) });
  });
  router.post('/:id/claim', async (req, res) => {
    res.json(await claimTask(deps, actorOf(req), req.params.id));
  });
  router.post('/:id/release', async (req, res) => {
    res.json(await releaseTask(deps, actorOf(req), req.params.id));
  });
  router.patch('/:id', async (req, res) => {
    const { dueAt } = body(patchBody, req);
    res.json(await setTaskDue(deps, actorOf(req), req.params.id, dueAt === null ? null : new Date(dueAt)));
  });
  return router;
}
