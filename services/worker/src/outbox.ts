import { jobIds, outboxJob } from '@steckbrief/queues';
import type { Job } from 'bullmq';
import { sql } from 'kysely';
import { ASSIGNMENT_TOPIC, processAssignmentMail } from './assignment-mail.js';
import type { WorkerContext } from './context.js';
import { effectsOf, processEffects } from './effects.js';
import { errorMessage, failFast, isPermanent } from './failures.js';
import { processSigninMail, SIGNIN_TOPIC } from './signin-mail.js';

/** The outbox id of a job, from its data or else from its row-derived job id. */
function outboxIdOf(job: Job): string | null {
  const fromData = (job.data as { outboxId?: unknown } | null)?.outboxId;
  if (typeof fromData === 'string' && /^\d+$/.test(fromData)) return fromData;
  const fromId = /^outbox-(\d+)$/.exec(job.id ?? '')?.[1];
  return fromId && jobIds.outbox(fromId) === job.id ? fromId : null;
}

/**
 * Handle one outbox row (see `processEffects`). A row whose handling fails counts the attempt and
 * keeps the error on the row, for operators; BullMQ retries it, unless the error is permanent (a
 * malformed payload, a value PostgreSQL rejects): then the job fails at once (UnrecoverableError),
 * stays in the failed set and the row stays unprocessed with its error, without holding up others.
 */
export async function processOutboxJob(ctx: WorkerContext, job: Job): Promise<void> {
  try {
    const row = outboxJob.parse(job.data);
    if (row.topic === SIGNIN_TOPIC) return await processSigninMail(ctx, row);
    if (row.topic === ASSIGNMENT_TOPIC) return await processAssignmentMail(ctx, row);
    const effects = effectsOf(row);
    if (effects) return await processEffects(ctx, row, effects);
    // Topics for other consumers are not ours to hold back: mark them done, visibly.
    ctx.logger.warn({ outboxId: row.outboxId, topic: row.topic }, 'outbox topic has no handler');
    await ctx.db
      .updateTable('outbox')
      .set({ processed_at: ctx.now(), last_error: `no handler for topic ${row.topic}` })
      .where('id', '=', row.outboxId)
      .where('processed_at', 'is', null)
      .execute();
  } catch (error) {
    const outboxId = outboxIdOf(job);
    if (outboxId)
      await ctx.db
        .updateTable('outbox')
        .set({ attempts: sql`attempts + 1`, last_error: errorMessage(error) })
        .where('id', '=', outboxId)
        .execute();
    if (isPermanent(error))
      ctx.logger.error(
        { outboxId, jobId: job.id, err: errorMessage(error) },
        'outbox row cannot be processed; not retried',
      );
    failFast(error);
  }
}
