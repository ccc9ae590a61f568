import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { createTestQueues, type TestQueues } from '@steckbrief/queues/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/worker.js';
import { type SmtpSink, startSmtpSink, startTestWorker } from './helpers.js';

let database: TestDatabase;
let redis: TestQueues;
let sink: SmtpSink;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  database = await createTestDatabase('worker_orphan_blobs');
  redis = createTestQueues('worker_orphan_blobs');
  sink = await startSmtpSink();
});

afterAll(async () => {
  await worker?.stop();
  await sink?.close();
  await redis?.destroy();
  await database?.destroy();
});

async function blob(ageMinutes: number): Promise<string> {
  const row = await database.db
    .insertInto('attachment_blobs')
    .values({ bytes: Buffer.from('%PDF-1.4 orphan'), created_at: sql`now() - make_interval(mins => ${ageMinutes})` })
    .returning('key')
    .executeTakeFirstOrThrow();
  return row.key;
}

describe('reconciliation and attachment bytes', () => {
  it('removes bytes no attachment names once they are an hour old, and keeps younger ones', async () => {
    const old = await blob(61);
    const young = await blob(5);
    worker = await startTestWorker({
      db: database.db,
      schema: database.schema,
      databaseUrl: database.url,
      smtpUrl: sink.url,
      redisPrefix: redis.prefix,
    });
    const report = await worker.reconcile();
    const left = await database.db.selectFrom('attachment_blobs').select('key').execute();
    expect(left.map((r) => r.key)).toEqual([young]);
    expect(left.map((r) => r.key)).not.toContain(old);
    expect(report.orphanBlobs).toBe(0); // the start's own reconciliation removed it already
  });
});
