import type { Db } from '@steckbrief/db';
import type { WorkflowRegistry } from '@steckbrief/engine';
import { senderDomain } from '@steckbrief/notifications';
import { createQueues, QUEUE_NAMES, type Queues } from '@steckbrief/queues';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { WorkerContext } from './context.js';
import { fireTimer } from './deadlines.js';
import type { MarkCommit } from './deliveries.js';
import { failFast } from './failures.js';
import { type MailTransport, processMailJob, type SendDeps } from './mailer.js';
import { createWorkerMetrics } from './metrics.js';
import { processOutboxJob } from './outbox.js';
import { type ReconcileReport, reconcile } from './reconcile.js';
import { type Relay, startRelay } from './relay.js';
import { createSendSlots } from './send-slots.js';

export interface WorkerOptions {
  db: Db;
  databaseUrl: string;
  schema: string;
  redisUrl: string;
  /** BullMQ key prefix; one per deployment (and per test). */
  redisPrefix: string;
  registry: WorkflowRegistry;
  transport: MailTransport;
  logger: Logger;
  publicUrl: string;
  mailFrom: string;
  mailAttempts: number;
  mailBackoffMs: number;
  mailLeaseMs: number;
  /** MAIL_MARK_COMMIT; `sync` (the configuration's default) when not given. */
  mailMarkCommit?: MarkCommit;
  reminderOffsets: number[];
  /** TIMER_HORIZON_MS: Redis holds the timers due within it (15 minutes when not given). */
  timerHorizonMs?: number;
  reconcileIntervalMs: number;
  relayPollMs: number;
  concurrency: number;
  jobLockMs: number;
  now?: () => Date;
}

export interface RunningWorker {
  context: WorkerContext;
  queues: Queues;
  /** Prometheus registry of this worker: job durations and failures, mails sent and failed. */
  metrics: Registry;
  reconcile(): Promise<ReconcileReport>;
  /** Stop taking jobs, finish those in flight, close connections. */
  stop(): Promise<void>;
}

/** The configuration's default TIMER_HORIZON_MS. */
const DEFAULT_TIMER_HORIZON_MS = 15 * 60_000;

/** Send slots for a transport that does not say how many connections it has. */
const DEFAULT_SMTP_CONNECTIONS = 10;

/**
 * One worker process: the outbox relay, the three queue consumers (outbox, mail, timers) and the
 * periodic reconciliation. Any number of them may run against the same database and Redis.
 */
export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const logger = o.logger;
  // BullMQ consumers block on Redis; they must never give up on a request while Redis restarts.
  const connection = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));
  const queues = createQueues({
    connection,
    prefix: o.redisPrefix,
    mailAttempts: o.mailAttempts,
    mailBackoffMs: o.mailBackoffMs,
  });
  const metrics = createWorkerMetrics();
  const send: SendDeps = {
    db: o.db,
    queues,
    transport: metrics.countMails(o.transport),
    // Per pooled SMTP connection (SMTP_POOL_SIZE): one mail handed over, one between final dot and recorded outcome.
    slots: createSendSlots(o.transport.connections ?? DEFAULT_SMTP_CONNECTIONS),
    from: o.mailFrom,
    leaseMs: o.mailLeaseMs,
    markCommit: o.mailMarkCommit ?? 'sync',
    maxAttempts: o.mailAttempts,
    backoffMs: o.mailBackoffMs,
    logger,
    onMarkRefused: () => metrics.markRefused(),
  };
  const context: WorkerContext = {
    db: o.db,
    registry: o.registry,
    queues,
    logger,
    publicUrl: o.publicUrl,
    mailDomain: senderDomain(o.mailFrom),
    reminderOffsets: o.reminderOffsets,
    timerHorizonMs: o.timerHorizonMs ?? DEFAULT_TIMER_HORIZON_MS,
    send,
    now: o.now ?? (() => new Date()),
  };

  // A killed worker's active jobs count as stalled after the lock runs out and return to the queue; the
  // delivery log and timer rows, not the stalled count, decide whether anything is sent.
  const common = {
    connection,
    prefix: o.redisPrefix,
    lockDuration: o.jobLockMs,
    stalledInterval: o.jobLockMs,
    maxStalledCount: 1_000,
  };
  const workers = [
    new Worker(QUEUE_NAMES.outbox, (job) => processOutboxJob(context, job), { ...common, concurrency: o.concurrency }),
    new Worker(QUEUE_NAMES.mail, (job, token) => processMailJob(send, job, token), {
      ...common,
      concurrency: o.concurrency,
    }),
    // A timer job that cannot parse, or whose data PostgreSQL rejects, fails at once (see failures.ts).
    new Worker(QUEUE_NAMES.timers, (job, token) => fireTimer(context, job, token).catch(failFast), {
      ...common,
      concurrency: o.concurrency,
    }),
  ];
  for (const w of workers) {
    metrics.observe(w);
    // Errors of the transport (e.g. a job's keys vanished in a FLUSHALL) are logged; PostgreSQL and reconciliation repair.
    w.on('error', (err) => logger.warn({ queue: w.name, err: err.message }, 'queue worker error'));
    w.on('failed', (job, err) =>
      logger.warn({ queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'),
    );
  }

  let reconciling: Promise<ReconcileReport> | null = null;
  const runReconcile = () => {
    reconciling ??= reconcile(context)
      .then((report) => {
        if (
          report.outbox ||
          report.mails ||
          report.timers ||
          report.plannedTasks ||
          report.retried ||
          report.orphanBlobs
        )
          logger.info(report, 'reconciled redis from postgresql');
        return report;
      })
      .finally(() => {
        reconciling = null;
      });
    return reconciling;
  };

  await runReconcile();
  const relay: Relay = startRelay({
    db: o.db,
    queues,
    databaseUrl: o.databaseUrl,
    schema: o.schema,
    pollMs: o.relayPollMs,
    logger,
  });
  const interval = setInterval(() => {
    runReconcile().catch((err) => logger.warn({ err: (err as Error).message }, 'reconciliation failed; will retry'));
  }, o.reconcileIntervalMs);

  let stopping: Promise<void> | null = null;
  return {
    context,
    queues,
    metrics: metrics.registry,
    reconcile: runReconcile,
    stop() {
      stopping ??= (async () => {
        clearInterval(interval);
        await relay.stop();
        await Promise.all(workers.map((w) => w.close()));
        await reconciling?.catch(() => undefined);
        await queues.close();
        o.transport.close();
        await connection.quit().catch(() => connection.disconnect());
      })();
      return stopping;
    },
  };
}
