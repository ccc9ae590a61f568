import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile, type EngineDeps } from '@steckbrief/engine';
import type { Queues } from '@steckbrief/queues';
import { buildRegistry } from '@steckbrief/workflows';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimCause, markDelivered } from '../src/deliveries.js';
import { createSmtpTransport, deliverCause, type SendDeps } from '../src/mailer.js';
import { createSendSlots } from '../src/send-slots.js';
import {
  completeProfile,
  type People,
  pollUntil,
  type SmtpSink,
  seedPeople,
  startSmtpSink,
  startTestWorker,
  uniquePrefix,
} from './helpers.js';

let database: TestDatabase;
let people: People;
let deps: EngineDeps;

beforeAll(async () => {
  database = await createTestDatabase('worker_mail_lease');
  people = await seedPeople(database.db);
  deps = { db: database.db, registry: buildRegistry() };
});
afterAll(() => database?.destroy());

/** Pending delivery rows of one cause, one per recipient. */
async function pendingMails(
  recipients: Array<{ userId: string; email: string }>,
): Promise<{ cause: string; ids: string[] }> {
  const cause = `test:lease:${randomBytes(4).toString('hex')}`;
  const rows = await database.db
    .insertInto('mail_deliveries')
    .values(
      recipients.map((r, i) => ({
        cause,
        recipient_id: r.userId,
        email: r.email,
        message_id: `<${cause.replaceAll(':', '.')}.${i}@steckbrief.example.org>`,
        subject: 'Lease',
        text_body: 'text',
        html_body: '<p>html</p>',
      })),
    )
    .returning('id')
    .execute();
  return { cause, ids: rows.map((r) => r.id) };
}

/** One pending delivery row, to one recipient. */
async function pendingMail(recipient: { userId: string; email: string }): Promise<{ cause: string; id: string }> {
  const {
    cause,
    ids: [id],
  } = await pendingMails([recipient]);
  if (!id) throw new Error('no delivery row');
  return { cause, id };
}

/** What deliverCause needs, with one SMTP connection and a short lease. */
function sendDeps(smtpUrl: string, leaseMs: number, onMarkRefused: () => void): SendDeps {
  return {
    db: database.db,
    queues: undefined as unknown as Queues, // deliverCause enqueues nothing
    transport: createSmtpTransport(smtpUrl, 1),
    slots: createSendSlots(1),
    from: 'Steckbrief <noreply@steckbrief.example.org>',
    leaseMs,
    maxAttempts: 3,
    backoffMs: 100,
    logger: pino({ level: 'silent' }),
    onMarkRefused,
  };
}

const LEASE_MS = 2_000;
const SMTP_DELAY_MS = 200;
const POOL = 2;

