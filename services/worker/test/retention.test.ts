import type { TestDatabase } from '@steckbrief/db/testing';
import {
  addAttachment,
  applyEvent,
  createProfile,
  type EngineDeps,
  postgresAttachmentStore,
  REDACTED,
  setKeepUntil,
  verifyHistory,
} from '@steckbrief/engine';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetention } from '../src/retention.js';
import {
  completeProfile,
  type People,
  pollUntil,
  type SmtpSink,
  startWorkerTestEnv,
  type WorkerTestEnv,
} from './helpers.js';

let env: WorkerTestEnv;
let database: TestDatabase;
let sink: SmtpSink;
let people: People;

const T0 = new Date('2022-01-10T09:00:00Z');
const at = (iso: string) => new Date(iso);
const logger = pino({ level: 'silent' });

/** Engine calls at a chosen time. */
const depsAt = (now: Date): EngineDeps & { attachmentStore: ReturnType<typeof postgresAttachmentStore> } => ({
  ...env.deps,
  now: () => now,
  attachmentStore: postgresAttachmentStore(database.db),
});

const CONTACT = { name: 'Erika Retention', email: 'erika.retention@example.org', phone: '+49 355 1234' };
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let ids: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H', string>;

async function draft(now: Date, title: string): Promise<string> {
  const p = await createProfile(depsAt(now), people.applicant1, {
    data: completeProfile({ title, contact: CONTACT }),
  });
  return p.id;
}

async function submitted(now: Date, title: string): Promise<string> {
  const id = await draft(now, title);
  await applyEvent(depsAt(now), people.applicant1, { profileId: id, type: 'SUBMIT' });
  return id;
}

/** Every row of the tables retention may touch, as JSON text per profile: what "nothing else changed" compares. */
async function dump(): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; row: string }>`
    select p.id, json_build_object(
      'profile', to_jsonb(p),
      'history', (select json_agg(to_jsonb(h) order by h.seq) from profile_history h where h.profile_id = p.id),
      'attachments', (select json_agg(to_jsonb(a) order by a.id) from attachments a where a.profile_id = p.id),
      'outbox', (select json_agg(to_jsonb(o) - 'published_at' - 'processed_at' - 'attempts' - 'last_error' order by o.id)
                 from outbox o where o.profile_id = p.id)
    )::text as row
    from profiles p`.execute(database.db);
  return new Map(rows.map((r) => [r.id, r.row]));
}

async function history(id: string) {
  return database.db
    .selectFrom('profile_history')
    .select(['seq', 'event', 'payload', 'comment', 'redacted_at', 'content_hash', 'chain_hash'])
    .where('profile_id', '=', id)
    .orderBy('seq')
    .execute();
}

const run = (now: Date) => runRetention({ db: database.db, registry: env.deps.registry, logger }, now);

beforeAll(async () => {
  env = await startWorkerTestEnv('worker_retention');
  ({ database, sink, people } = env);
  const A = await draft(T0, 'Entwurf A, alt');
  const B = await draft(at('2022-07-10T09:00:00Z'), 'Entwurf B, jünger');
  const C = await draft(T0, 'Abgelehnt C, alt');
  await addAttachment(depsAt(T0), people.applicant1, {
    profileId: C,
    kind: 'lageplan',
    fileName: 'Lageplan Erika Retention.pdf',
    bytes: PDF,
  });
  await applyEvent(depsAt(T0), people.applicant1, { profileId: C, type: 'SUBMIT' });
  await applyEvent(depsAt(T0), people.wrl1, {
    profileId: C,
    type: 'REJECT',
    payload: { reason: 'Laut Frau Erika Retention nicht förderfähig.' },
    comment: 'Rücksprache mit Erika Retention am Telefon.',
  });
  const D = await submitted(T0, 'Zurückgezogen D, alt');
  await applyEvent(depsAt(T0), people.applicant1, {
    profileId: D,
    type: 'WITHDRAW',
    payload: { reason: 'Frau Retention hat die Stelle gewechselt.' },
  });
  // Confirmed profiles: the end of a long pipeline; only the state matters to the rules.
  const E = await submitted(T0, 'Bestätigt E, bis 2024 aufbewahrt');
  const F = await submitted(T0, 'Bestätigt F, ohne Datum');
  for (const id of [E, F]) {
    await sql`update profiles set state = 'confirmed', snapshot = jsonb_set(snapshot, '{value}', '"confirmed"')
      where id = ${id}`.execute(database.db);
  }
  await setKeepUntil(database.db, env.deps.registry, E, at('2024-01-10T00:00:00Z'));
  const G = await submitted(T0, 'In Prüfung G');
  const H = await submitted(T0, 'Abgelehnt H, jünger');
  await applyEvent(depsAt(at('2024-01-10T09:00:00Z')), people.wrl1, {
    profileId: H,
    type: 'REJECT',
    payload: { reason: 'Erika Retention: Unterlagen fehlen.' },
  });
  ids = { A, B, C, D, E, F, G, H };
});
afterAll(() => env?.stop());

