import { timingSafeEqual } from 'node:crypto';
import { actorForTokenHash, hashToken } from '@steckbrief/accounts';
import type { Db } from '@steckbrief/db';
import { type Actor, Forbidden, hasRole, Unauthenticated } from '@steckbrief/engine';
import type { RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';

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
 *
 * Resolved tokens are cached per process for `cacheTtlMs` (keyed by the token's hash, never the token):
 * it saves a database round trip per request; the price is that a revoked token, a disabled user or
 * changed roles take effect on other processes only after the TTL. 0 disables the cache.
 */
export function authenticate({
  db,
  adminToken,
  cacheTtlMs = 0,
}: {
  db: Db;
  adminToken?: string;
  cacheTtlMs?: number;
}): RequestHandler {
  const adminHash = adminToken ? Buffer.from(hashToken(adminToken), 'hex') : undefined;
  const cache = cacheTtlMs > 0 ? new LRUCache<string, Actor>({ max: 10_000, ttl: cacheTtlMs }) : undefined;
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new Unauthenticated('Bitte mit einem Bearer-Token anmelden. / A bearer token is required.');
    const hash = hashToken(match[1]);
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash, 'hex'))) {
      req.actor = BOOTSTRAP_ADMIN;
      return next();
    }
    const actor = cache?.get(hash) ?? (await actorForTokenHash(db, hash));
    if (!actor) throw new Unauthenticated('Das Token ist ungültig oder widerrufen. / The token is invalid or revoked.');
    cache?.set(hash, actor);
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
