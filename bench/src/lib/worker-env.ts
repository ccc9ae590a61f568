import type { TestDatabase } from '@steckbrief/db/testing';
import { type PrivateRedis, startPrivateRedis } from '@steckbrief/queues/testing';
import { type CountingSink, startCountingSink } from './smtp-sink.js';
import type { BenchContext } from './types.js';

export interface WorkerBenchEnv {
  database: TestDatabase;
  redis: PrivateRedis;
  sink: CountingSink;
}

/**
 * What a worker benchmark runs against: its own migrated schema, a private redis-server (so Redis
 * memory and FLUSHALL are its alone) and an in-process SMTP sink; all torn down at the end of the run.
 */
export async function workerBenchEnv(ctx: BenchContext, label: string): Promise<WorkerBenchEnv> {
  // Imported here, not at the top: run.ts names the bench's connections before @steckbrief/db/testing loads.
  const { createTestDatabase } = await import('@steckbrief/db/testing');
  const database = await createTestDatabase(label, 32);
  const redis = await startPrivateRedis();
  const sink = await startCountingSink();
  ctx.defer(async () => {
    await sink.close();
    await redis.stop();
    await database.destroy();
  });
  return { database, redis, sink };
}