describe('retention on a clock set forward', () => {
  it('tells the owners of the old draft once, 30 days ahead, one mail each, and deletes sign-in codes a day after they expired', async () => {
    const now = at('2022-12-21T09:00:00Z');
    const before = await dump();
    // Two sign-in codes: one expired more than a day before, one still valid.
    for (const expires of ['2022-12-20T08:00:00Z', '2022-12-21T09:10:00Z']) {
      await database.db
        .insertInto('web_signin_codes')
        .values({
          user_id: people.applicant1.userId,
          email: people.applicant1.email,
          code_hash: expires,
          link_hash: expires,
          created_at: at('2022-12-20T07:45:00Z'),
          expires_at: at(expires),
        })
        .execute();
    }
    const report = await run(now);
    expect(report).toEqual({ notified: [ids.A], deleted: [], cleared: [], expiredSigninCodes: 1 });
    expect(await database.db.selectFrom('web_signin_codes').select('id').execute()).toHaveLength(1);
    const after = await dump();
    for (const [id, row] of before) if (id !== ids.A) expect(after.get(id)).toBe(row);
    const entries = await history(ids.A);
    expect(entries.at(-1)).toMatchObject({
      event: 'RETENTION_NOTICE',
      payload: { deleteAt: '2023-01-20T09:00:00.000Z' },
    });

    const isNotice = (cause: string) => cause.startsWith(`notify:${ids.A}:`) && cause.includes(':draft_deletion:');
    await pollUntil(() => sink.messages.some((m) => isNotice(m.cause)), 20_000, 'the draft deletion notice');
    const again = await run(now);
    expect(again).toEqual({ notified: [], deleted: [], cleared: [], expiredSigninCodes: 0 });
    expect(await dump()).toEqual(after);
    // Every outbox row processed, so a second notice would have been sent by now.
    await pollUntil(
      async () =>
        (await database.db.selectFrom('outbox').select('id').where('processed_at', 'is', null).execute()).length === 0,
      20_000,
      'outbox processed',
    );
    // The owner is the organisation: each of its applicants gets the notice once.
    const notices = sink.messages.filter((m) => isNotice(m.cause));
    expect(notices.map((m) => m.to).sort()).toEqual([people.applicant1.email, people.applicant2.email].sort());
    expect(notices[0]?.subject).toContain('Ihr Entwurf wird in 30 Tagen gelöscht');
    expect(notices[0]?.text).not.toContain(CONTACT.name);
  });

  it('deletes the draft after the notice period, with a tombstone of its chain head, and nothing else', async () => {
    const now = at('2023-01-20T09:00:00Z');
    const head = (await history(ids.A)).at(-1);
    const before = await dump();
    expect(await run(now)).toEqual({ notified: [], deleted: [ids.A], cleared: [], expiredSigninCodes: 1 });
    const after = await dump();
    expect(after.has(ids.A)).toBe(false);
    for (const [id, row] of before) if (id !== ids.A) expect(after.get(id)).toBe(row);
    const tombstone = await database.db
      .selectFrom('profile_tombstones')
      .selectAll()
      .where('profile_id', '=', ids.A)
      .executeTakeFirstOrThrow();
    expect(tombstone).toMatchObject({ reason: 'retention', last_seq: head?.seq, workflow_id: 'lausitz-brandenburg' });
    expect(Buffer.from(tombstone.last_chain_hash).equals(Buffer.from(head?.chain_hash as Buffer))).toBe(true);
    const left = await sql<{ n: string }>`select
      (select count(*) from profile_history where profile_id = ${ids.A})
      + (select count(*) from tasks where profile_id = ${ids.A})
      + (select count(*) from outbox where profile_id = ${ids.A})
      + (select count(*) from mail_deliveries where cause like ${`notify:${ids.A}:%`}) as n`.execute(database.db);
    expect(Number(left.rows[0]?.n)).toBe(0);

    expect(await run(now)).toEqual({ notified: [], deleted: [], cleared: [], expiredSigninCodes: 0 });
    expect(await dump()).toEqual(after);
  });

  it('removes the personal data of closed and no longer kept profiles after their periods, keeping the decision record', async () => {
    const now = at('2025-01-11T09:00:00Z');
    const before = await dump();
    const hashesBefore = new Map<string, Array<{ seq: number; content: string; chain: string }>>();
    for (const id of [ids.C, ids.D, ids.E]) {
      hashesBefore.set(
        id,
        (await history(id)).map((h) => ({
          seq: h.seq,
          content: Buffer.from(h.content_hash).toString('hex'),
          chain: Buffer.from(h.chain_hash).toString('hex'),
        })),
      );
    }
    const blob = await database.db
      .selectFrom('attachments')
      .select('storage_key')
      .where('profile_id', '=', ids.C)
      .executeTakeFirstOrThrow();

    const report = await run(now);
    expect(report.notified).toEqual([ids.B]);
    expect(report.deleted).toEqual([]);
    expect([...report.cleared].sort()).toEqual([ids.C, ids.D, ids.E].sort());
    const after = await dump();
    for (const id of [ids.F, ids.G, ids.H]) expect(after.get(id)).toBe(before.get(id));

    // C: contact, attachment (row and bytes), reason, comment and file name gone; decision and amounts stay.
    const c = await database.db.selectFrom('profiles').selectAll().where('id', '=', ids.C).executeTakeFirstOrThrow();
    expect(c.data).not.toHaveProperty('contact');
    expect(c.data).toMatchObject({ title: 'Abgelehnt C, alt', requestedFundingEur: 11_000_000 });
    expect(c.state).toBe('rejected');
    expect(c.personal_data_removed_at).toEqual(now);
    expect(await database.db.selectFrom('attachments').select('id').where('profile_id', '=', ids.C).execute()).toEqual(
      [],
    );
    expect(
      await database.db.selectFrom('attachment_blobs').select('key').where('key', '=', blob.storage_key).execute(),
    ).toEqual([]);
    const entries = await history(ids.C);
    const reject = entries.find((h) => h.event === 'REJECT');
    expect(reject).toMatchObject({ payload: { reason: REDACTED }, comment: REDACTED });
    expect(reject?.redacted_at).toEqual(now);
    const attach = entries.find((h) => h.event === 'ATTACH');
    expect(attach?.payload).toMatchObject({ fileName: REDACTED, kind: 'lageplan' });
    const redact = entries.at(-1);
    expect(redact?.event).toBe('REDACT');
    expect(redact?.payload).toEqual({
      seqs: [attach?.seq, reject?.seq],
      reason: 'retention',
      fields: ['attachments', 'comment', 'data.contact', 'mail_deliveries.body', 'payload.fileName', 'payload.reason'],
    });
    // Hashes of the redacted and all other earlier rows are untouched, and every chain still verifies.
    for (const [id, rows] of hashesBefore) {
      const current = (await history(id)).map((h) => ({
        seq: h.seq,
        content: Buffer.from(h.content_hash).toString('hex'),
        chain: Buffer.from(h.chain_hash).toString('hex'),
      }));
      expect(current.slice(0, rows.length)).toEqual(rows);
    }
    const verified = await verifyHistory(database.db);
    expect(verified.firstBroken).toBeUndefined();
    expect(verified.ok).toBe(true);

    // D (withdrawn) and E (kept until 2024): the contact and the reason are gone as well.
    for (const id of [ids.D, ids.E]) {
      const text = after.get(id) as string;
      expect(text).not.toContain(CONTACT.email);
      expect(text).not.toMatch(/Retention hat/);
    }
    // H, rejected in 2024, keeps its data until 2027.
    expect(after.get(ids.H)).toContain(CONTACT.email);

    expect(await run(now)).toEqual({ notified: [], deleted: [], cleared: [], expiredSigninCodes: 0 });
    expect(await dump()).toEqual(after);
  });
});
