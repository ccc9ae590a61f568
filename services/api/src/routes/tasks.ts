import {
  claimTask,
  type EngineDeps,
  listTasks,
  parseScopeFilter,
  releaseTask,
  scopeFilterShape,
  setTaskDue,
  taskCounts,
  type WorkflowRegistry,
} from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { boundedDateTime } from '../dates.js';
import { body, query } from '../http.js';
import type { Operation } from '../openapi/operation.js';

/** The inbox's query: its own fields and one filter per scope attribute of the registry's roles. */
const listQuery = (registry: WorkflowRegistry) =>
  z
    .object({
      status: z.enum(['open', 'done', 'cancelled']).default('open'),
      workflow: z.string().max(100).optional(),
      overdue: z.enum(['true', 'false']).optional(),
      dueBefore: z.iso.datetime({ offset: true }).optional(),
      sort: z.enum(['due', 'created']).default('due'),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      ...scopeFilterShape(registry),
    })
    .strict();
const patchBody = z.object({ dueAt: boundedDateTime('Frist', 'dueAt').nullable() }).strict();

const task = (description: string) => ({ description, schema: 'InboxTask' });

export const taskOperations = (registry: WorkflowRegistry): Operation[] => [
  {
    method: 'get',
    path: '/api/v1/tasks',
    tag: 'Tasks',
    summary: 'Inbox: tasks of the caller’s roles and scopes / Aufgaben',
    roles: 'user',
    query: listQuery(registry),
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
    roles: [...new Set(registry.list().flatMap((d) => d.deadlineRoles))],
    body: patchBody,
    responses: { 200: task('Changed') },
    problems: [409],
  },
];

export function taskRoutes(deps: EngineDeps): Router {
  const router = Router();
  const listSchema = listQuery(deps.registry);
  router.get('/', async (req, res) => {
    const q = query(listSchema, req);
    const actor = actorOf(req);
    const scope = parseScopeFilter(deps.registry, q, 'query');
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
