import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '@steckbrief/db';
import { type Actor, Forbidden, hasRole, Unauthenticated } from '@steckbrief/engine';
import type { RequestHandler } from 'express';

declare global {
  namespace Express {
    interface Request {
      actor?: Actor;
    }
  }
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** 256 random bits, prefixed so that leaked tokens are recognisable by secret scanners. */
export const newToken = () => `stb_${randomBytes(32).toString('base64url')}`;

export function issueToken(db: Db, userId: string, label: string | null = null) {
  const token = newToken();
  return db
    .insertInto('api_tokens')
    .values({ user_id: userId, token_hash: hashToken(token), label })
    .execute()
    .then(() => token);
}

const BOOTSTRAP_ADMIN: Actor = { userId: null, organisation: null, grants: [{ role: 'admin' }] };

/**
 * Bearer-token authentication for every API route. `ADMIN_TOKEN` from the environment is accepted
 * as an admin without user data, so a fresh install can create its first users.
 */
export function authenticate({ db, adminToken }: { db: Db; adminToken?: string }): RequestHandler {
  const adminHash = adminToken ? Buffer.from(hashToken(adminToken), 'hex') : undefined;
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new Unauthenticated('Bitte mit einem Bearer-Token anmelden. / A bearer token is required.');
    const token = match[1];
    const hash = hashToken(token);
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash, 'hex'))) {
      req.actor = BOOTSTRAP_ADMIN;
      return next();
    }
    const user = await db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['u.id', 'u.organisation', 'u.roles'])
      .where('t.token_hash', '=', hash)
      .where('t.revoked_at', 'is', null)
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!user) throw new Unauthenticated('Das Token ist ungültig oder widerrufen. / The token is invalid or revoked.');
    req.actor = { userId: user.id, organisation: user.organisation, grants: user.roles };
    req.log = req.log.child({ userId: user.id });
    next();
  };
}

export function actorOf(req: { actor?: Actor }): Actor {
  if (!req.actor) throw new Unauthenticated('Nicht angemeldet. / Not authenticated.');
  return req.actor;
}

export function requireRole(...roles: string[]): RequestHandler {
  return (req, _res, next) => {
    const actor = actorOf(req);
    if (!roles.some((r) => hasRole(actor, r))) {
      throw new Forbidden(`Dafür ist die Rolle ${roles.join(' oder ')} nötig. / Requires role ${roles.join(' or ')}.`);
    }
    next();
  };
}
