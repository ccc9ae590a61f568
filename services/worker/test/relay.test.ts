import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { createTestQueues, type TestQueues } from '@steckbrief/queues/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayBatch } from '../src/relay.js';

let database: TestDatabase;
let redis: TestQueues;

beforeAll(async () => {
  database = await createTestDatabase('worker_relay');
  redis = createTestQueues('worker_relay');
});

afterAll(async () => {
  await redis?.destroy();
  await database?.destroy();
});

async function addRows(n: number, tag: string): Promise<string[]> {
  const rows = await database.db
    .insertInto('outbox')
    .values(
      Array.from({ length: n }, (_, i) => ({
        topic: 'other.topic',
        cause: `relay-test:${tag}:${i}`,
        payload: JSON.stringify({ i }),
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

const unpublished = async (ids: string[]) =>
  (
    await database.db
      .selectFrom('outbox')
      .select('id')
      .where('id', 'in', ids)
      .where('published_at', 'is', null)
      .execute()
  ).length;

describe('outbox relay', () => {
  it('moves unpublished rows into the queue with job id outbox-<id>, in order, and marks them published', async () => {
    const ids = await addRows(3, 'ok');
    expect(await relayBatch(database.db, redis.queues)).toBe(3);
    expect(await unpublished(ids)).toBe(0);
    const jobs = await Promise.all(ids.map((id) => redis.queues.outbox.getJob(`outbox-${id}`)));
    expect(jobs.map((j) => j?.data.cause)).toEqual(['relay-test:ok:0', 'relay-test:ok:1', 'relay-test:ok:2']);
    expect(jobs[0]?.data).toMatchObject({ outboxId: ids[0], topic: 'other.topic', payload: { i: 0 } });
    expect(await relayBatch(database.db, redis.queues)).toBe(0);
  });

  it('hands the rows back, unpublished, when Redis refuses them', async () => {
    const ids = await addRows(2, 'refused');
    // Redis refuses the batch: the key of one row's job holds a plain string, so adding the job fails.
    const blocker = `${redis.prefix}:outbox:outbox-${ids[1]}`;
    await redis.connection.set(blocker, 'not a job');
    await expect(relayBatch(database.db, redis.queues)).rejects.toThrow();
    await redis.connection.del(blocker);
    expect(await unpublished(ids)).toBe(2);
    // The next pass with Redis back moves them.
    expect(await relayBatch(database.db, redis.queues)).toBe(2);
    expect(await unpublished(ids)).toBe(0);
  });
});
