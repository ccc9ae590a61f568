import { createUser, issueToken, newUserSchema } from '@steckbrief/accounts';
import type { Db } from '@steckbrief/db';
import { isUuid, NotFound, type WorkflowRegistry } from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, requireRole } from '../auth.js';
import { body } from '../http.js';
import type { Operation } from '../openapi/operation.js';

const tokenBody = z.object({ label: z.string().max(200).optional() }).strict();

/** The roles a user may get depend on the deployment's workflows, so the table is built from the registry. */
export const userOperations = (registry: WorkflowRegistry): Operation[] => [
  {
    method: 'post',
    path: '/api/v1/users',
    tag: 'Users',
    summary: 'Create a user with a first token / Benutzer anlegen',
    roles: ['admin'],
    body: newUserSchema(registry),
    responses: {
      201: { description: 'Created; the token is shown once', schema: 'CreatedUser', headers: ['Location'] },
    },
    problems: [409],
  },
  {
    method: 'get',
    path: '/api/v1/users/me',
    tag: 'Users',
    summary: 'The caller / Eigenes Konto',
    roles: 'user',
    responses: { 200: { description: 'The caller’s account and roles', schema: 'User' } },
  },
  {
    method: 'post',
    path: '/api/v1/users/{id}/tokens',
    tag: 'Users',
    summary: 'Issue another token / Weiteres Token ausgeben',
    roles: ['admin'],
    body: tokenBody,
    responses: { 201: { description: 'The token, shown once', schema: 'Token' } },
  },
];

export function userRoutes(db: Db, registry: WorkflowRegistry): Router {
  const createBody = newUserSchema(registry);
  const router = Router();

  router.get('/me', async (req, res) => {
    const actor = actorOf(req);
    if (!actor.userId) {
      res.json({ id: null, name: 'ADMIN_TOKEN', roles: actor.grants });
      return;
    }
    const user = await db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'organisation', 'roles', 'created_at'])
      .where('id', '=', actor.userId)
      .executeTakeFirstOrThrow();
    res.json(user);
  });

  router.post('/', requireRole('admin'), async (req, res) => {
    const created = await createUser(db, body(createBody, req));
    res.status(201).location(`/api/v1/users/${created.id}`).json(created);
  });

  router.post('/:id/tokens', requireRole('admin'), async (req, res) => {
    const { label } = body(tokenBody, req);
    const id = String(req.params.id);
    const user = isUuid(id)
      ? await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!user) throw new NotFound('Benutzer nicht gefunden. / User not found.');
    res.status(201).json({ token: await issueToken(db, user.id, label ?? null) });
  });

  return router;
}
