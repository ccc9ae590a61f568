import { messageIdFor, renderAssignment, taskLink } from '@steckbrief/notifications';
import type { OutboxMessage } from '@steckbrief/queues';
import { sql } from 'kysely';
import { z } from 'zod';
import type { WorkerContext } from './context.js';
import { deliverNow } from './mailer.js';
import { recordAndSendOne } from './single-mail.js';

/** Written by the engine's `assignTask` (packages/engine/src/inbox.ts, `writeAssignmentNotice`). */
const assignmentPayload = z.object({
  taskId: z.string().uuid(),
  profileId: z.string().uuid(),
  assigneeId: z.string().uuid(),
  assignedBy: z.string().uuid().nullable(),
});

/**
 * The mail to the colleague a task was handed to. Like the sign-in mail, two idempotent steps: (1) one
 * transaction marks the row processed and records the mail, claimed for sending; (2) send it. A retry
 * after a crash between them finds the row processed and sends whatever of its cause is still unsent.
 * No mail when the task was closed or handed on again before the row was handled: the later row tells
 * the next colleague.
 */
export async function processAssignmentMail(ctx: WorkerContext, row: OutboxMessage): Promise<void> {
  const p = assignmentPayload.parse(row.payload);
  const facts = await ctx.db
    .selectFrom('tasks as t')
    .innerJoin('profiles as p', 'p.id', 't.profile_id')
    .innerJoin('users as a', 'a.id', 't.claimed_by')
    .leftJoin('users as b', (join) =>
      p.assignedBy ? join.on('b.id', '=', p.assignedBy) : join.on(sql<boolean>`false`),
    )
    .leftJoin('outbox as o', (join) => join.on('o.id', '=', row.outboxId))
    .select([
      't.kind',
      't.due_at',
      't.status',
      'p.title',
      'p.workflow_id',
      'p.workflow_version',
      'a.id as assignee_id',
      'a.email',
      'a.name',
      'a.disabled_at',
      'b.name as assigned_by_name',
      'o.processed_at',
    ])
    .where('t.id', '=', p.taskId)
    .executeTakeFirst();
  const current = facts && facts.status === 'open' && facts.assignee_id === p.assigneeId && !facts.disabled_at;
  if (!facts || facts.processed_at || !current) {
    // Handled before (send whatever is unsent), or nothing to tell any more: mark the row done.
    await ctx.db
      .updateTable('outbox')
      .set({ processed_at: ctx.now(), last_error: null })
      .where('id', '=', row.outboxId)
      .where('processed_at', 'is', null)
      .execute();
    await deliverNow(ctx.send, row.cause);
    return;
  }
  const definition = ctx.registry.get(facts.workflow_id, facts.workflow_version);
  const mail = renderAssignment({
    projectTitle: facts.title,
    task: definition.taskKinds[facts.kind] ?? { de: facts.kind, en: facts.kind },
    dueAt: facts.due_at,
    assignedBy: facts.assigned_by_name,
    link: taskLink(ctx.publicUrl, p.taskId),
    recipientName: facts.name,
  });
  const delivery = {
    cause: row.cause,
    recipient_id: p.assigneeId,
    email: facts.email,
    message_id: messageIdFor(row.cause, p.assigneeId, ctx.mailDomain),
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html,
  };
  await recordAndSendOne(ctx, row.outboxId, delivery);
}
