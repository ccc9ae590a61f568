import { claimTask, type EngineDeps, listTasks, releaseTask, setTaskDue, taskCounts } from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { body, query } from '../http.js';

const listQuery = z
  .object({
    status: z.enum(['open', 'done', 'cancelled']).default('open'),
    workflow: z.string().max(100).optional(),
    werkstatt: z.coerce.number().int().min(1).max(5).optional(),
    ministry: z
      .string()
      .regex(/^[A-Z]{2,6}$/)
      .optional(),
    overdue: z.enum(['true', 'false']).optional(),
    dueBefore: z.iso.datetime({ offset: true }).optional(),
    sort: z.enum(['due', 'created']).default('due'),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
const patchBody = z.object({ dueAt: z.iso.datetime({ offset: true }).nullable() }).strict();

export function taskRoutes(deps: EngineDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = query(listQuery, req);
    const actor = actorOf(req);
    const scope: Record<string, string> = {};
    if (q.werkstatt !== undefined) scope.werkstatt = String(q.werkstatt);
    if (q.ministry) scope.ministry = q.ministry;
    const [items, counts] = await Promise.all([
      listTasks(deps, actor, {
        status: q.status,
        workflow: q.workflow,
        scope,
        overdue: q.overdue === 'true',
        dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined,
        sort: q.sort,
        limit: q.limit,
      }),
      taskCounts(deps, actor),
    ]);
    res.json({ items, counts });
  });
  router.get('/counts', async (req, res) => {
    res.json(await taskCounts(deps, actorOf(req)));
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
