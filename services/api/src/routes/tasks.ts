import { claimTask, type EngineDeps, listTasks, releaseTask, setTaskDue, taskCounts } from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { boundedDateTime } from '../dates.js';
import { body, query } from '../http.js';
import type { Operation } from '../openapi/operation.js';

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
const patchBody = z.object({ dueAt: boundedDateTime('Frist', 'dueAt').nullable() }).strict();

const task = (description: string) => ({ description, schema: 'InboxTask' });

export const taskOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/tasks',
    tag: 'Tasks',
    summary: 'Inbox: tasks of the caller’s roles and scopes / Aufgaben',
    roles: 'user',
    query: listQuery,
    responses: { 200: { description: 'Tasks and the inbox badge', schema: 'TaskList' } },
  },
  {
    method: 'get',
    path: '/api/v1/tasks/counts',
    tag: 'Tasks',
    summary: 'Open and overdue tasks per state / Aufgaben zählen',
    roles: 'user',
    responses: { 200: { description: 'Counts', schema: 'TaskCounts' } },
  },
  {
    method: 'post',
    path: '/api/v1/tasks/{id}/claim',
    tag: 'Tasks',
    summary: 'Claim a task of one’s group / Aufgabe übernehmen',
    roles: 'user',
    responses: { 200: task('Claimed') },
    problems: [403, 409],
  },
  {
    method: 'post',
    path: '/api/v1/tasks/{id}/release',
    tag: 'Tasks',
    summary: 'Release a claimed task / Aufgabe freigeben',
    roles: 'user',
    responses: { 200: task('Released') },
    problems: [403, 409],
  },
  {
    method: 'patch',
    path: '/api/v1/tasks/{id}',
    tag: 'Tasks',
    summary: 'Move the due date / Frist ändern',
    roles: ['wrl'],
    body: patchBody,
    responses: { 200: task('Changed') },
    problems: [409],
  },
];

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
