import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile, type EngineDeps } from '@steckbrief/engine';
import { type PrivateRedis, startPrivateRedis } from '@steckbrief/queues/testing';
import { buildRegistry } from '@steckbrief/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChildWorker,
  completeProfile,
  type People,
  pollUntil,
  type SmtpSink,
  seedPeople,
  spawnWorker,
  startSmtpSink,
  uniquePrefix,
} from './helpers.js';

let database: TestDatabase;
let redis: PrivateRedis;
let sink: SmtpSink;
let people: People;
let deps: EngineDeps;
const children: ChildWorker[] = [];
const POOL = 5;

beforeAll(async () => {
  database = await createTestDatabase('worker_crash');
  redis = await startPrivateRedis();
  sink = await startSmtpSink({ delayMs: 20 });
  people = await seedPeople(database.db);
  deps = { db: database.db, registry: buildRegistry() };
});

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  await sink?.close();
  await redis?.stop();
  await database?.destroy();
});

function worker(prefix: string): ChildWorker {
  const c = spawnWorker({
    DATABASE_URL: database.url,
    DATABASE_SCHEMA: database.schema,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    SMTP_URL: sink.url,
    SMTP_POOL_SIZE: String(POOL),
    PUBLIC_URL: 'https://steckbrief.example.org',
    MAIL_LEASE_MS: '2000',
    MAIL_BACKOFF_MS: '100',
    JOB_LOCK_MS: '2000',
    RECONCILE_INTERVAL_MS: '1000',
    RELAY_POLL_MS: '200',
  });
  children.push(c);
  return c;
}

describe('a worker killed in the middle of a batch', () => {
  it('loses no mail, and re-sends only mails in flight at the kill (at most one per SMTP connection) under their own Message-ID', async () => {
    const prefix = uniquePrefix('crash');
    const first = worker(prefix);
    await first.ready;

    for (let i = 0; i < 30; i++) {
      const p = await createProfile(deps, people.applicant1, { data: completeProfile({ title: `Vorhaben ${i}` }) });
      await applyEvent(deps, people.applicant1, { profileId: p.id, type: 'SUBMIT' });
    }
    const expected = 30 * 4; // two applicants and two WRL members per submission

    // Kill it for real while the sink holds the mails it is sending.
    await pollUntil(() => sink.messages.length >= 20, 20_000, 'first mails delivered');
    sink.hold();
    await pollUntil(
      async () =>
        (await database.db.selectFrom('mail_deliveries').select('id').where('status', '=', 'sending').execute())
          .length > 0,
      10_000,
      'mails in flight',
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    const atKill = await database.db.selectFrom('mail_deliveries').select(['status', 'message_id']).execute();
    expect(atKill.filter((r) => r.status === 'delivered').length).toBeLessThan(expected);
    // In flight at the kill: on a connection (the sink holds its answer), or accepted but not yet marked delivered.
    const delivered = new Set(atKill.filter((r) => r.status === 'delivered').map((r) => r.message_id));
    const inFlight = new Set([
      ...sink.inFlightIds(),
      ...sink.messages.map((m) => m.messageId).filter((id) => !delivered.has(id)),
    ]);
    // At most one per connection: a send slot is held from hand-off to committed mark (decision 007).
    expect(inFlight.size).toBeLessThanOrEqual(POOL);
    sink.release();

    const second = worker(prefix);
    await second.ready;
    await pollUntil(
      async () => {
        const rows = await database.db.selectFrom('mail_deliveries').select('status').execute();
        return rows.length === expected && rows.every((r) => r.status === 'delivered');
      },
      45_000,
      'all mails delivered after the restart',
      100,
    );
    const logged = (await database.db.selectFrom('mail_deliveries').select('message_id').execute())
      .map((r) => r.message_id)
      .sort();
    await pollUntil(() => sink.mailbox().size >= expected, 10_000, 'sink has every message');

    // Nothing lost: every (cause, recipient) of the log reached the receiver, under its own Message-ID.
    const mailbox = sink.mailbox();
    expect([...mailbox.keys()].sort()).toEqual(logged);
    // Re-sent: only mails the killed worker had in flight (handed over, not yet marked), always under
    // the same Message-ID with the same content, so the receiver keeps one.
    const resent = sink.messages.length - mailbox.size;
    const seen = new Set<string>();
    const twice = sink.messages.map((m) => m.messageId).filter((id) => seen.has(id) || !seen.add(id));
    expect(twice.length).toBe(resent);
    for (const id of twice) expect(inFlight.has(id)).toBe(true);
    for (const m of sink.messages) {
      const kept = mailbox.get(m.messageId);
      expect(kept?.subject).toBe(m.subject);
      expect(kept?.text).toBe(m.text);
    }
    console.info(`crash test: ${expected} mails, ${resent} re-sent with the same Message-ID after SIGKILL`);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);
});
