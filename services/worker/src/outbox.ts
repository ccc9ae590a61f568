import { executePrepared } from '@steckbrief/db';
import { enqueueTimers, jobIds, type OutboxMessage, outboxJob } from '@steckbrief/queues';
import type { Job } from 'bullmq';
import { sql } from 'kysely';
import { z } from 'zod';
import type { WorkerContext } from './context.js';
import { cancelTaskTimers, planTaskTimers, syncTaskTimerJobs, timerRows } from './deadlines.js';
import { deliverNow } from './mailer.js';
import { fanOutNotice } from './notices.js';

const taskPayload = z.object({ taskId: z.string(), dueAt: z.string().nullish() });

interface TaskEffects {
  /** False when the row was processed before or the task no longer matches the payload: take the slow path. */
  marked: boolean;
  cancelled: string[];
  planned: Array<{ id: string; fire_at: Date }>;
}

/**
 * The fast path of a task row, in ONE statement (one snapshot): mark the row processed, cancel the
 * task's planned timers for any other due date (all of them for `task.closed`) and plan those for
 * the payload's due date — only if the row was not processed yet and, for a due date, only while the
 * task is still open with exactly that due date. Returns the planned timers (new, revived and already
 * there) so they can be handed to Redis without another read. Anything else (a repeat, a task that
 * moved on since the row was written) returns `marked: false` and takes the general path below.
 */
async function markTaskRow(
  ctx: WorkerContext,
  row: OutboxMessage,
  taskId: string,
  due: Date | null,
): Promise<TaskEffects> {
  const now = ctx.now();
  // A closed task, or one without a due date (or no longer open), keeps no planned timers.
  const plan = row.topic !== 'task.closed' && due !== null;
  const rows = plan ? timerRows(taskId, due, row.createdAt, ctx.reminderOffsets) : [];
  const guard =
    row.topic === 'task.closed'
      ? sql`true`
      : plan
        ? sql`exists (select 1 from tasks t where t.id = ${taskId} and t.status = 'open' and t.due_at = ${due})`
        : sql`not exists (select 1 from tasks t where t.id = ${taskId} and t.status = 'open' and t.due_at is not null)`;
  const [out] = await executePrepared(
    ctx.db,
    sql<{ marked: boolean; cancelled: string[]; planned: Array<{ id: string; fire_at: string }> }>`
    with mark as (
      update outbox set processed_at = ${now}, last_error = null
      where id = ${row.outboxId} and processed_at is null and ${guard}
      returning id
    ), cancelled as (
      update task_timers set status = 'cancelled'
      where task_id = ${taskId} and status = 'planned' and exists (select 1 from mark)
        ${plan ? sql`and due_at <> ${due}` : sql``}
      returning id
    ), inserted as (
      insert into task_timers (cause, task_id, kind, offset_ms, due_at, fire_at)
      select r.cause, r.task_id, r.kind, r.offset_ms, r.due_at, r.fire_at
      from mark, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as r(cause text, task_id uuid, kind text, offset_ms bigint, due_at timestamptz, fire_at timestamptz)
      on conflict (cause) do update set status = 'planned' where task_timers.status = 'cancelled'
      returning id, fire_at
    ), planned as (
      select id, fire_at from inserted
      union
      select tt.id, tt.fire_at from task_timers tt, mark
      where ${plan ? sql`tt.task_id = ${taskId} and tt.status = 'planned' and tt.due_at = ${due}` : sql`false`}
    )
    select exists (select 1 from mark) as marked,
      coalesce((select json_agg(id::text) from cancelled), '[]') as cancelled,
      coalesce((select json_agg(json_build_object('id', id::text, 'fire_at', fire_at)) from planned), '[]') as planned
  `,
  );
  if (!out) return { marked: false, cancelled: [], planned: [] };
  return {
    marked: out.marked,
    cancelled: out.cancelled,
    planned: out.planned.map((p) => ({ id: p.id, fire_at: new Date(p.fire_at) })),
  };
}

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
        const { taskId, dueAt } = taskPayload.parse(row.payload);
        const due = dueAt ? new Date(dueAt) : null;
        if (!due || !Number.isNaN(due.getTime())) {
          const fast = await markTaskRow(ctx, row, taskId, due);
          if (fast.marked) {
            await Promise.all(fast.cancelled.map((id) => ctx.queues.timers.remove(jobIds.timer(id)).catch(() => 0)));
            await enqueueTimers(ctx.queues, fast.planned, ctx.now().getTime());
            return;
          }
        }
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
