import { postgresAttachmentStore } from '@steckbrief/engine';
import { enqueueMailCauses, enqueueOutbox, enqueueTimers, OUTBOX_JOB_COLUMNS } from '@steckbrief/queues';
import type { Job, Queue } from 'bullmq';
import { sql } from 'kysely';
import type { WorkerContext } from './context.js';
import { planMissingTimers } from './deadlines.js';
import { isPoison } from './failures.js';

const PAGE = 2_000;

export interface ReconcileReport {
  outbox: number;
  /** Causes with unsent mails. */
  mails: number;
  timers: number;
  plannedTasks: number;
  /** Failed outbox and timer jobs moved back to waiting because their row still needs work. */
  retried: number;
  /** Attachment bytes that no attachment names (an upload whose transaction failed), removed. */
  orphanBlobs: number;
}

/**
 * An upload writes its bytes before the transaction that records the attachment, so a blob younger
 * than this may still be about to be named; older unnamed blobs are leftovers of failed uploads.
 */
const ORPHAN_AGE_MS = 3_600_000;

/** Failed jobs that used up their attempts (not poison, see `isPoison`), by the row id in their job id. */
async function exhaustedJobs(queue: Queue, idPrefix: string): Promise<Map<string, Job>> {
  const found = new Map<string, Job>();
  for (let start = 0; ; start += PAGE) {
    const jobs = await queue.getFailed(start, start + PAGE - 1);
    for (const job of jobs) {
      const rowId = job?.id?.startsWith(idPrefix) ? job.id.slice(idPrefix.length) : '';
      if (/^\d+$/.test(rowId) && !isPoison(job)) found.set(rowId, job);
    }
    if (jobs.length < PAGE) return found;
  }
}

/** Move the jobs back to waiting with fresh attempts; another worker's reconciliation may have done so already. */
async function retryJobs(jobs: Job[]): Promise<number> {
  const results = await Promise.all(
    jobs.map((job) =>
      job.retry('failed', { resetAttemptsMade: true }).then(
        () => 1,
        () => 0,
      ),
    ),
  );
  return results.reduce((a: number, b) => a + b, 0);
}

/**
 * An add with an existing job id is ignored, also when that job has failed for good, so a row whose
 * job used up its attempts (e.g. during a database outage longer than the backoff) would never be
 * re-added. Such jobs are retried here while their outbox row is unprocessed or their timer planned.
 * Jobs failed on purpose (poison, UnrecoverableError) stay failed, for operators.
 */
async function retryExhausted(ctx: WorkerContext): Promise<number> {
  const { db, queues } = ctx;
  let retried = 0;
  const outbox = await exhaustedJobs(queues.outbox, 'outbox-');
  if (outbox.size) {
    const open = await db
      .selectFrom('outbox')
      .select('id')
      .where('id', '=', sql<string>`any(${[...outbox.keys()]}::bigint[])`)
      .where('processed_at', 'is', null)
      .execute();
    retried += await retryJobs(open.map((r) => outbox.get(r.id) as Job));
  }
  const timers = await exhaustedJobs(queues.timers, 'timer-');
  if (timers.size) {
    const planned = await db
      .selectFrom('task_timers')
      .select('id')
      .where('id', '=', sql<string>`any(${[...timers.keys()]}::bigint[])`)
      .where('status', '=', 'planned')
      .execute();
    retried += await retryJobs(planned.map((r) => timers.get(r.id) as Job));
  }
  return retried;
}

/**
 * Rebuild from PostgreSQL whatever Redis should hold: a job for every unprocessed outbox row, every
 * unfinished mail and every planned timer due within the horizon, and timers for open tasks that have
 * none. Every add uses the row-derived job id, so jobs Redis still holds are left alone; after a FLUSHALL all come back.
 * Jobs that failed for good while their row still needs work are retried (`retryExhausted`).
 */
export async function reconcile(ctx: WorkerContext): Promise<ReconcileReport> {
  const { db, queues } = ctx;
  const report: ReconcileReport = { outbox: 0, mails: 0, timers: 0, plannedTasks: 0, retried: 0, orphanBlobs: 0 };
  report.retried = await retryExhausted(ctx);
  report.orphanBlobs = await postgresAttachmentStore(db).removeOrphans(new Date(Date.now() - ORPHAN_AGE_MS));

  for (let after = '0'; ; ) {
    const rows = await db
      .selectFrom('outbox')
      .select(OUTBOX_JOB_COLUMNS)
      .where('processed_at', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (!rows.length) break;
    await enqueueOutbox(queues, rows);
    await db
      .updateTable('outbox')
      .set({ published_at: sql`now()` })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .where('published_at', 'is', null)
      .execute();
    report.outbox += rows.length;
    after = (rows.at(-1) as { id: string }).id;
  }

  for (let after = ''; ; ) {
    const rows = await db
      .selectFrom('mail_deliveries')
      .select('cause')
      .distinct()
      .where('status', 'in', ['pending', 'sending'])
      .where('cause', '>', after)
      .orderBy('cause')
      .limit(PAGE)
      .execute();
    if (!rows.length) break;
    await enqueueMailCauses(
      queues,
      rows.map((r) => r.cause),
    );
    report.mails += rows.length;
    after = (rows.at(-1) as { cause: string }).cause;
  }

  // The planned timers due within the horizon; the later ones come in as their time does.
  const horizon = new Date(ctx.now().getTime() + ctx.timerHorizonMs);
  for (let after = '0'; ; ) {
    const rows = await db
      .selectFrom('task_timers')
      .select(['id', 'fire_at'])
      .where('status', '=', 'planned')
      .where('fire_at', '<=', horizon)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (!rows.length) break;
    await enqueueTimers(queues, rows, ctx.now().getTime());
    report.timers += rows.length;
    after = (rows.at(-1) as { id: string }).id;
  }

  for (let round = 0, n = -1; n !== 0 && round < 100; round++) {
    n = await planMissingTimers(ctx);
    report.plannedTasks += n;
  }
  return report;
}
