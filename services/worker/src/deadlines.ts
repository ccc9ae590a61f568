import type { Db, TaskTimerRow } from '@steckbrief/db';
import {
  escalationCause,
  isOwnerScope,
  parseGroupScope,
  reminderCause,
  scopeValueLabel,
  type WorkflowDefinition,
} from '@steckbrief/engine';
import { type Bilingual, profileLink, renderNotice, taskLink } from '@steckbrief/notifications';
import { enqueueTimers, jobIds, timerJob } from '@steckbrief/queues';
import { DelayedError, type Job } from 'bullmq';
import { sql } from 'kysely';
import type { WorkerContext } from './context.js';
import { type OutgoingMail, recordTimerMails } from './deliveries.js';
import { deliverNow } from './mailer.js';
import { resolveGroups } from './recipients.js';

/**
 * Deadlines: every open task with a due date has planned timers in `task_timers` — one reminder per
 * configured offset and one escalation at the due date. PostgreSQL holds the plan; a BullMQ delayed
 * job per timer only carries the timing. A firing timer re-reads its task and does nothing if the
 * task closed or its due date moved, so a stale or duplicated job is harmless.
 */

/** The timers a task due at `due` gets: reminders whose time lies after `basis`, and the escalation. */
export function timerRows(taskId: string, due: Date, basis: Date, offsets: number[]) {
  return [
    ...offsets
      .filter((offset) => due.getTime() - offset > basis.getTime())
      .map((offset) => ({
        cause: reminderCause(taskId, due, offset),
        task_id: taskId,
        kind: 'reminder' as const,
        offset_ms: offset,
        due_at: due,
        fire_at: new Date(due.getTime() - offset),
      })),
    {
      cause: escalationCause(taskId, due),
      task_id: taskId,
      kind: 'escalation' as const,
      offset_ms: 0,
      due_at: due,
      fire_at: due,
    },
  ];
}

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
    const rows = timerRows(task.id, due, basis, offsets);
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

/**
 * Hand to Redis the timers whose instant lies within the horizon (`timerHorizonMs`). A reminder due in
 * six days is a row in PostgreSQL only; reconciliation adds its job once it comes within the horizon, so
 * Redis holds the near future, not every deadline of every open task (nor does each reconciliation
 * re-add all of them).
 */
export function enqueueSoonTimers(ctx: WorkerContext, rows: Array<{ id: string; fire_at: Date }>): Promise<void> {
  const now = ctx.now().getTime();
  const soon = rows.filter((r) => r.fire_at.getTime() <= now + ctx.timerHorizonMs);
  return soon.length ? enqueueTimers(ctx.queues, soon, now) : Promise.resolve();
}

/** Hand the task's planned timers within the horizon to Redis and drop the jobs of cancelled ones (best effort: a stale job finds its timer cancelled). */
export async function syncTaskTimerJobs(ctx: WorkerContext, taskId: string, cancelled: string[]): Promise<void> {
  await Promise.all(cancelled.map((id) => ctx.queues.timers.remove(jobIds.timer(id)).catch(() => 0)));
  const planned = await ctx.db
    .selectFrom('task_timers')
    .select(['id', 'fire_at'])
    .where('task_id', '=', taskId)
    .where('status', '=', 'planned')
    .execute();
  await enqueueSoonTimers(ctx, planned);
}

/**
 * The assignee group as people read it: a scoped group by its scope value's label, which names the body
 * (the definition labels every scope value), else the role's label with the raw value.
 */
function groupLabel(definition: WorkflowDefinition, role: string, scope: string): Bilingual {
  const label = definition.roles[role]?.label ?? { de: role, en: role };
  const group = parseGroupScope(scope);
  if (group.kind !== 'attribute') return label;
  const { attribute, value } = group;
  return scopeValueLabel(definition, attribute, value) ?? { de: `${label.de} ${value}`, en: `${label.en} ${value}` };
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

/**
 * A timer's instant has come: read the timer and its task, then record and send the reminder or
 * escalation — the record marks the timer fired in the same statement, and only if the task is still
 * open with that due date, so a stale or duplicated job sends nothing.
 */
export async function fireTimer(ctx: WorkerContext, job: Job, token: string | undefined): Promise<void> {
  const { timerId } = timerJob.parse(job.data);
  const found = await ctx.db
    .selectFrom('task_timers as tt')
    .leftJoin('tasks as t', 't.id', 'tt.task_id')
    .leftJoin('profiles as p', 'p.id', 't.profile_id')
    .selectAll('tt')
    .select([
      't.status as task_status',
      't.due_at as task_due_at',
      't.kind as task_kind',
      't.state as task_state',
      't.assignee_role',
      't.assignee_scope',
      'p.id as profile_id',
      'p.title',
      'p.workflow_id',
      'p.workflow_version',
    ])
    .where('tt.id', '=', timerId)
    .executeTakeFirst();
  if (!found) return;
  // A repeat of a fired timer: make sure its mails went out.
  if (found.status === 'fired') return deliverNow(ctx.send, found.cause);
  if (found.status !== 'planned') return;
  const now = ctx.now();
  const task = found.task_status ? { status: found.task_status, due_at: found.task_due_at } : undefined;
  const decision = decide(found, task, now, ctx.reminderOffsets);
  if (typeof decision === 'object') {
    await job.moveToDelayed(decision.laterAt.getTime(), token);
    throw new DelayedError();
  }
  if (decision === 'skip' || !found.profile_id || !found.workflow_id || found.workflow_version === null) {
    await ctx.db
      .updateTable('task_timers')
      .set({ status: 'skipped', fired_at: now })
      .where('id', '=', found.id)
      .where('status', '=', 'planned')
      .execute();
    return;
  }
  const definition = ctx.registry.get(found.workflow_id, found.workflow_version);
  const role = found.assignee_role as string;
  const scope = found.assignee_scope as string;
  const kind = found.task_kind as string;
  const state = found.task_state as string;
  const groups = [{ role, scope }];
  // SPEC §3: an overdue task escalates to the assignee and to the office that manages deadlines.
  if (found.kind === 'escalation') for (const r of definition.deadlineRoles) groups.push({ role: r, scope: '' });
  const recipients = await resolveGroups(ctx.db, groups);
  const link = profileLink(ctx.publicUrl, found.profile_id);
  // The reviewers' task page; an owner's task (a revision) is done on the profile's own pages.
  const onTask = isOwnerScope(scope) ? null : taskLink(ctx.publicUrl, found.task_id);
  const mails: OutgoingMail[] = recipients.map((recipient) => ({
    recipient,
    mail: renderNotice({
      kind: found.kind,
      projectTitle: found.title,
      state: definition.states[state] ?? { de: state, en: state },
      tasks: [{ label: definition.taskKinds[kind] ?? { de: kind, en: kind }, dueAt: found.due_at }],
      link,
      taskLink: onTask,
      recipientName: recipient.name,
      assignee: groupLabel(definition, role, scope),
    }),
  }));
  const claimed = await recordTimerMails(ctx.db, found.id, {
    cause: found.cause,
    mails,
    domain: ctx.mailDomain,
    leaseMs: ctx.send.leaseMs,
    now: ctx.now(),
  });
  if (claimed.length) await deliverNow(ctx.send, found.cause, claimed);
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
