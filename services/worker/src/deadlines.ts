import type { Db, TaskTimerRow } from '@steckbrief/db';
import type { WorkflowDefinition } from '@steckbrief/engine';
import { type Bilingual, profileLink, renderNotice } from '@steckbrief/notifications';
import { DelayedError, type Job } from 'bullmq';
import { sql } from 'kysely';
import type { WorkerContext } from './context.js';
import { type OutgoingMail, recordDeliveries, unfinishedDeliveryIds } from './deliveries.js';
import { enqueueMails, enqueueTimers, jobIds, timerJob } from './queues.js';
import { resolveGroups } from './recipients.js';

/**
 * Deadlines: every open task with a due date has planned timers in `task_timers` — one reminder per
 * configured offset and one escalation at the due date. PostgreSQL holds the plan; a BullMQ delayed
 * job per timer only carries the timing. A firing timer re-reads its task and does nothing if the
 * task closed or its due date moved, so a stale or duplicated job is harmless.
 */

export const reminderCause = (taskId: string, due: Date, offsetMs: number) =>
  `reminder:${taskId}:${due.getTime()}:${offsetMs}`;
export const escalationCause = (taskId: string, due: Date) => `escalation:${taskId}:${due.getTime()}`;

/**
 * Plan the timers of one task for its current due date and cancel those for an older one. Reminders
 * whose time lies before `basis` (when the due date was set) are not planned: a task due in three
 * days gets no "due in seven days" reminder. Returns the ids of cancelled timers.
 */
export async function planTaskTimers(
  db: Db,
  taskId: string,
  basis: Date,
  offsets: number[],
): Promise<{ cancelled: string[] }> {
  const task = await db
    .selectFrom('tasks')
    .select(['id', 'status', 'due_at'])
    .where('id', '=', taskId)
    .executeTakeFirst();
  const due = task?.status === 'open' ? task.due_at : null;
  const cancelled = await db
    .updateTable('task_timers')
    .set({ status: 'cancelled' })
    .where('task_id', '=', taskId)
    .where('status', '=', 'planned')
    .$if(due !== null, (q) => q.where('due_at', '<>', due as Date))
    .returning('id')
    .execute();
  if (task && due) {
    const rows = [
      ...offsets
        .filter((offset) => due.getTime() - offset > basis.getTime())
        .map((offset) => ({
          cause: reminderCause(task.id, due, offset),
          task_id: task.id,
          kind: 'reminder' as const,
          offset_ms: offset,
          due_at: due,
          fire_at: new Date(due.getTime() - offset),
        })),
      {
        cause: escalationCause(task.id, due),
        task_id: task.id,
        kind: 'escalation' as const,
        offset_ms: 0,
        due_at: due,
        fire_at: due,
      },
    ];
    // A due date moved back to an earlier value revives its cancelled timers (same causes).
    await db
      .insertInto('task_timers')
      .values(rows)
      .onConflict((oc) =>
        oc.column('cause').doUpdateSet({ status: 'planned' }).where('task_timers.status', '=', 'cancelled'),
      )
      .execute();
  }
  return { cancelled: cancelled.map((c) => c.id) };
}

export async function cancelTaskTimers(db: Db, taskId: string): Promise<{ cancelled: string[] }> {
  const rows = await db
    .updateTable('task_timers')
    .set({ status: 'cancelled' })
    .where('task_id', '=', taskId)
    .where('status', '=', 'planned')
    .returning('id')
    .execute();
  return { cancelled: rows.map((r) => r.id) };
}

/** Hand the task's planned timers to Redis and drop the jobs of cancelled ones (best effort: a stale job finds its timer cancelled). */
export async function syncTaskTimerJobs(ctx: WorkerContext, taskId: string, cancelled: string[]): Promise<void> {
  await Promise.all(cancelled.map((id) => ctx.queues.timers.remove(jobIds.timer(id)).catch(() => 0)));
  const planned = await ctx.db
    .selectFrom('task_timers')
    .select(['id', 'fire_at'])
    .where('task_id', '=', taskId)
    .where('status', '=', 'planned')
    .execute();
  await enqueueTimers(ctx.queues, planned, ctx.now().getTime());
}

function groupLabel(definition: WorkflowDefinition, role: string, scope: string): Bilingual {
  const label = definition.roles[role]?.label ?? { de: role, en: role };
  const value = scope.startsWith('owner:') || scope === '' ? '' : ` ${scope.slice(scope.indexOf(':') + 1)}`;
  return { de: `${label.de}${value}`, en: `${label.en}${value}` };
}

type Decision = 'fire' | 'skip' | { laterAt: Date };

