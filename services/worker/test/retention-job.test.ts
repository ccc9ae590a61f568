import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { createProfile } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RetentionJob, startRetentionJob } from '../src/retention.js';
import { completeProfile, pollUntil, REDIS_URL, seedPeople, uniquePrefix } from './helpers.js';

let database: TestDatabase;
let connection: Redis;
let job: RetentionJob | undefined;
const prefix = uniquePrefix('retention_job');

beforeAll(async () => {
  database = await createTestDatabase('worker_retention_job');
  connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await job?.stop();
  const keys = await connection.keys(`${prefix}:*`);
  if (keys.length) await connection.del(...keys);
  await connection.quit();
  await database?.destroy();
});

describe('the retention job', () => {
  it('is a repeatable job that applies the rules on its own', async () => {
    const registry = buildRegistry();
    const people = await seedPeople(database.db);
    const old = new Date('2024-01-10T09:00:00Z');
    const draft = await createProfile({ db: database.db, registry, now: () => old }, people.applicant1, {
      data: completeProfile({ title: 'Alter Entwurf' }),
    });
    job = await startRetentionJob({
      db: database.db,
      registry,
      connection,
      prefix,
      intervalMs: 1_000,
      logger: pino({ level: 'silent' }),
    });
    expect((await job.queue.getJobSchedulers()).map((s) => s.key)).toEqual(['retention']);
    const noticed = async () =>
      (
        await database.db
          .selectFrom('profiles')
          .select('retention_notice_at')
          .where('id', '=', draft.id)
          .executeTakeFirstOrThrow()
      ).retention_notice_at !== null;
    await pollUntil(noticed, 20_000, 'the scheduled run told the owner');
  });
});
