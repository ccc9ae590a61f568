import { performance } from 'node:perf_hooks';
import { executePrepared, type MailDeliveryRow } from '@steckbrief/db';
import { isOwnerScope, type ProfileChangePayload } from '@steckbrief/engine';
import { messageIdFor, NOTICE_KINDS, profileLink, renderNotice, taskLink } from '@steckbrief/notifications';
import { jobIds, type TransitionJob } from '@steckbrief/queues';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { WorkerContext } from './context.js';
import { cancelTaskTimers, enqueueSoonTimers, planTaskTimers, syncTaskTimerJobs, timerRows } from './deadlines.js';
import { deliverNow, type SendRow } from './mailer.js';
import { inGroup } from './recipients.js';

/**
 * The durable side effects of one `transition` row (decision 005), read from its payload as the
 * engine's writer wrote it (`profileChangePayload`, parsed by the job schema of @steckbrief/queues):
 * notices (each its own cause, one mail per member of its recipient group) and the tasks whose
 * deadline timers are planned (opened, or due date moved) or cancelled (closed).
 */
type TaskTimers = Array<{ taskId: string; dueAt: Date | null; closed: boolean }>;

const timersOf = (payload: ProfileChangePayload): TaskTimers =>
  payload.tasks.map((t) =>
    t.change === 'closed'
      ? { taskId: t.taskId, dueAt: null, closed: true }
      : { taskId: t.taskId, dueAt: t.dueAt, closed: false },
  );

/** A rendered notice mail, as its delivery row will hold it. */
type NoticeMail = Pick<
  MailDeliveryRow,
  'cause' | 'recipient_id' | 'email' | 'message_id' | 'subject' | 'text_body' | 'html_body'
>;

/**
 * Render every notice of the row, one mail per member of its group, from one read: the profile, the
 * tasks the history entry opened (by the ids the payload lists, with their current kind and due date)
 * and per notice its group's members. A notice lists the opened tasks of its own group. Rendering
 * happens once, before anything is recorded: a retried send sends the same text under the same
 * Message-ID. Null when the profile is gone.
 */
async function renderNotices(ctx: WorkerContext, payload: ProfileChangePayload): Promise<NoticeMail[] | null> {
  const { notices } = payload;
  if (!notices.length) return [];
  const opened = payload.tasks.flatMap((t) => (t.change === 'opened' ? [t] : []));
  let query = ctx.db
    .selectFrom('profiles as p')
    .select(['p.id', 'p.title', 'p.workflow_id', 'p.workflow_version'])
    .where('p.id', '=', payload.profileId);
  if (opened.length) {
    query = query.select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('tasks as t')
          .select(['t.id', 't.kind', 't.due_at'])
          .where(sql<SqlBool>`t.id = any(${opened.map((t) => t.taskId)}::uuid[])`)
          .orderBy('t.created_at')
          .orderBy('t.id'),
      ).as('opened'),
    );
  }
  notices.forEach(({ recipients: { role, scope } }, i) => {
    query = query.select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('users')
          .select(['users.id', 'users.email', 'users.name'])
          .where((u) => inGroup(u, role, scope))
          .orderBy('users.id'),
      ).as(`recipients_${i}`),
    );
  });
  // A named prepared statement, one per shape (number of notices, kinds of scope): planning this
  // join afresh for every row cost PostgreSQL more CPU than running it.
  const [row] = (await executePrepared(ctx.db, query)) as Array<Record<string, unknown>>;
  if (!row) return null;
  const profile = row as { id: string; title: string; workflow_id: string; workflow_version: number };
  const definition = ctx.registry.get(profile.workflow_id, profile.workflow_version);
  const link = profileLink(ctx.publicUrl, profile.id);
  const state = definition.states[payload.to] ?? { de: payload.to, en: payload.to };
  const openedNow = (row.opened ?? []) as Array<{ id: string; kind: string; due_at: string | null }>;
  const mails: NoticeMail[] = [];
  notices.forEach((n, i) => {
    const kind = NOTICE_KINDS.find((k) => k === n.template);
    const recipients = row[`recipients_${i}`] as Array<{ id: string; email: string; name: string }>;
    if (!kind) {
      ctx.logger.error({ cause: n.cause, template: n.template }, 'notice has an unknown template; not sent');
      return;
    }
    if (!recipients.length) ctx.logger.warn({ cause: n.cause, ...n.recipients }, 'notification group has no members');
    // The tasks the entry opened for this notice's group.
    const ofGroup = new Set(
      opened
        .filter((t) => t.assignee.role === n.recipients.role && t.assignee.scope === n.recipients.scope)
        .map((t) => t.taskId),
    );
    const forGroup = openedNow.filter((t) => ofGroup.has(t.id));
    const tasks = forGroup.map((t) => ({
      label: definition.taskKinds[t.kind] ?? { de: t.kind, en: t.kind },
      dueAt: t.due_at ? new Date(t.due_at) : null,
    }));
    // A reviewers' notice about one opened task links to that task's page, where it is claimed and acted on;
    // an owner's task (a revision) is done on the profile's own pages.
    const reviewers = !isOwnerScope(n.recipients.scope);
    const onTask =
      reviewers && forGroup.length === 1 ? taskLink(ctx.publicUrl, (forGroup[0] as { id: string }).id) : null;
    for (const recipient of recipients) {
      const mail = renderNotice({
        kind,
        projectTitle: profile.title,
        state,
        tasks,
        link,
        taskLink: onTask,
        recipientName: recipient.name,
      });
      mails.push({
        cause: n.cause,
        recipient_id: recipient.id,
        email: recipient.email,
        message_id: messageIdFor(n.cause, recipient.id, ctx.mailDomain),
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html,
      });
    }
  });
  return mails;
}

