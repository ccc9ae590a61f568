import { executePrepared, type MailDeliveryRow } from '@steckbrief/db';
import { NOTICE_KINDS, profileLink, renderNotice } from '@steckbrief/notifications';
import type { OutboxMessage } from '@steckbrief/queues';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { z } from 'zod';
import type { WorkerContext } from './context.js';
import { type OutgoingMail, recordNoticeMails } from './deliveries.js';
import { inGroup } from './recipients.js';

/** The payload the engine writes for topic `notification` (packages/engine/src/transition.ts). */
const noticePayload = z.object({
  template: z.string(),
  profileId: z.string(),
  workflow: z.string(),
  seq: z.number().int(),
  to: z.string(),
  recipients: z.object({ role: z.string(), scope: z.string() }),
});

/**
 * Turn one notification row into delivery rows, one per member of the recipient group, claimed for
 * sending by this worker, and mark the row processed — one statement (see `recordAndClaim`).
 * Rendering happens here, once: a retried send sends the same text under the same Message-ID.
 *
 * "What to do next" are the tasks this transition opened for the recipient group: they were created
 * at the instant of the history entry, so the notice reads the same whenever it is rendered.
 */
export async function fanOutNotice(ctx: WorkerContext, row: OutboxMessage): Promise<MailDeliveryRow[]> {
  const notice = noticePayload.parse(row.payload);
  const kind = NOTICE_KINDS.find((k) => k === notice.template);
  const { role, scope } = notice.recipients;
  // A named prepared statement (as are the worker's other per-job statements): planning this join
  // afresh on every notice cost PostgreSQL more CPU than running it.
  const [profile] = await executePrepared(
    ctx.db,
    ctx.db
      .selectFrom('profiles as p')
      .select(['p.id', 'p.title', 'p.workflow_id', 'p.workflow_version'])
      .select((eb) =>
        jsonArrayFrom(
          eb
            .selectFrom('tasks as t')
            .innerJoin('profile_history as h', (join) =>
              join
                .onRef('h.profile_id', '=', 't.profile_id')
                .onRef('h.at', '=', 't.created_at')
                .on('h.seq', '=', notice.seq),
            )
            .select(['t.kind', 't.due_at'])
            .whereRef('t.profile_id', '=', 'p.id')
            .where('t.assignee_role', '=', role)
            .where('t.assignee_scope', '=', scope)
            .orderBy('t.created_at')
            .orderBy('t.id'),
        ).as('tasks'),
      )
      .select((eb) =>
        jsonArrayFrom(
          eb
            .selectFrom('users')
            .select(['users.id', 'users.email', 'users.name'])
            .where((u) => inGroup(u, role, scope))
            .orderBy('users.id'),
        ).as('recipients'),
      )
      .where('p.id', '=', notice.profileId),
  );
  if (!kind || !profile) {
    ctx.logger.error(
      { outboxId: row.outboxId, template: notice.template, profileId: notice.profileId },
      'notification cannot be rendered',
    );
    await ctx.db
      .updateTable('outbox')
      .set({ processed_at: ctx.now(), last_error: kind ? 'profile not found' : `unknown template ${notice.template}` })
      .where('id', '=', row.outboxId)
      .where('processed_at', 'is', null)
      .execute();
    return [];
  }
  const definition = ctx.registry.get(profile.workflow_id, profile.workflow_version);
  const { recipients } = profile;
  if (!recipients.length) ctx.logger.warn({ outboxId: row.outboxId, role, scope }, 'notification group has no members');
  const link = profileLink(ctx.publicUrl, profile.id);
  const tasks = profile.tasks.map((t) => ({
    label: definition.taskKinds[t.kind] ?? { de: t.kind, en: t.kind },
    dueAt: t.due_at ? new Date(t.due_at) : null,
  }));
  const state = definition.states[notice.to] ?? { de: notice.to, en: notice.to };
  const mails: OutgoingMail[] = recipients.map((recipient) => ({
    recipient,
    mail: renderNotice({ kind, projectTitle: profile.title, state, tasks, link, recipientName: recipient.name }),
  }));
  return recordNoticeMails(ctx.db, row.outboxId, {
    cause: row.cause,
    mails,
    domain: ctx.mailDomain,
    leaseMs: ctx.send.leaseMs,
    now: ctx.now(),
  });
}
