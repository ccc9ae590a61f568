import {
  applyEvent,
  createProfile,
  type EngineDeps,
  getProfile,
  listProfiles,
  PreconditionRequired,
  patchProfileData,
  profileHistory,
} from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { body, etag, idempotencyKey, ifMatchVersion, query } from '../http.js';

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
const listQuery = z
  .object({
    state: z.string().max(64).optional(),
    werkstatt: z.coerce.number().int().min(1).max(5).optional(),
    q: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export function profileRoutes(deps: EngineDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const input = body(createBody, req);
    const profile = await createProfile(deps, actorOf(req), input);
    res.status(201).location(`/api/v1/profiles/${profile.id}`).setHeader('ETag', etag(profile.version)).json(profile);
  });

  router.get('/', async (req, res) => {
    const q = query(listQuery, req);
    const page = await listProfiles(deps, actorOf(req), {
      state: q.state,
      q: q.q,
      limit: q.limit,
      cursor: q.cursor,
      scope: q.werkstatt ? { werkstatt: String(q.werkstatt) } : undefined,
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