function decide(
  timer: TaskTimerRow,
  task: { status: string; due_at: Date | null } | undefined,
  now: Date,
  offsets: number[],
): Decision {
  if (task?.status !== 'open' || task.due_at?.getTime() !== timer.due_at.getTime()) return 'skip';
  // Delayed jobs fire on time; a job added early (clock skew between hosts) waits for its instant.
  if (timer.fire_at.getTime() - now.getTime() > 1_000) return { laterAt: timer.fire_at };
  if (timer.kind === 'escalation') return 'fire';
  const due = timer.due_at.getTime();
  if (now.getTime() >= due) return 'skip'; // the escalation speaks now
  // After an outage, only the latest reminder whose time has come goes out.
  const laterReminderDue = offsets.some((o) => o < Number(timer.offset_ms) && due - o <= now.getTime());
  return laterReminderDue ? 'skip' : 'fire';
}

/** A timer's instant has come: check the task again, then record the reminder or escalation mails. */
export async function fireTimer(ctx: WorkerContext, job: Job, token: string | undefined): Promise<void> {
  const { timerId } = timerJob.parse(job.data);
  let cause: string | null = null;
  let laterAt: Date | null = null;
  await ctx.db.transaction().execute(async (trx) => {
    const timer = await trx
      .selectFrom('task_timers')
      .selectAll()
      .where('id', '=', timerId)
      .forUpdate()
      .executeTakeFirst();
    if (!timer) return;
    if (timer.status === 'fired') cause = timer.cause; // a repeat: make sure its mails are queued
    if (timer.status !== 'planned') return;
    const task = await trx
      .selectFrom('tasks as t')
      .innerJoin('profiles as p', 'p.id', 't.profile_id')
      .select([
        't.id',
        't.status',
        't.due_at',
        't.kind',
        't.state',
        't.assignee_role',
        't.assignee_scope',
        'p.id as profile_id',
        'p.title',
        'p.workflow_id',
        'p.workflow_version',
      ])
      .where('t.id', '=', timer.task_id)
      .executeTakeFirst();
    const now = ctx.now();
    const decision = decide(timer, task, now, ctx.reminderOffsets);
    if (typeof decision === 'object') {
      laterAt = decision.laterAt;
      return;
    }
    if (decision === 'skip' || !task) {
      await trx
        .updateTable('task_timers')
        .set({ status: 'skipped', fired_at: now })
        .where('id', '=', timer.id)
        .execute();
      return;
    }
    const definition = ctx.registry.get(task.workflow_id, task.workflow_version);
    const groups = [{ role: task.assignee_role, scope: task.assignee_scope }];
    // SPEC §3: an overdue task escalates to the assignee and to the office that manages deadlines.
    if (timer.kind === 'escalation') for (const role of definition.deadlineRoles) groups.push({ role, scope: '' });
    const recipients = await resolveGroups(trx, groups);
    const link = profileLink(ctx.publicUrl, task.profile_id);
    const mails: OutgoingMail[] = recipients.map((recipient) => ({
      recipient,
      mail: renderNotice({
        kind: timer.kind,
        projectTitle: task.title,
        state: definition.states[task.state] ?? { de: task.state, en: task.state },
        tasks: [{ label: definition.taskKinds[task.kind] ?? { de: task.kind, en: task.kind }, dueAt: timer.due_at }],
        link,
        recipientName: recipient.name,
        assignee: groupLabel(definition, task.assignee_role, task.assignee_scope),
      }),
    }));
    await recordDeliveries(trx, timer.cause, mails, ctx.mailDomain);
    await trx.updateTable('task_timers').set({ status: 'fired', fired_at: now }).where('id', '=', timer.id).execute();
    cause = timer.cause;
  });
  if (laterAt) {
    await job.moveToDelayed((laterAt as Date).getTime(), token);
    throw new DelayedError();
  }
  if (cause) await enqueueMails(ctx.queues, await unfinishedDeliveryIds(ctx.db, cause));
}

/** Open tasks with a due date but no timers for it (e.g. tasks older than the worker): plan them now. */
export async function planMissingTimers(ctx: WorkerContext, limit = 1_000): Promise<number> {
  const tasks = await ctx.db
    .selectFrom('tasks as t')
    .select('t.id')
    .where('t.status', '=', 'open')
    .where('t.due_at', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('task_timers as tt')
            .select(sql`1`.as('one'))
            .whereRef('tt.task_id', '=', 't.id')
            .whereRef('tt.due_at', '=', 't.due_at'),
        ),
      ),
    )
    .limit(limit)
    .execute();
  for (const t of tasks) {
    const { cancelled } = await planTaskTimers(ctx.db, t.id, ctx.now(), ctx.reminderOffsets);
    await syncTaskTimerJobs(ctx, t.id, cancelled);
  }
  return tasks.length;
}
