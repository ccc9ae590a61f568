import { outboxJob } from '@steckbrief/queues';
import type { Job } from 'bullmq';
import { sql } from 'kysely';
import { z } from 'zod';
import type { WorkerContext } from './context.js';
import { cancelTaskTimers, planTaskTimers, syncTaskTimerJobs } from './deadlines.js';
import { deliverNow } from './mailer.js';
import { fanOutNotice } from './notices.js';

const taskPayload = z.object({ taskId: z.string() });

/**
 * Handle one outbox row. Two idempotent steps on every attempt: (1) in PostgreSQL, turn the row into
 * its durable effects (delivery rows, timer rows) and mark it processed, atomically and only if it
 * was not processed before; (2) act on those effects (send the mails, hand the timers to Redis; job
 * ids dedupe). A retry after a crash between the steps redoes only step 2; a Redis loss before
 * step 2 is repaired by reconciliation.
 */
export async function processOutboxJob(ctx: WorkerContext, job: Job): Promise<void> {
  const row = outboxJob.parse(job.data);
  try {
    switch (row.topic) {
      case 'notification': {
        const claimed = await fanOutNotice(ctx, row);
        // Freshly recorded mails are ours to send; on a repeat, claim whatever is still unsent.
        await deliverNow(ctx.send, row.cause, claimed.length ? claimed : undefined);
        return;
      }
      case 'task.opened':
      case 'task.due_changed':
      case 'task.closed': {
        const { taskId } = taskPayload.parse(row.payload);
        const cancelled = await ctx.db.transaction().execute(async (trx) => {
          const fresh = await trx
            .selectFrom('outbox')
            .select('processed_at')
            .where('id', '=', row.outboxId)
            .forUpdate()
            .executeTakeFirst();
          if (!fresh || fresh.processed_at) return [];
          const result =
            row.topic === 'task.closed'
              ? await cancelTaskTimers(trx, taskId)
              : await planTaskTimers(trx, taskId, row.createdAt, ctx.reminderOffsets);
          await trx
            .updateTable('outbox')
            .set({ processed_at: ctx.now(), last_error: null })
            .where('id', '=', row.outboxId)
            .execute();
          return result.cancelled;
        });
        await syncTaskTimerJobs(ctx, taskId, cancelled);
        return;
      }
      default: {
        // Topics for other consumers are not ours to hold back: mark them done, visibly.
        ctx.logger.warn({ outboxId: row.outboxId, topic: row.topic }, 'outbox topic has no handler');
        await ctx.db
          .updateTable('outbox')
          .set({ processed_at: ctx.now(), last_error: `no handler for topic ${row.topic}` })
          .where('id', '=', row.outboxId)
          .where('processed_at', 'is', null)
          .execute();
      }
    }
  } catch (error) {
    await ctx.db
      .updateTable('outbox')
      .set({ attempts: sql`attempts + 1`, last_error: String((error as Error).message ?? error).slice(0, 2_000) })
      .where('id', '=', row.outboxId)
      .execute();
    throw error;
  }
}
