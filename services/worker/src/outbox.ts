import { OUTBOX_TOPICS } from '@steckbrief/engine';
import { isHandledTopic, jobIds, outboxEnvelope, outboxJob } from '@steckbrief/queues';
import type { Job } from 'bullmq';
import { sql } from 'kysely';
import { processAssignmentMail } from './assignment-mail.js';
import type { WorkerContext } from './context.js';
import { processEffects } from './effects.js';
import { errorMessage, failFast, isPermanent } from './failures.js';
import { processSigninMail } from './signin-mail.js';

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
    const envelope = outboxEnvelope.parse(job.data);
    if (isHandledTopic(envelope.topic)) {
      // A malformed payload fails the parse (a ZodError, permanent): the job fails at once, the row keeps the error.
      const row = outboxJob.parse(job.data);
      switch (row.topic) {
        case OUTBOX_TOPICS.transition:
          return await processEffects(ctx, row);
        case OUTBOX_TOPICS.signin:
          return await processSigninMail(ctx, row);
        case OUTBOX_TOPICS.assignment:
          return await processAssignmentMail(ctx, row);
      }
    }
    // Topics for other consumers are not ours to hold back: mark them done, visibly.
    ctx.logger.warn({ outboxId: envelope.outboxId, topic: envelope.topic }, 'outbox topic has no handler');
    await ctx.db
      .updateTable('outbox')
      .set({ processed_at: ctx.now(), last_error: `no handler for topic ${envelope.topic}` })
      .where('id', '=', envelope.outboxId)
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
