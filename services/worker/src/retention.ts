import type { Db } from '@steckbrief/db';
import {
  applyRetention,
  postgresAttachmentStore,
  type RetentionReport,
  type WorkflowRegistry,
} from '@steckbrief/engine';
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';

/**
 * The retention job (docs/privacy.md): a BullMQ repeatable job, one run per RETENTION_INTERVAL_MS (default
 * daily) however many workers there are, that applies the workflows' retention rules at the job's clock:
 * notices to owners of old drafts, deletion of drafts whose notice period is over, removal of the personal
 * data of closed profiles. `applyRetention` decides each profile again under its row lock, so two runs at
 * once, or a run after a crash half-way, act on each profile once; a run with nothing due changes nothing.
 *
 * The schedule lives in Redis; every worker upserts it at start and every hour, so an emptied Redis gets it
 * back. PostgreSQL holds everything else.
 */
export const RETENTION_QUEUE = 'retention';
const SCHEDULER_ID = 'retention';
const UPSERT_EVERY_MS = 60 * 60_000;

export interface RetentionJobOptions {
  db: Db;
  registry: WorkflowRegistry;
  connection: ConnectionOptions;
  /** BullMQ key prefix, the worker's. */
  prefix: string;
  intervalMs: number;
  logger: Logger;
  now?: () => Date;
}

export interface RetentionJob {
  /** Apply the rules now, in this process (what each scheduled job does). */
  run(): Promise<RetentionReport>;
  queue: Queue;
  stop(): Promise<void>;
}

/** Apply the rules once at `now` and log what was done (profile ids and counts only). */
export async function runRetention(
  o: Pick<RetentionJobOptions, 'db' | 'registry' | 'logger'>,
  now: Date,
): Promise<RetentionReport> {
  const report = await applyRetention({
    db: o.db,
    registry: o.registry,
    attachments: postgresAttachmentStore(o.db),
    now: () => now,
  });
  if (report.notified.length || report.deleted.length || report.cleared.length || report.expiredSigninCodes) {
    o.logger.info(
      {
        notified: report.notified.length,
        deleted: report.deleted.length,
        cleared: report.cleared.length,
        expiredSigninCodes: report.expiredSigninCodes,
        // Ids only, and a bounded number of them per line.
        profileIds: [...report.notified, ...report.deleted, ...report.cleared].slice(0, 100),
      },
      'retention applied',
    );
  }
  return report;
}

export async function startRetentionJob(o: RetentionJobOptions): Promise<RetentionJob> {
  const now = o.now ?? (() => new Date());
  const queue = new Queue(RETENTION_QUEUE, {
    connection: o.connection,
    prefix: o.prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 3 },
  });
  queue.on('error', (err) => o.logger.warn({ err: err.message }, 'retention queue error'));
  const upsert = () =>
    queue
      .upsertJobScheduler(SCHEDULER_ID, { every: o.intervalMs }, { name: 'apply' })
      .catch((err: Error) => o.logger.warn({ err: err.message }, 'retention schedule not stored; will retry'));
  await upsert();
  const timer = setInterval(() => void upsert(), Math.min(o.intervalMs, UPSERT_EVERY_MS));
  const worker = new Worker(RETENTION_QUEUE, () => runRetention(o, now()), {
    connection: o.connection,
    prefix: o.prefix,
    concurrency: 1,
  });
  worker.on('error', (err) => o.logger.warn({ err: err.message }, 'retention worker error'));
  worker.on('failed', (job, err) =>
    o.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'retention run failed'),
  );
  return {
    queue,
    run: () => runRetention(o, now()),
    async stop() {
      clearInterval(timer);
      await worker.close();
      await queue.close();
    },
  };
}
