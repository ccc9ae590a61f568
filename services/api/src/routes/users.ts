import type { Db } from '@steckbrief/db';
import { Conflict, NotFound, SYSTEM_ROLES, type WorkflowRegistry } from '@steckbrief/engine';
import { Router } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { actorOf, issueToken, requireRole } from '../auth.js';
import { body } from '../http.js';

/** A grant per known role; scoped roles require their attribute (e.g. `werkstatt` 1–5, `ministry` code). */
function grantSchema(registry: WorkflowRegistry) {
  const variants = [...registry.roles.entries()].map(([role, spec]) =>
    spec.scope.kind === 'attribute'
      ? z.object({ role: z.literal(role), [spec.scope.attribute]: spec.scope.values }).strict()
      : z.object({ role: z.literal(role) }).strict(),
  );
  for (const role of SYSTEM_ROLES) variants.push(z.object({ role: z.literal(role) }).strict());
  const known = [...registry.roles.keys(), ...SYSTEM_ROLES];
  return z.discriminatedUnion('role', variants as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: (iss) =>
      iss.code === 'invalid_union' ? `Unbekannte Rolle; erlaubt: ${known.join(', ')} / Unknown role` : undefined,
  });
}

export function userRoutes(db: Db, registry: WorkflowRegistry): Router {
  const createBody = z
    .object({
      email: z.email().max(320),
      name: z.string().trim().min(1).max(200),
      organisation: z.string().trim().min(1).max(200).optional(),
      roles: z.array(grantSchema(registry)).min(1).max(50),
    })
    .strict();
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
    const input = body(createBody, req);
    const created = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('users')
        .values({
          email: input.email,
          name: input.name,
          organisation: input.organisation ?? null,
          roles: JSON.stringify(input.roles),
        })
        .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row)
        throw new Conflict('Diese E-Mail-Adresse ist bereits registriert. / This e-mail is already registered.');
      return { id: row.id, token: await issueToken(trx, row.id, 'initial') };
    });
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
