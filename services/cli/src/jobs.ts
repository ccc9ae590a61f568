import { QUEUE_NAMES, type Queues } from '@steckbrief/queues';
import type { Job, Queue } from 'bullmq';
import { type CliContext, queuesOf } from './context.js';
import { type Out, table } from './users.js';

export const QUEUE_CHOICES: string[] = Object.values(QUEUE_NAMES);

export interface JobsFailedOptions {
  queue?: string;
  limit?: number;
}

export interface JobsRetryOptions {
  queue?: string;
  all?: boolean;
}

function chosenQueues(queues: Queues, name?: string): Queue[] {
  const all = [queues.outbox, queues.mail, queues.timers];
  return name ? all.filter((q) => q.name === name) : all;
}

const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').slice(0, 200);

/**
 * Failed jobs with their errors, newest first per queue. The outbox and timer queues keep them for inspection:
 * jobs failed at once as poison (a payload that does not parse, a value PostgreSQL rejects; the outbox row keeps
 * the error in `last_error`), and jobs that used up their attempts, which the worker's reconciliation retries
 * while their row still needs work. A mail job leaves Redis when it fails, and its mails are `failed` rows in
 * mail_deliveries (`mails failed`).
 */
export async function jobsFailed(ctx: CliContext, options: JobsFailedOptions, out: Out): Promise<void> {
  const rows: string[][] = [];
  for (const queue of chosenQueues(queuesOf(ctx), options.queue)) {
    const jobs = await queue.getFailed(0, (options.limit ?? 100) - 1);
    for (const job of jobs) {
      rows.push([
        queue.name,
        job.id ?? '',
        String(job.attemptsMade),
        job.finishedOn ? new Date(job.finishedOn).toISOString() : '',
        oneLine(job.failedReason),
      ]);
    }
  }
  table(['queue', 'job', 'attempts', 'failed at', 'error'], rows, out);
  out(`${rows.length} failed job(s)`);
}

/**
 * Move failed jobs back to waiting (BullMQ's job.retry) with their attempts counted afresh: the named ones, or
 * with `all` every failed job of the chosen queues. Safe to repeat: each job acts on a PostgreSQL row that
 * decides whether anything is left to do.
 */
export async function jobsRetry(ctx: CliContext, ids: string[], options: JobsRetryOptions, out: Out): Promise<void> {
  if (Boolean(options.all) === ids.length > 0) throw new Error('name the jobs to retry or pass --all (not both)');
  const retried = new Set<string>();
  for (const queue of chosenQueues(queuesOf(ctx), options.queue)) {
    const jobs: Array<Job | undefined> = options.all
      ? await queue.getFailed(0, -1)
      : await Promise.all(ids.map((id) => queue.getJob(id)));
    for (const job of jobs) {
      if (!job?.id || (await job.getState()) !== 'failed') continue;
      await job.retry('failed', { resetAttemptsMade: true });
      retried.add(job.id);
      out(`${queue.name} ${job.id}: retried`);
    }
  }
  out(`${retried.size} job(s) moved back to waiting`);
  const missing = ids.filter((id) => !retried.has(id));
  if (missing.length) throw new Error(`not a failed job in the chosen queue(s): ${missing.join(', ')}`);
}
