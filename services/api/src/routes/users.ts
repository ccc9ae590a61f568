import { createUser, issueToken, newUserSchema } from '@steckbrief/accounts';
import type { Db } from '@steckbrief/db';
import { NotFound, type WorkflowRegistry } from '@steckbrief/engine';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, requireRole } from '../auth.js';
import { body } from '../http.js';

export function userRoutes(db: Db, registry: WorkflowRegistry): Router {
  const createBody = newUserSchema(registry);
  const tokenBody = z.object({ label: z.string().max(200).optional() }).strict();
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
    const user = /^[0-9a-f-]{36}$/i.test(id)
      ? await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!user) throw new NotFound('Benutzer nicht gefunden. / User not found.');
    res.status(201).json({ token: await issueToken(db, user.id, label ?? null) });
  });

  return router;
}
