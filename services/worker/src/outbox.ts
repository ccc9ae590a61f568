import { outboxJob } from '@steckbrief/queues';
import type { Job } from 'bullmq';
import { sql } from 'kysely';
import type { WorkerContext } from './context.js';
import { effectsOf, processEffects } from './effects.js';
import { processSigninMail, SIGNIN_TOPIC } from './signin-mail.js';

/**
 * Handle one outbox row (see `processEffects`). A row whose handling fails counts the attempt and
 * keeps the error on the row, for operators; BullMQ retries it.
 */
export async function processOutboxJob(ctx: WorkerContext, job: Job): Promise<void> {
  const row = outboxJob.parse(job.data);
  try {
    if (row.topic === SIGNIN_TOPIC) return await processSigninMail(ctx, row);
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
    await ctx.db
      .updateTable('outbox')
      .set({ attempts: sql`attempts + 1`, last_error: String((error as Error).message ?? error).slice(0, 2_000) })
      .where('id', '=', row.outboxId)
      .execute();
    throw error;
  }
}
