import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Db } from '@steckbrief/db';
import { OUTBOX_TOPICS, signinCause } from '@steckbrief/engine';
import { sql } from 'kysely';

/** A code and its link are valid this long (WEB.md). */
export const CODE_TTL_MS = 15 * 60_000;
/** Wrong codes for one address within the lock window lock the address until they age out of it. */
export const MAX_FAILURES_PER_ADDRESS = 20;
export const MAX_FAILURES_PER_IP = 100;
export const LOCK_WINDOW_MS = 60 * 60_000;
/** Codes one address and one IP may ask for within the request window. */
export const MAX_REQUESTS_PER_ADDRESS = 5;
export const MAX_REQUESTS_PER_IP = 30;
export const REQUEST_WINDOW_MS = 15 * 60_000;

/** The outbox topic the worker turns into the sign-in mail (services/worker/src/signin-mail.ts). */
export const SIGNIN_TOPIC = OUTBOX_TOPICS.signin;

/** What the outbox row carries to the worker; the code is removed from it once the mail is recorded. */
export interface SigninMailPayload {
  userId: string;
  email: string;
  name: string;
  code: string;
  link: string;
  expiresAt: string;
  /** Development only: the worker prints the code when it cannot deliver the mail. */
  logIfUndelivered?: boolean;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const codeHash = (codeId: string, code: string) => sha256(`${codeId}:${code}`);
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const normaliseEmail = (email: string) => email.trim().toLowerCase();
/** Codes are typed by people: spaces and dashes between the digits are fine. */
export const normaliseCode = (code: string) => code.replace(/[\s-]/g, '');

async function countEvents(
  db: Db,
  kind: 'request' | 'failure',
  column: 'email' | 'ip',
  value: string,
  since: Date,
): Promise<number> {
  const row = await db
    .selectFrom('web_signin_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kind', '=', kind)
    .where(column, '=', value)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Ask for a sign-in code. The answer is the same whether the address belongs to a user or not
 * ('sent'); only the rate limits answer differently, and they count unknown addresses too. For a
 * known, active user the code, its link and the outbox row for its mail commit together, so the mail
 * goes out through the worker, never from the request.
 */
export async function requestCode(
  db: Db,
  input: { email: string; ip: string; now: Date; publicUrl: string; logIfUndelivered?: boolean },
): Promise<'sent' | 'limited'> {
  const email = normaliseEmail(input.email);
  const since = new Date(input.now.getTime() - REQUEST_WINDOW_MS);
  const [byAddress, byIp] = await Promise.all([
    countEvents(db, 'request', 'email', email, since),
    countEvents(db, 'request', 'ip', input.ip, since),
  ]);
  if (byAddress >= MAX_REQUESTS_PER_ADDRESS || byIp >= MAX_REQUESTS_PER_IP) return 'limited';
  await db
    .deleteFrom('web_signin_events')
    .where('at', '<', new Date(input.now.getTime() - Math.max(LOCK_WINDOW_MS, REQUEST_WINDOW_MS)))
    .execute();
  await db.insertInto('web_signin_events').values({ kind: 'request', email, ip: input.ip, at: input.now }).execute();
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where(sql`lower(email)`, '=', email)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!user) return 'sent';
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const linkToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + CODE_TTL_MS);
  const base = input.publicUrl.endsWith('/') ? input.publicUrl : `${input.publicUrl}/`;
  const link = new URL(`anmelden/link?token=${linkToken}`, base).toString();
  await db.transaction().execute(async (trx) => {
    const id = randomUUID();
    await trx
      .insertInto('web_signin_codes')
      .values({
        id,
        user_id: user.id,
        email,
        code_hash: codeHash(id, code),
        link_hash: sha256(linkToken),
        created_at: input.now,
        expires_at: expiresAt,
      })
      .execute();
    const payload: SigninMailPayload = {
      userId: user.id,
      email: user.email,
      name: user.name,
      code,
      link,
      expiresAt: expiresAt.toISOString(),
      ...(input.logIfUndelivered ? { logIfUndelivered: true } : {}),
    };
    await trx
      .insertInto('outbox')
      .values({
        topic: SIGNIN_TOPIC,
        cause: signinCause(id),
        profile_id: null,
        payload: JSON.stringify(payload),
        created_at: input.now,
      })
      .execute();
  });
  return 'sent';
}

export type CodeCheck = { status: 'ok'; userId: string } | { status: 'invalid' } | { status: 'locked' };

async function isLocked(db: Db, email: string, ip: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - LOCK_WINDOW_MS);
  const [byAddress, byIp] = await Promise.all([
    countEvents(db, 'failure', 'email', email, since),
    countEvents(db, 'failure', 'ip', ip, since),
  ]);
  return byAddress >= MAX_FAILURES_PER_ADDRESS || byIp >= MAX_FAILURES_PER_IP;
}

/** Use up every open code of the address: one sign-in ends all outstanding codes and links. */
async function consume(db: Db, codeId: string, email: string, now: Date): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('web_signin_codes')
      .set({ used_at: now })
      .where('id', '=', codeId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    if (!used) return undefined;
    await trx
      .updateTable('web_signin_codes')
      .set({ used_at: now })
      .where('email', '=', email)
      .where('used_at', 'is', null)
      .execute();
    return used.user_id;
  });
}

/** Check a typed code for an address. Wrong codes count towards the address's and the IP's lock. */
export async function checkCode(
  db: Db,
  input: { email: string; code: string; ip: string; now: Date },
): Promise<CodeCheck> {
  const email = normaliseEmail(input.email);
  if (await isLocked(db, email, input.ip, input.now)) return { status: 'locked' };
  const code = normaliseCode(input.code);
  const candidates = /^\d{6}$/.test(code)
    ? await db
        .selectFrom('web_signin_codes')
        .select(['id', 'code_hash'])
        .where('email', '=', email)
        .where('used_at', 'is', null)
        .where('expires_at', '>', input.now)
        .orderBy('created_at', 'desc')
        .limit(MAX_REQUESTS_PER_ADDRESS)
        .execute()
    : [];
  const match = candidates.find((c) => sameHash(c.code_hash, codeHash(c.id, code)));
  const userId = match ? await consume(db, match.id, email, input.now) : undefined;
  if (userId) return { status: 'ok', userId };
  await db.insertInto('web_signin_events').values({ kind: 'failure', email, ip: input.ip, at: input.now }).execute();
  return (await isLocked(db, email, input.ip, input.now)) ? { status: 'locked' } : { status: 'invalid' };
}

/** Check the token of a sign-in link (256 random bits: not guessable, so no failure count). */
export async function checkLink(db: Db, input: { token: string; now: Date }): Promise<CodeCheck> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(input.token)) return { status: 'invalid' };
  const row = await db
    .selectFrom('web_signin_codes')
    .select(['id', 'email'])
    .where('link_hash', '=', sha256(input.token))
    .executeTakeFirst();
  if (!row) return { status: 'invalid' };
  const userId = await consume(db, row.id, row.email, input.now);
  return userId ? { status: 'ok', userId } : { status: 'invalid' };
}

/** Whether a link token is still usable, for the confirm page (which must not use it up). */
export async function linkIsOpen(db: Db, token: string, now: Date): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return false;
  const row = await db
    .selectFrom('web_signin_codes')
    .select('id')
    .where('link_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}
