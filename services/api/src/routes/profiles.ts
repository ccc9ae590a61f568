import {
  applyEvent,
  createProfile,
  type EngineDeps,
  getProfile,
  listProfiles,
  PreconditionRequired,
  parseScopeFilter,
  patchProfileData,
  profileHistory,
  scopeFilterShape,
  type WorkflowRegistry,
} from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { body, etag, idempotencyKey, ifMatchVersion, query } from '../http.js';
import type { Operation } from '../openapi/operation.js';

const createBody = z
  .object({ workflow: z.string().min(1).max(100).optional(), data: z.record(z.string(), z.unknown()).default({}) })
  .strict();
const patchBody = z.object({ data: z.record(z.string(), z.unknown()) }).strict();
const eventBody = z
  .object({
    type: z.string().min(1).max(64),
    payload: z.record(z.string(), z.unknown()).optional(),
    comment: z.string().max(5000).optional(),
  })
  .strict();
/** The list's query: its own fields and one filter per scope attribute of the registry's roles. */
const listQuery = (registry: WorkflowRegistry) =>
  z
    .object({
      state: z.string().max(64).optional(),
      q: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(100).optional(),
      cursor: z.string().max(500).optional(),
      ...scopeFilterShape(registry),
    })
    .strict();

/** The roles that create (and edit) profiles in any workflow of the registry. */
const creatorRoles = (registry: WorkflowRegistry) => [...new Set(registry.list().flatMap((d) => d.creatorRoles))];

const profile = (description: string, headers = ['ETag']) => ({ description, schema: 'ProfileView', headers });

export const profileOperations = (registry: WorkflowRegistry): Operation[] => [
  {
    method: 'post',
    path: '/api/v1/profiles',
    tag: 'Profiles',
    summary: 'Create a profile in draft / Steckbrief anlegen',
    description: '`data` may be incomplete in draft; the workflow’s ProfileData schema applies on submission.',
    roles: creatorRoles(registry),
    body: createBody,
    // A draft may be any object; complete, it is the workflow's ProfileData.
    documentBody: (schema, workflows) => ({
      ...schema,
      properties: {
        ...(schema.properties as Record<string, unknown>),
        data: {
          anyOf: [...workflows.map((w) => ({ $ref: `#/components/schemas/${w}.ProfileData` })), { type: 'object' }],
        },
      },
    }),
    responses: { 201: profile('Created in draft', ['ETag', 'Location']) },
  },
  {
    method: 'get',
    path: '/api/v1/profiles',
    tag: 'Profiles',
    summary: 'List visible profiles, newest first / Steckbriefe auflisten',
    roles: 'user',
    query: listQuery(registry),
    responses: { 200: { description: 'One page; pass nextCursor as cursor for the next', schema: 'ProfilePage' } },
  },
  {
    method: 'get',
    path: '/api/v1/profiles/{id}',
    tag: 'Profiles',
    summary: 'Read a profile / Steckbrief lesen',
    roles: 'user',
    responses: { 200: profile('The profile') },
  },
  {
    method: 'patch',
    path: '/api/v1/profiles/{id}',
    tag: 'Profiles',
    summary: 'Change the data (JSON Merge Patch) / Daten ändern',
    description: 'Owner only, in draft or revision. If-Match is required.',
    roles: creatorRoles(registry),
    body: patchBody,
    headers: ['If-Match'],
    responses: { 200: profile('Changed') },
    problems: [409, 412, 428],
  },
  {
    method: 'post',
    path: '/api/v1/profiles/{id}/events',
    tag: 'Profiles',
    summary: 'Send an event, e.g. SUBMIT / Ereignis senden',
    description:
      'Which roles may send which event in which state, and each payload: see GET /api/v1/workflows/{id} and the ' +
      'schema <workflow>.EventRequest. 409 when the state does not allow the event, 422 when the payload or a guard fails.',
    roles: 'user',
    body: eventBody,
    // The engine checks the event and its payload against the profile's workflow.
    documentBody: (_schema, workflows) => ({
      anyOf: workflows.map((w) => ({ $ref: `#/components/schemas/${w}.EventRequest` })),
    }),
    headers: ['If-Match', 'Idempotency-Key'],
    responses: { 200: profile('The profile after the transition', ['ETag', 'Idempotent-Replayed']) },
    problems: [403, 409, 412],
  },
  {
    method: 'get',
    path: '/api/v1/profiles/{id}/history',
    tag: 'Profiles',
    summary: 'Transitions of a profile / Verlauf',
    roles: 'user',
    responses: { 200: { description: 'Oldest first', schema: 'History' } },
  },
];

export function profileRoutes(deps: EngineDeps): Router {
  const router = Router();
  const listSchema = listQuery(deps.registry);

  router.post('/', async (req, res) => {
    const input = body(createBody, req);
    const profile = await createProfile(deps, actorOf(req), input);
    res.status(201).location(`/api/v1/profiles/${profile.id}`).setHeader('ETag', etag(profile.version)).json(profile);
  });

  router.get('/', async (req, res) => {
    const q = query(listSchema, req);
    const scope = parseScopeFilter(deps.registry, q, 'query');
    const page = await listProfiles(deps, actorOf(req), {
      state: q.state,
      q: q.q,
      limit: q.limit,
      cursor: q.cursor,
      scope: Object.keys(scope).length ? scope : undefined,
    });
    res.json(page);
  });

  router.get('/:id', async (req, res) => {
    const profile = await getProfile(deps, actorOf(req), req.params.id);
    res.setHeader('ETag', etag(profile.version)).json(profile);
  });

  router.patch('/:id', async (req, res) => {
    const expectedVersion = ifMatchVersion(req);
    const { data } = body(patchBody, req);
    if (expectedVersion === undefined) {
      throw new PreconditionRequired(
        'Änderungen brauchen If-Match mit der gelesenen Version. / Changes require If-Match with the version read.',
      );
    }
    const profile = await patchProfileData(deps, actorOf(req), { profileId: req.params.id, data, expectedVersion });
    res.setHeader('ETag', etag(profile.version)).json(profile);
  });

  router.post('/:id/events', async (req, res) => {
    const expectedVersion = ifMatchVersion(req);
    const key = idempotencyKey(req);
    const input = body(eventBody, req);
    const result = await applyEvent(deps, actorOf(req), {
      profileId: req.params.id,
      type: input.type,
      payload: input.payload,
      comment: input.comment,
      expectedVersion,
      idempotencyKey: key,
    });
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.setHeader('ETag', etag(result.profile.version)).json(result.profile);
  });

  router.get('/:id/history', async (req, res) => {
    res.json({ items: await profileHistory(deps, actorOf(req), req.params.id) });
  });

  return router;
}
