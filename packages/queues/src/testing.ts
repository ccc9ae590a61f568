import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { type Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createQueues, type Queues } from './queues.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestQueues {
  queues: Queues;
  connection: Redis;
  /** The BullMQ key prefix, unique to this test file. */
  prefix: string;
  /**
   * A job that ran once and failed for good (its one attempt used up), as a worker would leave it;
   * returns its id. `jobId` gives it a row-derived id (`outbox-<id>`, `timer-<id>`).
   */
  failedJob(queue: Queue, reason: string, data?: Record<string, unknown>, opts?: { jobId?: string }): Promise<string>;
  /** Close the queues and delete every key under the prefix. */
  destroy(): Promise<void>;
}

/** The queues of one test file on the shared Redis, under a prefix of their own (files run in parallel). */
export function createTestQueues(label: string): TestQueues {
  const prefix = `test:${label}:${randomBytes(4).toString('hex')}`;
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queues = createQueues({ connection, prefix, mailAttempts: 3, mailBackoffMs: 100 });
  return {
    queues,
    connection,
    prefix,
    async failedJob(queue, reason, data = { cause: `test:${randomBytes(3).toString('hex')}` }, opts = {}) {
      // Waiting jobs of earlier tests would be fetched first.
      await queue.drain();
      const job = await queue.add('test', data, { attempts: 1, ...(opts.jobId ? { jobId: opts.jobId } : {}) });
      const worker = new Worker(queue.name, null, { connection, prefix, autorun: false });
      try {
        const active = await worker.getNextJob('test-lock');
        if (active?.id !== job.id) throw new Error(`fetched job ${active?.id}, not ${job.id}`);
        await active.moveToFailed(new Error(reason), 'test-lock');
      } finally {
        await worker.close();
      }
      if ((await queue.getJobState(job.id as string)) !== 'failed') throw new Error(`job ${job.id} did not fail`);
      return job.id as string;
    },
    async destroy() {
      await queues.close();
      const keys = await connection.keys(`${prefix}:*`);
      if (keys.length) await connection.del(...keys);
      await connection.quit();
    },
  };
}

export interface PrivateRedis {
  url: string;
  pid: number;
  /** A connection of the caller's own (FLUSHALL, INFO). */
  client: Redis;
  flushAll(): Promise<void>;
  usedMemory(): Promise<number>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server child of the caller's own (no persistence): FLUSHALL, a crash or its memory figures
 * touch no other test or benchmark. Resolves once it answers PING.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  client.on('error', () => undefined); // refused until the server listens
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (client.status !== 'ready') await client.connect();
      if ((await client.ping()) === 'PONG') break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start: ${(error as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid as number,
    client,
    async flushAll() {
      await client.flushall();
    },
    async usedMemory() {
      const info = await client.info('memory');
      return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
    },
    async stop() {
      client.disconnect();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