describe('the mail lease', () => {
  it('delivers each of 64 mails once with two workers when the SMTP server takes longer than a lease for the backlog', async () => {
    const sink: SmtpSink = await startSmtpSink({ delayMs: SMTP_DELAY_MS });
    const prefix = uniquePrefix('lease');
    const options = {
      db: database.db,
      schema: database.schema,
      databaseUrl: database.url,
      smtpUrl: sink.url,
      smtpPoolSize: POOL,
      redisPrefix: prefix,
      mailLeaseMs: LEASE_MS,
      reconcileIntervalMs: 500,
    };
    const workers = await Promise.all([startTestWorker(options), startTestWorker(options)]);
    try {
      // 16 SUBMITs × 4 mails; 2 workers × 2 connections at 200 ms a message: about 3 s, longer than a lease.
      for (let i = 0; i < 16; i++) {
        const p = await createProfile(deps, people.applicant1, { data: completeProfile({ title: `Vorhaben ${i}` }) });
        await applyEvent(deps, people.applicant1, { profileId: p.id, type: 'SUBMIT' });
      }
      const expected = 16 * 4;
      await pollUntil(
        async () => {
          const rows = await database.db.selectFrom('mail_deliveries').select('status').execute();
          return rows.length === expected && rows.every((r) => r.status === 'delivered');
        },
        60_000,
        'all mails delivered',
        100,
      );
    } finally {
      // Stopping waits for the sends in flight, so a late second send would reach the sink before we count.
      await Promise.all(workers.map((w) => w.stop()));
      await sink.close();
    }
    expect(sink.mailbox().size).toBe(64);
    expect(sink.messages.length).toBe(64);
  }, 90_000);

  it("refuses the delivered mark of a sender whose lease was taken over during the send, and accepts the new holder's", async () => {
    const sink = await startSmtpSink();
    const { cause, id } = await pendingMail(people.wrl1);
    let refused = 0;
    const send = sendDeps(sink.url, 500, () => refused++);
    try {
      // The server sits on the mail until the sender's lease has run out and another sender took the row.
      sink.hold();
      const sending = deliverCause(send, cause);
      await pollUntil(() => sink.inFlight() === 1, 5_000, 'mail in flight');
      await pollUntil(
        async () =>
          (
            await database.db
              .selectFrom('mail_deliveries')
              .select('id')
              .where('id', '=', id)
              .where('lease_until', '<', sql<Date>`now()`)
              .execute()
          ).length === 1,
        5_000,
        'lease ran out',
      );
      const [taken] = await claimCause(database.db, cause, 60_000);
      if (!taken) throw new Error('the expired lease was not taken over');
      sink.release();
      const outcome = await sending;

      expect(sink.messages.length).toBe(1);
      expect(outcome.sent).toBe(0);
      expect(refused).toBe(1);
      const row = await database.db
        .selectFrom('mail_deliveries')
        .select(['status', 'lease_token'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'sending', lease_token: taken.lease_token });

      expect([...(await markDelivered(database.db, [{ id, token: taken.lease_token, response: '250 OK' }]))]).toEqual([
        id,
      ]);
      const after = await database.db
        .selectFrom('mail_deliveries')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(after.status).toBe('delivered');
    } finally {
      send.transport.close();
      await sink.close();
    }
  }, 30_000);

  it('renews the lease of mails waiting for a connection, so a sender polling for expired leases claims none of them', async () => {
    // One connection, 300 ms a message, a 1 s lease: the fourth mail is handed over about 0.9 s after the claim.
    const sink = await startSmtpSink({ delayMs: 300 });
    const { cause, ids } = await pendingMails([people.wrl1, people.wrl2, people.mil, people.mwae]);
    let refused = 0;
    const send = sendDeps(sink.url, 1_000, () => refused++);
    try {
      let done = false;
      const claimed = await claimCause(database.db, cause, send.leaseMs);
      const sending = deliverCause(send, cause, claimed).finally(() => {
        done = true;
      });
      const rival: string[] = [];
      while (!done) {
        for (const row of await claimCause(database.db, cause, 60_000)) rival.push(row.id);
        await new Promise((r) => setTimeout(r, 50));
      }
      const outcome = await sending;
      expect(rival).toEqual([]);
      expect(outcome.sent).toBe(4);
      expect(refused).toBe(0);
      const rows = await database.db.selectFrom('mail_deliveries').select('status').where('id', 'in', ids).execute();
      expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
      expect(sink.messages.length).toBe(4);
    } finally {
      send.transport.close();
      await sink.close();
    }
  }, 30_000);

  it('breaks a message off before its final dot when waiting for a completion place outlasted half the lease, and keeps the mail for another attempt', async () => {
    const sink = await startSmtpSink();
    const { cause, id } = await pendingMail(people.wrl1);
    const send = sendDeps(sink.url, 1_000, () => undefined);
    try {
      // The only completion place is held (as by a mail whose mark waits for PostgreSQL) past half the lease.
      const held = await send.slots.completion();
      const sending = deliverCause(send, cause);
      await new Promise((r) => setTimeout(r, 700));
      held.release();
      const outcome = await sending;

      expect(outcome).toMatchObject({ sent: 0, retry: 1 });
      expect(sink.messages.length).toBe(0);
      const row = await database.db
        .selectFrom('mail_deliveries')
        .select(['status', 'attempts', 'last_error'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.last_error).toContain('mail lease ran low before the message was complete');
      // The connection pool goes on: the next attempt is delivered.
      expect((await deliverCause(send, cause)).sent).toBe(1);
      expect(sink.messages.length).toBe(1);
    } finally {
      send.transport.close();
      await sink.close();
    }
  }, 30_000);
});
