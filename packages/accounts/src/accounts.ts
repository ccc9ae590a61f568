import { createHash, randomBytes } from 'node:crypto';
import type { Db, RoleGrant } from '@steckbrief/db';
import { type Actor, Conflict, SYSTEM_ROLES, type WorkflowRegistry } from '@steckbrief/engine';
import { sql } from 'kysely';
import { z } from 'zod';

/** Tokens are 256-bit random values, so SHA-256 (not a slow password hash) is enough and lookups stay O(1). */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Prefixed so that leaked tokens are recognisable by secret scanners. */
export const newToken = () => `stb_${randomBytes(32).toString('base64url')}`;

export async function issueToken(db: Db, userId: string, label: string | null = null): Promise<string> {
  const token = newToken();
  await db
    .insertInto('api_tokens')
    .values({ user_id: userId, token_hash: hashToken(token), label })
    .execute();
  return token;
}

/** The user behind a bearer token, unless the token is revoked or the user disabled. */
export function actorForToken(db: Db, token: string): Promise<Actor | undefined> {
  return actorForTokenHash(db, hashToken(token));
}

export async function actorForTokenHash(db: Db, tokenHash: string): Promise<Actor | undefined> {
  const user = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['u.id', 'u.organisation', 'u.roles'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  return user ? { userId: user.id, organisation: user.organisation, grants: user.roles } : undefined;
}

/** A grant per known role; scoped roles require their attribute (e.g. `werkstatt` 1–5, `ministry` code). */
export function grantSchema(registry: WorkflowRegistry) {
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

export function newUserSchema(registry: WorkflowRegistry) {
  return z
    .object({
      email: z.email().max(320),
      name: z.string().trim().min(1).max(200),
      organisation: z.string().trim().min(1).max(200).optional(),
      roles: z.array(grantSchema(registry)).min(1).max(50),
    })
    .strict();
}

export type NewUser = z.output<ReturnType<typeof newUserSchema>>;

/** Create a user with a first token (returned once). A taken e-mail (case-insensitive) is a Conflict. */
export async function createUser(db: Db, user: NewUser): Promise<{ id: string; token: string }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('users')
      .values({
        email: user.email,
        name: user.name,
        organisation: user.organisation ?? null,
        roles: JSON.stringify(user.roles),
      })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new Conflict('Diese E-Mail-Adresse ist bereits registriert. / This e-mail is already registered.');
    return { id: row.id, token: await issueToken(trx, row.id, 'initial') };
  });
}

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  organisation: string | null;
  roles: RoleGrant[];
  createdAt: Date;
  disabledAt: Date | null;
}

const userColumns = ['id', 'email', 'name', 'organisation', 'roles', 'created_at', 'disabled_at'] as const;

function toUserRecord(row: {
  id: string;
  email: string;
  name: string;
  organisation: string | null;
  roles: RoleGrant[];
  created_at: Date;
  disabled_at: Date | null;
}): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    organisation: row.organisation,
    roles: row.roles,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** E-mail addresses are unique case-insensitively (the `lower(email)` index), so lookups are too. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .select(userColumns)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row ? toUserRecord(row) : undefined;
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  const rows = await db.selectFrom('users').select(userColumns).orderBy('email').execute();
  return rows.map(toUserRecord);
}

export interface TokenRecord {
  id: string;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A user's tokens, newest first (the secrets themselves are never stored, only their hashes). */
export async function listTokens(db: Db, userId: string): Promise<TokenRecord[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'label', 'created_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/**
 * Revoke a user's tokens: one (by id) or all still valid. Returns how many were revoked now; a token
 * revoked before keeps its first revocation time. API processes may accept a revoked token for up to
 * `AUTH_CACHE_TTL_MS` more.
 *
 * The user's secret calendar feed URL goes too whenever a token is revoked: whoever held the token could
 * have fetched (or rotated) that URL with it, and the URL alone keeps serving session and task titles. The
 * user asks for a new one (POST /api/v1/calendar/token).
 */
export async function revokeTokens(db: Db, userId: string, tokenId?: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: sql`now()` })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .$if(tokenId !== undefined, (q) => q.where('id', '=', tokenId as string))
      .executeTakeFirst();
    const revoked = Number(result.numUpdatedRows);
    if (revoked > 0 || tokenId === undefined) {
      await trx.deleteFrom('calendar_tokens').where('user_id', '=', userId).execute();
    }
    return revoked;
  });
}

/**
 * Disable (or enable again) a user: a disabled user's tokens and dashboard sessions stop working and
 * they get no more notices; their profiles, tasks and history stay. Returns false when nothing changed.
 */
export async function setUserDisabled(db: Db, userId: string, disabled: boolean): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ disabled_at: disabled ? sql`now()` : null })
    .where('id', '=', userId)
    .where('disabled_at', disabled ? 'is' : 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