interface Written {
  /** False: the row was processed before, or (fast path) a task no longer matches the row. */
  marked: boolean;
  cancelled: string[];
  planned: Array<{ id: string; fire_at: Date }>;
  claimed: SendRow[];
}

/**
 * The durable effects of a row in ONE statement (one snapshot, one commit): mark the row processed,
 * cancel the listed tasks' planned timers for any other due date (all of them for a closed task or
 * one without a due date), plan the timers for each open task's due date, and record its mails,
 * claimed for sending by this worker (the delivery rows exist if and only if this statement did the
 * marking, so of two workers racing for one row exactly one records and sends them).
 *
 * With `guard` (the fast path) all of this happens only while every listed open task is still open
 * with exactly the row's due date; otherwise (a task moved on since the row was written) nothing is
 * written and the caller takes the general path. Without tasks, only the marking and the mails.
 */
async function writeEffects(
  ctx: WorkerContext,
  db: WorkerContext['db'],
  row: TransitionJob,
  tasks: TaskTimers,
  mails: NoticeMail[],
): Promise<Written> {
  const now = ctx.now();
  const open = tasks.filter((t) => !t.closed).map((t) => ({ task_id: t.taskId, due_at: t.dueAt }));
  const taskIds = tasks.map((t) => t.taskId);
  const timers = tasks.flatMap((t) =>
    t.dueAt ? timerRows(t.taskId, t.dueAt, row.createdAt, ctx.reminderOffsets) : [],
  );
  const parts: RawBuilder<unknown>[] = [
    sql`mark as (
      update outbox set processed_at = ${now}, last_error = null
      where id = ${row.outboxId} and processed_at is null
      ${
        open.length
          ? // A scalar subquery per listed task: an index lookup each (an EXISTS here became a hashed
            // scan of every open task).
            sql`and not exists (
              select 1 from jsonb_to_recordset(${JSON.stringify(open)}::jsonb) as e(task_id uuid, due_at timestamptz)
              where not coalesce(
                (select case when e.due_at is null then not (t.status = 'open' and t.due_at is not null)
                             else t.status = 'open' and t.due_at = e.due_at end
                 from tasks t where t.id = e.task_id),
                e.due_at is null))`
          : sql``
      }
      returning id
    )`,
  ];
  if (tasks.length) {
    parts.push(
      sql`expected as (
        select distinct r.task_id, r.due_at from jsonb_to_recordset(${JSON.stringify(timers)}::jsonb)
          as r(task_id uuid, due_at timestamptz)
      )`,
      // The listed tasks' timers, found by task (not through the index of all planned timers).
      sql`listed as materialized (
        select tt.id, tt.task_id, tt.due_at, tt.status, tt.fire_at from task_timers tt
        where tt.task_id = any(${taskIds}::uuid[])
      )`,
      sql`cancelled as (
        update task_timers tt set status = 'cancelled'
        from mark, listed c
        where tt.id = c.id and c.status = 'planned'
          and not exists (select 1 from expected x where x.task_id = c.task_id and x.due_at = c.due_at)
        returning tt.id
      )`,
      sql`inserted as (
        insert into task_timers (cause, task_id, kind, offset_ms, due_at, fire_at)
        select r.cause, r.task_id, r.kind, r.offset_ms, r.due_at, r.fire_at
        from mark, jsonb_to_recordset(${JSON.stringify(timers)}::jsonb)
          as r(cause text, task_id uuid, kind text, offset_ms bigint, due_at timestamptz, fire_at timestamptz)
        on conflict (cause) do update set status = 'planned' where task_timers.status = 'cancelled'
        returning id, fire_at
      )`,
      // The statement's snapshot does not see `inserted`: timers planned before come from `listed`.
      sql`planned as (
        select id, fire_at from inserted
        union
        select c.id, c.fire_at from mark, listed c
        where c.status = 'planned'
          and exists (select 1 from expected x where x.task_id = c.task_id and x.due_at = c.due_at)
      )`,
    );
  }
  if (mails.length) {
    parts.push(sql`mails as (
      insert into mail_deliveries (cause, recipient_id, email, message_id, subject, text_body, html_body, status, attempts, lease_until, lease_token)
      select r.cause, r.recipient_id, r.email, r.message_id, r.subject, r.text_body, r.html_body, 'sending', 1,
             clock_timestamp() + ${`${ctx.send.leaseMs} milliseconds`}::interval, gen_random_uuid()
      from mark, jsonb_to_recordset(${JSON.stringify(mails)}::jsonb)
        as r(cause text, recipient_id uuid, email text, message_id text, subject text, text_body text, html_body text)
      on conflict (cause, recipient_id) do nothing
      returning id, cause, recipient_id, attempts, lease_token
    )`);
  }
  // The claimed mails' lease counts from here (see `ClaimedRow`). `clock_timestamp()` above, not
  // `now()`: on the general path this statement runs in a transaction that began earlier.
  const sentAt = performance.now();
  const [out] = await executePrepared(
    db,
    sql<{
      marked: boolean;
      cancelled: string[];
      planned: Array<{ id: string; fire_at: string }>;
      mails: Array<{ id: string; cause: string; recipient_id: string; attempts: number; lease_token: string }>;
    }>`
    with ${sql.join(parts, sql`, `)}
    select exists (select 1 from mark) as marked,
      ${tasks.length ? sql`coalesce((select json_agg(id::text) from cancelled), '[]')` : sql`'[]'::json`} as cancelled,
      ${
        tasks.length
          ? sql`coalesce((select json_agg(json_build_object('id', id::text, 'fire_at', fire_at)) from planned), '[]')`
          : sql`'[]'::json`
      } as planned,
      ${
        mails.length
          ? sql`coalesce((select json_agg(json_build_object('id', id::text, 'cause', cause, 'recipient_id', recipient_id, 'attempts', attempts, 'lease_token', lease_token)) from mails), '[]')`
          : sql`'[]'::json`
      } as mails
  `,
  );
  if (!out?.marked) return { marked: false, cancelled: [], planned: [], claimed: [] };
  const byKey = new Map(mails.map((m) => [`${m.cause}\n${m.recipient_id}`, m]));
  return {
    marked: true,
    cancelled: out.cancelled,
    planned: out.planned.map((p) => ({ id: p.id, fire_at: new Date(p.fire_at) })),
    claimed: out.mails.map((d) => {
      const m = byKey.get(`${d.cause}\n${d.recipient_id}`) as NoticeMail;
      return {
        ...m,
        id: d.id,
        attempts: d.attempts,
        lease_token: d.lease_token,
        leaseEnds: sentAt + ctx.send.leaseMs,
      } satisfies SendRow;
    }),
  };
}

