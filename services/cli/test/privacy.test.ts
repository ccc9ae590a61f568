import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '@steckbrief/db';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { type Actor, applyEvent, createProfile, type EngineDeps, verifyHistory } from '@steckbrief/engine';
import { jobIds, type Queues } from '@steckbrief/queues';
import { createTestQueues, type TestQueues } from '@steckbrief/queues/testing';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { buildRegistry } from '@steckbrief/workflows';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from './helpers.js';

let database: TestDatabase;
let redis: TestQueues;
let queues: Queues;
let deps: EngineDeps;

const EMAIL = 'paula.privat@example.org';
const NAME = 'Paula Privatperson';
const NEEDLES = [EMAIL, NAME.toLowerCase()];
const CONTACT = { name: NAME, email: EMAIL, phone: '+49 331 555' };

let paula: Actor & { userId: string };
let owner: Actor & { userId: string };
/** Profiles Paula acted on (accepted): one in the procedure, one withdrawn, one confirmed. */
let acted: { inProcedure: string; withdrawn: string; confirmed: string };
let draft: string;

const run = (...args: string[]) => cliRunner(database, () => queues)(...args);

async function user(db: Db, email: string, name: string, roles: object[], organisation: string | null = null) {
  const row = await db
    .insertInto('users')
    .values({ email, name, organisation, roles: JSON.stringify(roles) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: row.id, organisation, grants: roles as Actor['grants'] };
}

/** Every text and JSON value of the schema that names Paula: `table.column` with the row as JSON. */
async function findPaula(): Promise<Array<{ table: string; column: string; row: Record<string, unknown> }>> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = ${database.schema} and data_type in ('text', 'jsonb', 'json', 'character varying')
    order by table_name, column_name`.execute(database.db);
  const hits = [];
  for (const { table_name: table, column_name: column } of columns) {
    const { rows } = await sql<{ row: Record<string, unknown> }>`select to_jsonb(t) as row from ${sql.table(table)} t
      where ${sql.join(
        NEEDLES.map((n) => sql`strpos(lower(${sql.ref(`t.${column}`)}::text), ${n}) > 0`),
        sql` or `,
      )}`.execute(database.db);
    for (const r of rows) hits.push({ table, column, row: r.row });
  }
  return hits;
}

/** Every value under the test's Redis prefix that names Paula. */
async function redisNamingPaula(): Promise<string[]> {
  const keys = await redis.connection.keys(`${redis.prefix}:*`);
  const found: string[] = [];
  for (const key of keys) {
    const type = await redis.connection.type(key);
    const values =
      type === 'hash'
        ? Object.values(await redis.connection.hgetall(key))
        : type === 'stream'
          ? (await redis.connection.xrange(key, '-', '+')).flatMap(([, f]) => f)
          : type === 'list'
            ? await redis.connection.lrange(key, 0, -1)
            : type === 'string'
              ? [(await redis.connection.get(key)) ?? '']
              : [];
    if (values.some((v) => NEEDLES.some((n) => v.toLowerCase().includes(n)))) found.push(key);
  }
  return found;
}

/** All text and JSON of the schema and Redis, for "a dry run changes nothing". */
async function everything(): Promise<string> {
  const { rows } = await sql<{ t: string }>`select table_name as t from information_schema.tables
    where table_schema = ${database.schema} and table_type = 'BASE TABLE' order by 1`.execute(database.db);
  const parts: string[] = [];
  for (const { t } of rows) {
    const { rows: all } = await sql<{
      j: string;
    }>`select coalesce(json_agg(to_jsonb(x) order by to_jsonb(x)::text), '[]')::text as j
      from ${sql.table(t)} x`.execute(database.db);
    parts.push(`${t}: ${all[0]?.j}`);
  }
  const keys = (await redis.connection.keys(`${redis.prefix}:*`)).sort();
  for (const key of keys) {
    const type = await redis.connection.type(key);
    if (type === 'hash') parts.push(`${key}: ${JSON.stringify(await redis.connection.hgetall(key))}`);
    else if (type === 'stream') parts.push(`${key}: ${JSON.stringify(await redis.connection.xrange(key, '-', '+'))}`);
    else parts.push(`${key}: ${type}`);
  }
  return parts.join('\n');
}

beforeAll(async () => {
  database = await createTestDatabase('cli_privacy');
  redis = createTestQueues('cli_privacy');
  queues = redis.queues;
  deps = { db: database.db, registry: buildRegistry() };
  const db = database.db;
  paula = await user(db, EMAIL, NAME, [{ role: 'wrl' }]);
  owner = await user(db, 'bauamt@gemeinde.example', 'Bauamt', [{ role: 'applicant' }], 'Gemeinde Beispiel');

  const submitted = async (title: string) => {
    const p = await createProfile(deps, owner, { data: exampleProfile({ title, contact: CONTACT }) });
    await applyEvent(deps, owner, { profileId: p.id, type: 'SUBMIT' });
    await applyEvent(deps, paula, {
      profileId: p.id,
      type: 'ACCEPT',
      payload: { werkstatt: 4 },
      idempotencyKey: `accept-${p.id}`,
    });
    return p.id;
  };
  const inProcedure = await submitted('Radweg in der Qualifizierung');
  const withdrawn = await submitted('Zurückgezogenes Gründerzentrum');
  await applyEvent(deps, owner, {
    profileId: withdrawn,
    type: 'WITHDRAW',
    payload: { reason: `Nach Rücksprache mit ${NAME} zurückgezogen.` },
  });
  const confirmed = await submitted('Bestätigte Sporthalle');
  await sql`update profiles set state = 'confirmed', snapshot = jsonb_set(snapshot, '{value}', '"confirmed"')
    where id = ${confirmed}`.execute(db);
  acted = { inProcedure, withdrawn, confirmed };
  // She has claimed the open agenda task of the profile in the procedure.
  await db
    .updateTable('tasks')
    .set({ claimed_by: paula.userId, claimed_at: new Date() })
    .where('profile_id', '=', inProcedure)
    .where('status', '=', 'open')
    .where('assignee_role', '=', 'wrl')
    .execute();
  // A draft of someone else naming Paula as contact, and an office comment about her on another profile.
  draft = (await createProfile(deps, owner, { data: exampleProfile({ title: 'Entwurf Kita', contact: CONTACT }) })).id;

  // The account's traces: tokens, sessions, sign-in codes and attempts, mails, a queued sign-in mail.
  const now = new Date();
  const later = new Date(now.getTime() + 3_600_000);
  await db
    .insertInto('api_tokens')
    .values({ user_id: paula.userId, token_hash: randomBytes(32).toString('hex'), label: `Laptop ${NAME}` })
    .execute();
  await db.insertInto('calendar_tokens').values({ user_id: paula.userId, token_hash: randomUUID() }).execute();
  await db
    .insertInto('admin_sessions')
    .values({ id_hash: randomUUID(), user_id: paula.userId, expires_at: later })
    .execute();
  await db
    .insertInto('web_sessions')
    .values({
      id_hash: randomUUID(),
      user_id: paula.userId,
      csrf_token: randomUUID(),
      pending_email: null,
      created_at: now,
      last_seen_at: now,
      expires_at: later,
    })
    .execute();
  await db
    .insertInto('web_sessions')
    .values({
      id_hash: randomUUID(),
      user_id: null,
      csrf_token: randomUUID(),
      pending_email: EMAIL,
      created_at: now,
      last_seen_at: now,
      expires_at: later,
    })
    .execute();
  await db
    .insertInto('web_signin_codes')
    .values({
      user_id: paula.userId,
      email: EMAIL,
      code_hash: randomUUID(),
      link_hash: randomUUID(),
      created_at: now,
      expires_at: later,
    })
    .execute();
  await db
    .insertInto('user_identities')
    .values({
      issuer: 'https://login.example.org',
      subject: EMAIL,
      user_id: paula.userId,
      created_at: now,
      last_used_at: now,
    })
    .execute();
  await db
    .insertInto('saved_views')
    .values({ user_id: paula.userId, name: `Ansicht von ${NAME}`, query: 'view=mine', created_at: now })
    .execute();
  await db
    .insertInto('web_signin_events')
    .values({ kind: 'request', email: EMAIL, ip: '192.0.2.7', at: now })
    .execute();
  await db
    .insertInto('mail_deliveries')
    .values({
      cause: `notify:${inProcedure}:3:task_assigned:wrl:`,
      recipient_id: paula.userId,
      email: EMAIL,
      message_id: `<${randomUUID()}@steckbrief.example.org>`,
      subject: 'Neue Aufgabe: Eingangsprüfung',
      text_body: `Guten Tag ${NAME},\n…`,
      html_body: `<p>Guten Tag ${NAME},</p>`,
      status: 'delivered',
    })
    .execute();
  const signin = await db
    .insertInto('outbox')
    .values({
      topic: 'signin.code',
      cause: `signin:${randomUUID()}`,
      profile_id: null,
      payload: JSON.stringify({ userId: paula.userId, email: EMAIL, name: NAME, code: '123456' }),
    })
    .returning(['id', 'topic', 'cause', 'payload', 'created_at'])
    .executeTakeFirstOrThrow();
  // Redis: the sign-in row's job waiting, and a failed job whose error names her address.
  await queues.outbox.add(
    signin.topic,
    { outboxId: signin.id, topic: signin.topic, cause: signin.cause, payload: signin.payload, createdAt: now },
    { jobId: jobIds.outbox(signin.id) },
  );
  await redis.failedJob(queues.timers, `timer of a task claimed by <${EMAIL}> failed`, { timerId: '1' });
});

afterAll(async () => {
  await redis?.destroy();
  await database?.destroy();
});

describe('privacy export', () => {
  it('lists the three profiles the person acted on, and never a token or its hash', async () => {
    const file = join(tmpdir(), `privacy-${randomBytes(4).toString('hex')}.json`);
    try {
      const lines = await run('privacy', 'export', EMAIL, '--out', file);
      expect(lines[0]).toMatch(/^wrote .*: account found, 4 profile\(s\)/);
      const text = await readFile(file, 'utf8');
      const data = JSON.parse(text);
      const actedOn = data.profiles.filter((p: { relations: string[] }) => p.relations.includes('actor'));
      expect(actedOn.map((p: { id: string }) => p.id).sort()).toEqual(Object.values(acted).sort());
      expect(data.account).toMatchObject({ email: EMAIL, name: NAME });
      expect(data.apiTokens).toHaveLength(1);
      expect(data.apiTokens[0]).not.toHaveProperty('token_hash');
      expect(text).not.toMatch(/token_hash|code_hash|link_hash|id_hash|csrf/);
      expect(data.webSessions).toHaveLength(2);
      expect(data.mails).toHaveLength(1);
      expect(data.identities).toEqual([expect.objectContaining({ subject: EMAIL })]);
      expect(data.savedViews).toEqual([expect.objectContaining({ name: `Ansicht von ${NAME}` })]);
      const contactOf = data.profiles.filter((p: { relations: string[] }) => p.relations.includes('contact person'));
      expect(contactOf).toHaveLength(4);
      const named = data.history.filter((h: { actor_id: string | null }) => h.actor_id !== paula.userId);
      expect(named.map((h: { event: string }) => h.event)).toEqual(['WITHDRAW']);
    } finally {
      await rm(file, { force: true });
    }
  });
});

describe('privacy erase', () => {
  it('changes nothing in the database or in Redis with --dry-run', async () => {
    const before = await everything();
    const lines = await run('privacy', 'erase', EMAIL, '--dry-run');
    expect(lines[0]).toMatch(/^dry run: nothing was changed/);
    expect(lines).toContain(
      '  users: 1 row(s): account pseudonymised (name, e-mail, organisation, roles) and disabled',
    );
    expect(lines.some((l) => /^ {2}redis: 2 job\(s\)/.test(l))).toBe(true);
    expect(lines).toContain('  tasks: 1 row(s): open tasks the person had claimed released to their group');
    expect(await everything()).toBe(before);
    // What the real run must clear is there to be found.
    expect((await findPaula()).map((h) => h.table)).toEqual(
      expect.arrayContaining([
        'users',
        'api_tokens',
        'web_signin_events',
        'mail_deliveries',
        'outbox',
        'profile_history',
      ]),
    );
    expect(await redisNamingPaula()).toHaveLength(3);
  });

  it('leaves the person’s e-mail address and name nowhere but in the legal holds the report names', async () => {
    const lines = await run('privacy', 'erase', EMAIL, '--json');
    const report = JSON.parse(lines.join('\n'));
    const held: string[] = report.kept
      .filter((k: { table: string }) => k.table === 'profiles')
      .map((k: { profileId: string }) => k.profileId);
    // In the procedure and confirmed: held; withdrawn and draft: cleared.
    expect(held.sort()).toEqual([acted.inProcedure, acted.confirmed].sort());
    expect(report.kept.find((k: { table: string }) => k.table === 'users')?.why).toMatch(
      /history entries in 3 profiles/,
    );

    const hits = await findPaula();
    const inHolds = (hit: (typeof hits)[number]) => {
      const profileId = hit.table === 'profiles' ? hit.row.id : hit.row.profile_id;
      return typeof profileId === 'string' && held.includes(profileId);
    };
    expect(hits.filter((h) => !inHolds(h))).toEqual([]);
    // The held profiles still name her as their contact person.
    expect(hits.filter(inHolds).map((h) => `${h.table}.${h.column}`)).toContain('profiles.data');
    expect(await redisNamingPaula()).toEqual([]);

    const account = await database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', paula.userId)
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({ name: 'Gelöschte Person', roles: [] });
    expect(account.disabled_at).not.toBeNull();
    expect(account.erased_at).not.toBeNull();
    for (const table of ['api_tokens', 'calendar_tokens', 'admin_sessions', 'web_signin_codes'] as const) {
      expect(
        await database.db.selectFrom(table).select('user_id').where('user_id', '=', paula.userId).execute(),
      ).toEqual([]);
    }
    // Her claim is released, so her colleagues can take the task.
    expect(await database.db.selectFrom('tasks').select('id').where('claimed_by', '=', paula.userId).execute()).toEqual(
      [],
    );
    // The withdrawn profile and the draft keep their decision record and lose their contact person.
    const withdrawn = await database.db
      .selectFrom('profiles')
      .select(['state', 'data'])
      .where('id', '=', acted.withdrawn)
      .executeTakeFirstOrThrow();
    expect(withdrawn.state).toBe('withdrawn');
    expect(withdrawn.data).not.toHaveProperty('contact');
    const redact = await database.db
      .selectFrom('profile_history')
      .select(['event', 'payload'])
      .where('profile_id', '=', draft)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(redact).toEqual({ event: 'REDACT', payload: { seqs: [], reason: 'erasure', fields: ['data.contact'] } });

    // Paula's decisions stay attributed to her (pseudonymised) user id, and every chain verifies.
    const accepts = await database.db
      .selectFrom('profile_history')
      .select('profile_id')
      .where('actor_id', '=', paula.userId)
      .where('event', '=', 'ACCEPT')
      .execute();
    expect(accepts).toHaveLength(3);
    const verified = await verifyHistory(database.db);
    expect(verified.firstBroken).toBeUndefined();
    expect(verified.ok).toBe(true);
  });
});

describe('profiles keep-until', () => {
  it('sets and clears the date until which a confirmed profile keeps its personal data', async () => {
    const lines = await run('profiles', 'keep-until', acted.confirmed, '2040-12-31');
    expect(lines).toEqual([`profile ${acted.confirmed} (confirmed): personal data kept until 2040-12-31`]);
    const row = () =>
      database.db
        .selectFrom('profiles')
        .select('keep_until')
        .where('id', '=', acted.confirmed)
        .executeTakeFirstOrThrow();
    expect((await row()).keep_until).toEqual(new Date('2040-12-31T00:00:00Z'));
    await run('profiles', 'keep-until', acted.confirmed, 'none');
    expect((await row()).keep_until).toBeNull();
  });

  it('refuses a date that is not YYYY-MM-DD and a profile that does not exist', async () => {
    await expect(run('profiles', 'keep-until', acted.confirmed, '31.12.2040')).rejects.toThrow(/YYYY-MM-DD/);
    await expect(run('profiles', 'keep-until', acted.confirmed, '2040-02-30')).rejects.toThrow(/YYYY-MM-DD/);
    await expect(run('profiles', 'keep-until', randomUUID(), '2040-12-31')).rejects.toThrow(/not found/);
  });
});
