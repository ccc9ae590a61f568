import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile, type EngineDeps, setTaskDue } from '@steckbrief/engine';
import { type PrivateRedis, startPrivateRedis } from '@steckbrief/queues/testing';
import { buildRegistry } from '@steckbrief/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeProfile,
  type People,
  pollUntil,
  seedPeople,
  startSmtpSink,
  startTestWorker,
  uniquePrefix,
} from './helpers.js';

let database: TestDatabase;
let redis: PrivateRedis;
let people: People;
let deps: EngineDeps;

beforeAll(async () => {
  database = await createTestDatabase('worker_redis_loss');
  redis = await startPrivateRedis();
  people = await seedPeople(database.db);
  deps = { db: database.db, registry: buildRegistry() };
});

afterAll(async () => {
  await redis?.stop();
  await database?.destroy();
});

async function submitted(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = await createProfile(deps, people.applicant1, {
      data: completeProfile({ title: `Vorhaben Nummer ${i}` }),
    });
    await applyEvent(deps, people.applicant1, { profileId: p.id, type: 'SUBMIT' });
    ids.push(p.id);
  }
  return ids;
}

/** Every (cause, recipient) the delivery log holds, as Message-IDs; waits until none is unfinished. */
async function settledMessageIds(expected: number): Promise<string[]> {
  await pollUntil(
    async () => {
      const rows = await database.db.selectFrom('mail_deliveries').select('status').execute();
      return rows.length >= expected && rows.every((r) => r.status === 'delivered');
    },
    45_000,
    `${expected} deliveries`,
    100,
  );
  const rows = await database.db.selectFrom('mail_deliveries').select('message_id').execute();
  return rows.map((r) => r.message_id).sort();
}

describe('losing Redis', () => {
  it('delivers every mail and reminder exactly once when Redis is flushed between a transition and its delivery', async () => {
    const sink = await startSmtpSink();
    sink.hold();
    const worker = await startTestWorker({
      db: database.db,
      schema: database.schema,
      databaseUrl: database.url,
      smtpUrl: sink.url,
      redisUrl: redis.url,
      redisPrefix: uniquePrefix('flush'),
      reminderOffsets: [3_000],
    });
    try {
      const profiles = await submitted(10);
      // A timer, too: the intake task due in 5 s (one reminder 3 s before, one escalation).
      const task = await database.db
        .selectFrom('tasks')
        .select('id')
        .where('profile_id', '=', profiles[0] as string)
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      await setTaskDue(deps, people.wrl1, task.id, new Date(Date.now() + 5_000));

      // Wait until the relay has handed everything to Redis and mails are on their way (the sink holds
      // them), then empty Redis.
      await pollUntil(
        async () =>
          (await database.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).length ===
            0 &&
          (await database.db.selectFrom('mail_deliveries').select('id').where('status', '=', 'sending').execute())
            .length > 0,
        10_000,
        'outbox published and mails in flight',
      );
      await redis.flushAll();
      const deliveredAtFlush = sink.messages.length;
      sink.release();

      // 10 × (2 applicants + 2 WRL) notices, 2 WRL reminders, 2 WRL escalations.
      const ids = await settledMessageIds(44);
      expect(ids.length).toBe(44);
      await pollUntil(() => sink.messages.length >= 44, 10_000, 'sink has all mails');
      expect(deliveredAtFlush).toBe(0);
      expect(sink.messages.map((m) => m.messageId).sort()).toEqual(ids);
      expect(sink.messages.filter((m) => m.cause.startsWith('escalation:')).length).toBe(2);
      expect(sink.messages.filter((m) => m.cause.startsWith('reminder:')).length).toBe(2);
    } finally {
      await worker.stop();
      await sink.close();
    }
  }, 60_000);

  it('delivers each mail once with two workers running at once', async () => {
    await database.db.deleteFrom('mail_deliveries').execute();
    const sink = await startSmtpSink({ delayMs: 5 });
    const prefix = uniquePrefix('two');
    const options = {
      db: database.db,
      schema: database.schema,
      databaseUrl: database.url,
      smtpUrl: sink.url,
      redisUrl: redis.url,
      redisPrefix: prefix,
    };
    const [a, b] = await Promise.all([startTestWorker(options), startTestWorker(options)]);
    try {
      await submitted(20);
      const ids = await settledMessageIds(80);
      expect(ids.length).toBe(80);
      await pollUntil(() => sink.messages.length >= 80, 10_000, 'sink has all mails');
      expect(sink.messages.map((m) => m.messageId).sort()).toEqual(ids);
    } finally {
      await Promise.all([a?.stop(), b?.stop()]);
      await sink.close();
    }
  }, 60_000);
});
