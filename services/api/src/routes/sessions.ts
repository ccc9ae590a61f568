import {
  applyDecisions,
  createSession,
  type EngineDeps,
  getSession,
  listSessions,
  parseScopeFilter,
  publishMinutes,
  scopeAttributes,
  sessionMinutes,
  setAgenda,
  unpublishMinutes,
  type WorkflowRegistry,
} from '@steckbrief/engine';
import { minutesMarkdown, minutesPdf } from '@steckbrief/minutes';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { boundedDate } from '../dates.js';
import { body, query } from '../http.js';
import type { Operation } from '../openapi/operation.js';

/**
 * A new session; a kind held per scope value names it in the field of its scope attribute (`{"panel":
 * "north"}`), one optional field per attribute of the registry's roles.
 */
const createBody = (registry: WorkflowRegistry) =>
  z
    .object({
      workflow: z.string().min(1).max(100).optional(),
      kind: z.string().min(1).max(50),
      date: boundedDate('Datum', 'date'),
      title: z.string().trim().min(3).max(300),
      ...Object.fromEntries(
        scopeAttributes(registry).map((a) => [
          a.name,
          z
            .union([z.string().max(100), z.number()])
            .optional()
            .describe(`Scope of a session kind held per ${a.name}`),
        ]),
      ),
    })
    .strict();

/** Roles that plan sessions, and roles that take part in them, in any workflow of the registry. */
const managerRoles = (registry: WorkflowRegistry) => [
  ...new Set(registry.list().flatMap((d) => d.sessionManagerRoles ?? [])),
];
const participantRoles = (registry: WorkflowRegistry) => [
  ...new Set([
    ...managerRoles(registry),
    ...registry.list().flatMap((d) => Object.values(d.sessions ?? {}).flatMap((k) => k.memberRoles)),
  ]),
];
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

export const sessionOperations = (registry: WorkflowRegistry): Operation[] => [
  {
    method: 'get',
    path: '/api/v1/sessions',
    tag: 'Sessions',
    summary: 'Sessions the caller takes part in / Sitzungen',
    roles: 'user',
    responses: { 200: { description: 'Sessions', schema: 'SessionList' } },
  },
  {
    method: 'post',
    path: '/api/v1/sessions',
    tag: 'Sessions',
    summary: 'Plan a session / Sitzung anlegen',
    roles: managerRoles(registry),
    body: createBody(registry),
    responses: { 201: { description: 'Created', schema: 'SessionView', headers: ['Location'] } },
  },
  {
    method: 'get',
    path: '/api/v1/sessions/{id}',
    tag: 'Sessions',
    summary: 'A session with its agenda / Sitzung mit Tagesordnung',
    roles: 'user',
    responses: { 200: { description: 'The session', schema: 'SessionView' } },
  },
  {
    method: 'put',
    path: '/api/v1/sessions/{id}/agenda',
    tag: 'Sessions',
    summary: 'Replace the agenda / Tagesordnung festlegen',
    roles: managerRoles(registry),
    body: agendaBody,
    responses: { 200: { description: 'The session', schema: 'SessionView' } },
    problems: [409],
  },
  {
    method: 'post',
    path: '/api/v1/sessions/{id}/decisions',
    tag: 'Sessions',
    summary: 'Record decisions, each atomic on its own / Beschlüsse erfassen',
    description: 'Each decision is an event on its profile; a failed one does not stop the others.',
    roles: participantRoles(registry),
    body: decisionsBody,
    responses: { 200: { description: 'One result per decision', schema: 'DecisionResults' } },
  },
  {
    method: 'get',
    path: '/api/v1/sessions/{id}/minutes',
    tag: 'Sessions',
    summary: 'Minutes as Markdown or PDF / Ergebnisprotokoll',
    description: '`format` wins over the Accept header; Markdown by default.',
    roles: 'user',
    query: minutesQuery,
    responses: {
      200: {
        description: 'The Ergebnisprotokoll',
        content: {
          'text/markdown': { type: 'string' },
          'application/pdf': { type: 'string', contentMediaType: 'application/pdf' },
        },
      },
    },
  },
  {
    method: 'post',
    path: '/api/v1/sessions/{id}/minutes/publish',
    tag: 'Sessions',
    summary: 'Publish the minutes / Ergebnisprotokoll veröffentlichen',
    description:
      'The minutes as they read now become public (the web’s public pages list them). Only for a session whose ' +
      'date is today or past, or that has a decision (409 otherwise). Publishing published minutes changes ' +
      'nothing; 404 for callers who may not see the session.',
    roles: managerRoles(registry),
    responses: { 200: { description: 'Published', schema: 'MinutesPublication' } },
    problems: [409],
  },
  {
    method: 'delete',
    path: '/api/v1/sessions/{id}/minutes/publish',
    tag: 'Sessions',
    summary: 'Withdraw the published minutes / Veröffentlichung zurücknehmen',
    description: 'The minutes are no longer public; withdrawing an unpublished one changes nothing.',
    roles: managerRoles(registry),
    responses: { 200: { description: 'Not published', schema: 'MinutesPublication' } },
  },
];

export function sessionRoutes(deps: EngineDeps): Router {
  const router = Router();
  const createSchema = createBody(deps.registry);
  router.get('/', async (req, res) => {
    res.json({ items: await listSessions(deps, actorOf(req)) });
  });
  router.post('/', async (req, res) => {
    const input = body(createSchema, req);
    const scope = parseScopeFilter(deps.registry, input, 'body');
    const definition = deps.registry.get(input.workflow ?? deps.registry.defaultWorkflowId);
    const attribute = definition.sessions?.[input.kind]?.scopeAttribute;
    const session = await createSession(deps, actorOf(req), {
      workflow: input.workflow,
      kind: input.kind,
      scopeValue: attribute ? scope[attribute] : undefined,
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
    const minutes = await sessionMinutes(deps, actorOf(req), req.params.id);
    const wantsPdf =
      format === 'pdf' ||
      (format === undefined && req.accepts(['text/markdown', 'application/pdf']) === 'application/pdf');
    if (wantsPdf) {
      res
        .type('application/pdf')
        .setHeader('Content-Disposition', `inline; filename="ergebnisprotokoll-${req.params.id}.pdf"`)
        .send(await minutesPdf(minutes));
      return;
    }
    res.type('text/markdown; charset=utf-8').send(minutesMarkdown(minutes));
  });
  router.post('/:id/minutes/publish', async (req, res) => {
    res.json(await publishMinutes(deps, actorOf(req), req.params.id));
  });
  router.delete('/:id/minutes/publish', async (req, res) => {
    res.json(await unpublishMinutes(deps, actorOf(req), req.params.id));
  });
  return router;
}