/**
 * Handle one outbox row's effects. Two idempotent steps on every attempt: (1) in PostgreSQL, turn the
 * row into its durable effects (delivery rows, timer rows) and mark it processed, atomically and only
 * if it was not processed before; (2) act on them: send the mails, hand the timers to Redis (job ids
 * dedupe). A retry after a crash between the steps redoes only step 2 (it claims whatever mails are
 * still unsent and re-adds the tasks' planned timers); a Redis loss before step 2 is repaired by
 * reconciliation.
 */
export async function processEffects(ctx: WorkerContext, row: TransitionJob): Promise<void> {
  const { payload } = row;
  const tasks = timersOf(payload);
  const mails = await renderNotices(ctx, payload);
  if (mails === null) {
    ctx.logger.error({ outboxId: row.outboxId, profileId: payload.profileId }, 'notices cannot be rendered');
    await ctx.db
      .updateTable('outbox')
      .set({ processed_at: ctx.now(), last_error: 'profile not found' })
      .where('id', '=', row.outboxId)
      .where('processed_at', 'is', null)
      .execute();
    return;
  }
  // The fast path: one statement, if the tasks are still as the row describes them.
  let written = await writeEffects(ctx, ctx.db, row, tasks, mails);
  const fast = written.marked;
  if (!fast) {
    // Processed before, or a task moved on: plan each task from its current state, under the row's lock.
    written = await ctx.db.transaction().execute(async (trx) => {
      const fresh = await trx
        .selectFrom('outbox')
        .select('processed_at')
        .where('id', '=', row.outboxId)
        .forUpdate()
        .executeTakeFirst();
      if (!fresh || fresh.processed_at) return { marked: false, cancelled: [], planned: [], claimed: [] };
      const cancelled: string[] = [];
      for (const t of tasks) {
        const result = t.closed
          ? await cancelTaskTimers(trx, t.taskId)
          : await planTaskTimers(trx, t.taskId, row.createdAt, ctx.reminderOffsets);
        cancelled.push(...result.cancelled);
      }
      const rest = await writeEffects(ctx, trx, row, [], mails);
      return { ...rest, cancelled };
    });
  }
  await Promise.all([
    (async () => {
      await Promise.all(written.cancelled.map((id) => ctx.queues.timers.remove(jobIds.timer(id)).catch(() => 0)));
      if (fast) await enqueueSoonTimers(ctx, written.planned);
      else await Promise.all(tasks.map((t) => syncTaskTimerJobs(ctx, t.taskId, [])));
    })(),
    // Freshly recorded mails are ours to send; on a repeat, each cause claims whatever is still unsent.
    ...payload.notices.map((n) => {
      if (!written.marked) return deliverNow(ctx.send, n.cause);
      const claimed = written.claimed.filter((m) => m.cause === n.cause);
      return claimed.length ? deliverNow(ctx.send, n.cause, claimed) : undefined;
    }),
  ]);
}
