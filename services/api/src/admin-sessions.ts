import { randomBytes } from 'node:crypto';
import { hashToken } from '@steckbrief/accounts';
import type { Db } from '@steckbrief/db';
import type { Actor } from '@steckbrief/engine';

/** How long a dashboard login lasts; logging out ends it earlier. */
export const ADMIN_SESSION_TTL_MS = 8 * 3_600_000;

/**
 * Open a dashboard session for a user and return its id (for the cookie). The id is 256 random bits,
 * so its SHA-256 is stored, as for API tokens. Expired sessions are purged here, so the table stays small.
 */
export async function createAdminSession(db: Db, userId: string, now: Date): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await db.deleteFrom('admin_sessions').where('expires_at', '<=', now).execute();
  await db
    .insertInto('admin_sessions')
    .values({ id_hash: hashToken(id), user_id: userId, expires_at: new Date(now.getTime() + ADMIN_SESSION_TTL_MS) })
    .execute();
  return id;
}

/**
 * The user behind a session that has not expired. Roles are read now, not at login: a user who lost
 * the operator role or was disabled loses the dashboard at once.
 */
export async function actorForAdminSession(db: Db, id: string, now: Date): Promise<Actor | undefined> {
  const user = await db
    .selectFrom('admin_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.organisation', 'u.roles'])
    .where('s.id_hash', '=', hashToken(id))
    .where('s.expires_at', '>', now)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  return user ? { userId: user.id, organisation: user.organisation, grants: user.roles } : undefined;
}

export async function endAdminSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('id_hash', '=', hashToken(id)).execute();
}
