import { type ConnectionOptions, Queue } from 'bullmq';
import { z } from 'zod';

/**
 * BullMQ is the transport, PostgreSQL the truth: a job carries only the id of the row it acts on,
 * and its job id is derived from that row, so adding the same work twice (two relays racing, a
 * reconciliation after Redis was emptied) enqueues it once.
 */
export const QUEUE_NAMES = { outbox: 'outbox', mail: 'mail', timers: 'timers' } as const;

export const outboxJob = z.object({ outboxId: z.string().regex(/^\d+$/) });
export const mailJob = z.object({ deliveryId: z.string().regex(/^\d+$/) });
export const timerJob = z.object({ timerId: z.string().regex(/^\d+$/) });

// BullMQ ids may be neither integers nor contain ':'.
export const jobIds = {
  outbox: (id: string) => `outbox-${id}`,
  mail: (id: string) => `mail-${id}`,
  timer: (id: string) => `timer-${id}`,
};

export interface Queues {
  outbox: Queue;
  mail: Queue;
  timers: Queue;
  close(): Promise<void>;
}

export interface QueueOptions {
  connection: ConnectionOptions;
  prefix: string;
  mailAttempts: number;
  mailBackoffMs: number;
}

/** Finished jobs leave Redis (PostgreSQL records the outcome); failed ones stay a while for inspection. */
const KEEP_FAILED = { count: 5_000 };

export function createQueues({ connection, prefix, mailAttempts, mailBackoffMs }: QueueOptions): Queues {
  const common = { connection, prefix };
  const outbox = new Queue(QUEUE_NAMES.outbox, {
    ...common,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: KEEP_FAILED,
    },
  });
  const mail = new Queue(QUEUE_NAMES.mail, {
    ...common,
    defaultJobOptions: {
      attempts: mailAttempts,
      backoff: { type: 'exponential', delay: mailBackoffMs },
      removeOnComplete: true,
      removeOnFail: KEEP_FAILED,
    },
  });
  const timers = new Queue(QUEUE_NAMES.timers, {
    ...common,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: KEEP_FAILED,
    },
  });
  return {
    outbox,
    mail,
    timers,
    async close() {
      await Promise.all([outbox.close(), mail.close(), timers.close()]);
    },
  };
}

const CHUNK = 500;

async function addInChunks<T>(items: T[], add: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) await add(items.slice(i, i + CHUNK));
}

export function enqueueOutbox(queues: Queues, rows: Array<{ id: string; topic: string }>): Promise<void> {
  return addInChunks(rows, (chunk) =>
    queues.outbox.addBulk(
      chunk.map((r) => ({ name: r.topic, data: { outboxId: r.id }, opts: { jobId: jobIds.outbox(r.id) } })),
    ),
  );
}

export function enqueueMails(queues: Queues, ids: string[]): Promise<void> {
  return addInChunks(ids, (chunk) =>
    queues.mail.addBulk(
      chunk.map((id) => ({ name: 'send', data: { deliveryId: id }, opts: { jobId: jobIds.mail(id) } })),
    ),
  );
}

export function enqueueTimers(
  queues: Queues,
  rows: Array<{ id: string; fire_at: Date }>,
  now = Date.now(),
): Promise<void> {
  return addInChunks(rows, (chunk) =>
    queues.timers.addBulk(
      chunk.map((r) => ({
        name: 'fire',
        data: { timerId: r.id },
        opts: { jobId: jobIds.timer(r.id), delay: Math.max(0, r.fire_at.getTime() - now) },
      })),
    ),
  );
}
