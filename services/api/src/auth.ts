import { timingSafeEqual } from 'node:crypto';
import { actorForToken, hashToken } from '@steckbrief/accounts';
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
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hashToken(token), 'hex'))) {
      req.actor = BOOTSTRAP_ADMIN;
      return next();
    }
    const actor = await actorForToken(db, token);
    if (!actor) throw new Unauthenticated('Das Token ist ungültig oder widerrufen. / The token is invalid or revoked.');
    req.actor = actor;
    req.log = req.log.child({ userId: actor.userId });
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
