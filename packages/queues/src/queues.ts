import { createHash } from 'node:crypto';
import { OUTBOX_TOPICS, profileChangePayload } from '@steckbrief/engine';
import { type ConnectionOptions, Queue } from 'bullmq';
import { z } from 'zod';

/**
 * BullMQ is the transport, PostgreSQL the truth: a job carries only the id of the row it acts on,
 * and its job id is derived from that row, so adding the same work twice (two relays racing, a
 * reconciliation after Redis was emptied) enqueues it once.
 */
export const QUEUE_NAMES = { outbox: 'outbox', mail: 'mail', timers: 'timers' } as const;

/**
 * An outbox row is immutable once committed, so its job carries a copy (no read per job); whether it
 * has been processed is only ever decided in PostgreSQL. The envelope routes a job and names its row;
 * `outboxJob` is the whole job of a topic the worker handles, payload included.
 */
export const outboxEnvelope = z.object({
  outboxId: z.string().regex(/^\d+$/),
  topic: z.string(),
  cause: z.string(),
  createdAt: z.coerce.date(),
});

/** The payload of a sign-in code's row (written by services/web/src/signin.ts). */
export const signinCodePayload = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  code: z.string().regex(/^\d{6}$/),
  link: z.url(),
  expiresAt: z.coerce.date(),
  /** Set by a web application running with NODE_ENV=development: print the code when the mail is not delivered. */
  logIfUndelivered: z.boolean().optional(),
});

/** The payload of a task reassignment's row (written by the engine's `assignTask`). */
export const assignmentPayload = z.object({
  taskId: z.uuid(),
  profileId: z.uuid(),
  assigneeId: z.uuid(),
  assignedBy: z.uuid().nullable(),
});

export const outboxJob = z.discriminatedUnion('topic', [
  outboxEnvelope.extend({ topic: z.literal(OUTBOX_TOPICS.transition), payload: profileChangePayload }),
  outboxEnvelope.extend({ topic: z.literal(OUTBOX_TOPICS.signin), payload: signinCodePayload }),
  outboxEnvelope.extend({ topic: z.literal(OUTBOX_TOPICS.assignment), payload: assignmentPayload }),
]);
export type OutboxMessage = z.infer<typeof outboxJob>;
export type TransitionJob = Extract<OutboxMessage, { topic: typeof OUTBOX_TOPICS.transition }>;
export type SigninJob = Extract<OutboxMessage, { topic: typeof OUTBOX_TOPICS.signin }>;

const HANDLED_TOPICS: ReadonlySet<string> = new Set(outboxJob.options.map((o) => o.shape.topic.value));
/** Does `outboxJob` describe rows of this topic? Rows of other topics are for other consumers. */
export const isHandledTopic = (topic: string) => HANDLED_TOPICS.has(topic);

/** The columns an outbox job carries. */
export const OUTBOX_JOB_COLUMNS = ['id', 'topic', 'cause', 'payload', 'created_at'] as const;
export const mailJob = z.object({ cause: z.string().min(1) });
export const timerJob = z.object({ timerId: z.string().regex(/^\d+$/) });

// BullMQ ids may be neither integers nor contain ':'.
export const jobIds = {
  outbox: (id: string) => `outbox-${id}`,
  mail: (cause: string) => `mail-${createHash('sha1').update(cause).digest('hex')}`,
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

/**
 * Outbox rows and timers: retried with backoff; one that keeps failing stays visible as failed. An add
 * with its id is then ignored, so the worker's reconciliation retries such a job while its row still
 * needs work; a job failed on purpose as poison (UnrecoverableError) stays failed.
 */
const ROW_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: KEEP_FAILED,
};

export function createQueues({ connection, prefix, mailAttempts, mailBackoffMs }: QueueOptions): Queues {
  const common = { connection, prefix };
  const outbox = new Queue(QUEUE_NAMES.outbox, {
    ...common,
    defaultJobOptions: ROW_JOB_OPTIONS,
  });
  // The delivery log counts attempts and decides when a mail has failed for good; the job only
  // schedules retries. It leaves Redis when it fails, so reconciliation can always add it again.
  const mail = new Queue(QUEUE_NAMES.mail, {
    ...common,
    defaultJobOptions: {
      attempts: mailAttempts + 2,
      backoff: { type: 'exponential', delay: mailBackoffMs },
      removeOnComplete: true,
      removeOnFail: true,
    },
  });
  const timers = new Queue(QUEUE_NAMES.timers, {
    ...common,
    defaultJobOptions: ROW_JOB_OPTIONS,
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

export function enqueueOutbox(
  queues: Queues,
  rows: Array<{ id: string; topic: string; cause: string; payload: unknown; created_at: Date }>,
): Promise<void> {
  return addInChunks(rows, (chunk) =>
    queues.outbox.addBulk(
      chunk.map((r) => ({
        name: r.topic,
        data: {
          outboxId: r.id,
          topic: r.topic,
          cause: r.cause,
          payload: r.payload,
          createdAt: r.created_at.toISOString(),
        },
        opts: { jobId: jobIds.outbox(r.id) },
      })),
    ),
  );
}

/** One job per cause: it sends whatever of that cause is still unsent. */
export function enqueueMailCauses(queues: Queues, causes: string[], delayMs = 0): Promise<void> {
  return addInChunks(causes, (chunk) =>
    queues.mail.addBulk(
      chunk.map((cause) => ({
        name: 'send',
        data: { cause },
        opts: { jobId: jobIds.mail(cause), delay: Math.max(0, delayMs) },
      })),
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
