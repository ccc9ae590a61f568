import { createHash, randomBytes } from 'node:crypto';
import { type Db, queryPrepared, type RoleGrant } from '@steckbrief/db';
import type { Actor } from '@steckbrief/engine';

/** A signed-in session ends after this long without a request (WEB.md: idle timeout). */
export const IDLE_TIMEOUT_MS = 30 * 60_000;
/** …and in any case this long after sign-in (absolute timeout). */
export const ABSOLUTE_TIMEOUT_MS = 12 * 3_600_000;
/** A visitor's session (only the CSRF token and the address a code went to) lives shortly. */
export const VISITOR_TIMEOUT_MS = 2 * 3_600_000;
/** `last_seen_at` is written at most this often, so reading pages does not write a row each time. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export interface WebSession {
  idHash: string;
  userId: string | null;
  csrfToken: string;
  pendingEmail: string | null;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface WebUser {
  id: string;
  name: string;
  email: string;
  actor: Actor;
}

/** Open a session; the returned id goes into the cookie and is never stored. */
export async function openSession(
  db: Db,
  { userId, pendingEmail = null }: { userId: string | null; pendingEmail?: string | null },
  now: Date,
): Promise<{ id: string; session: WebSession }> {
  const id = randomBytes(32).toString('base64url');
  const session: WebSession = {
    idHash: sha256(id),
    userId,
    csrfToken: randomBytes(32).toString('base64url'),
    pendingEmail,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + (userId ? ABSOLUTE_TIMEOUT_MS : VISITOR_TIMEOUT_MS)),
  };
  // Expired sessions go whenever a new one starts, so the table stays small without a timer.
  await db.deleteFrom('web_sessions').where('expires_at', '<=', now).execute();
  await db
    .insertInto('web_sessions')
    .values({
      id_hash: session.idHash,
      user_id: userId,
      csrf_token: session.csrfToken,
      pending_email: pendingEmail,
      created_at: now,
      last_seen_at: now,
      expires_at: session.expiresAt,
    })
    .execute();
  return { id, session };
}

/**
 * The session with its user, hand-written rather than built with Kysely: it runs on every page, so it
 * is a named prepared statement (see `queryPrepared`) and costs no query building or planning per call.
 */
const LOAD_SESSION = `select s.id_hash, s.user_id, s.csrf_token, s.pending_email, s.last_seen_at, s.expires_at,
  u.name, u.email, u.organisation, u.roles, u.disabled_at
from web_sessions as s left join users as u on u.id = s.user_id
where s.id_hash = $1`;

interface SessionRow {
  id_hash: string;
  user_id: string | null;
  csrf_token: string;
  pending_email: string | null;
  last_seen_at: Date;
  expires_at: Date;
  name: string | null;
  email: string | null;
  organisation: string | null;
  roles: RoleGrant[] | null;
  disabled_at: Date | null;
}

/**
 * The live session behind a cookie value, with its user, or undefined when it is unknown, expired,
 * idle too long or its user was disabled. Roles are read on every request: a user who loses a role
 * loses it at once.
 */
export async function loadSession(
  db: Db,
  id: string,
  now: Date,
): Promise<{ session: WebSession; user: WebUser | null } | undefined> {
  if (!id || id.length > 100) return undefined;
  const [row] = await queryPrepared<SessionRow>(db, LOAD_SESSION, [sha256(id)]);
  if (!row || row.expires_at <= now) return undefined;
  if (row.user_id && (row.last_seen_at.getTime() + IDLE_TIMEOUT_MS <= now.getTime() || row.disabled_at)) {
    return undefined;
  }
  const session: WebSession = {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    pendingEmail: row.pending_email,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    await db.updateTable('web_sessions').set({ last_seen_at: now }).where('id_hash', '=', row.id_hash).execute();
    session.lastSeenAt = now;
  }
  const user =
    row.user_id && row.roles
      ? {
          id: row.user_id,
          name: row.name ?? '',
          email: row.email ?? '',
          actor: { userId: row.user_id, organisation: row.organisation ?? null, grants: row.roles },
        }
      : null;
  return { session, user };
}

export async function setPendingEmail(db: Db, idHash: string, email: string): Promise<void> {
  await db.updateTable('web_sessions').set({ pending_email: email }).where('id_hash', '=', idHash).execute();
}

export async function endSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
}

/** "Angemeldet bleiben": the idle timeout starts again now (the absolute one stays). */
export async function extendSession(db: Db, idHash: string, now: Date): Promise<void> {
  await db.updateTable('web_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}
