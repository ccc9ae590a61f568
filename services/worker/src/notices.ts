import type { OutboxTable } from '@steckbrief/db';
import { NOTICE_KINDS, profileLink, renderNotice } from '@steckbrief/notifications';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { WorkerContext } from './context.js';
import { type OutgoingMail, recordDeliveries } from './deliveries.js';
import { resolveGroup } from './recipients.js';

/** The payload the engine writes for topic `notification` (packages/engine/src/transition.ts). */
const noticePayload = z.object({
  template: z.string(),
  profileId: z.string(),
  workflow: z.string(),
  seq: z.number().int(),
  to: z.string(),
  recipients: z.object({ role: z.string(), scope: z.string() }),
});

type OutboxRow = Selectable<OutboxTable>;

/**
 * Turn one notification row into delivery rows, one per member of the recipient group, and mark the
 * row processed in the same transaction. Rendering happens here, once: a retried send sends the
 * same text under the same Message-ID.
 *
 * "What to do next" are the tasks this transition opened for the recipient group: they were created
 * at the instant of the history entry, so the notice reads the same whenever it is rendered.
 */
export async function fanOutNotice(ctx: WorkerContext, row: OutboxRow): Promise<void> {
  const notice = noticePayload.parse(row.payload);
  const kind = NOTICE_KINDS.find((k) => k === notice.template);
  const { db } = ctx;
  await db.transaction().execute(async (trx) => {
    const fresh = await trx
      .selectFrom('outbox')
      .select('processed_at')
      .where('id', '=', row.id)
      .forUpdate()
      .executeTakeFirst();
    if (!fresh || fresh.processed_at) return;
    const profile = await trx
      .selectFrom('profiles')
      .select(['id', 'title', 'workflow_id', 'workflow_version'])
      .where('id', '=', notice.profileId)
      .executeTakeFirst();
    if (!kind || !profile) {
      ctx.logger.error(
        { outboxId: row.id, template: notice.template, profileId: notice.profileId },
        'notification cannot be rendered',
      );
      await trx
        .updateTable('outbox')
        .set({
          processed_at: ctx.now(),
          last_error: kind ? 'profile not found' : `unknown template ${notice.template}`,
        })
        .where('id', '=', row.id)
        .execute();
      return;
    }
    const definition = ctx.registry.get(profile.workflow_id, profile.workflow_version);
    const history = await trx
      .selectFrom('profile_history')
      .select('at')
      .where('profile_id', '=', profile.id)
      .where('seq', '=', notice.seq)
      .executeTakeFirst();
    const { role, scope } = notice.recipients;
    const tasks = history
      ? await trx
          .selectFrom('tasks')
          .select(['kind', 'due_at'])
          .where('profile_id', '=', profile.id)
          .where('created_at', '=', history.at)
          .where('assignee_role', '=', role)
          .where('assignee_scope', '=', scope)
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      : [];
    const recipients = await resolveGroup(trx, role, scope);
    if (!recipients.length) ctx.logger.warn({ outboxId: row.id, role, scope }, 'notification group has no members');
    const link = profileLink(ctx.publicUrl, profile.id);
    const mails: OutgoingMail[] = recipients.map((recipient) => ({
      recipient,
      mail: renderNotice({
        kind,
        projectTitle: profile.title,
        state: definition.states[notice.to] ?? { de: notice.to, en: notice.to },
        tasks: tasks.map((t) => ({
          label: definition.taskKinds[t.kind] ?? { de: t.kind, en: t.kind },
          dueAt: t.due_at,
        })),
        link,
        recipientName: recipient.name,
      }),
    }));
    await recordDeliveries(trx, row.cause, mails, ctx.mailDomain);
    await trx
      .updateTable('outbox')
      .set({ processed_at: ctx.now(), last_error: null })
      .where('id', '=', row.id)
      .execute();
  });
}
