import { performance } from 'node:perf_hooks';
import type { MailDeliveryRow } from '@steckbrief/db';
import { sql } from 'kysely';
import type { WorkerContext } from './context.js';
import { deliverNow, type SendRow } from './mailer.js';

/** The recorded content of a mail to one person. */
export type SingleMail = Pick<
  MailDeliveryRow,
  'cause' | 'recipient_id' | 'email' | 'message_id' | 'subject' | 'text_body' | 'html_body'
>;

/**
 * The two idempotent steps of an outbox row that sends one mail to one person (the sign-in code, a
 * reassignment): (1) one transaction marks the row processed (replacing its payload with
 * `keptPayload` when given) and records the mail, claimed for sending; (2) send it. A retry after a
 * crash between the steps finds the row processed and sends whatever of its cause is still unsent.
 */
export async function recordAndSendOne(
  ctx: WorkerContext,
  outboxId: string,
  mail: SingleMail,
  keptPayload?: unknown,
): Promise<void> {
  // The claimed mail's lease counts from before the transaction (see `ClaimedRow`).
  const sentAt = performance.now();
  const claimed = await ctx.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('outbox')
      .set({
        processed_at: ctx.now(),
        last_error: null,
        ...(keptPayload === undefined ? {} : { payload: JSON.stringify(keptPayload) }),
      })
      .where('id', '=', outboxId)
      .where('processed_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!done) return null;
    const recorded = await trx
      .insertInto('mail_deliveries')
      .values({
        ...mail,
        status: 'sending',
        attempts: 1,
        lease_until: sql<Date>`now() + ${`${ctx.send.leaseMs} milliseconds`}::interval`,
        lease_token: sql<string>`gen_random_uuid()`,
      })
      .onConflict((oc) => oc.columns(['cause', 'recipient_id']).doNothing())
      .returning(['id', 'attempts', 'lease_token'])
      .executeTakeFirst();
    return recorded
      ? [
          {
            ...mail,
            id: recorded.id,
            attempts: recorded.attempts,
            lease_token: recorded.lease_token as string,
            leaseEnds: sentAt + ctx.send.leaseMs,
          } satisfies SendRow,
        ]
      : [];
  });
  if (claimed === null) await deliverNow(ctx.send, mail.cause);
  else if (claimed.length) await deliverNow(ctx.send, mail.cause, claimed);
}
