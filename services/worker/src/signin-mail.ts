import { performance } from 'node:perf_hooks';
import { messageIdFor, renderSigninCode } from '@steckbrief/notifications';
import type { SigninJob } from '@steckbrief/queues';
import { sql } from 'kysely';
import type { WorkerContext } from './context.js';
import { deliverNow, type SendRow } from './mailer.js';

/**
 * The sign-in mail of one outbox row. As for notices, two idempotent steps: (1) one transaction marks
 * the row processed, records the mail (claimed for sending) and removes the code and link from the
 * row, so they are not kept twice; (2) send it. A retry after a crash between the steps finds the row
 * processed and sends whatever of its cause is still unsent.
 */
export async function processSigninMail(ctx: WorkerContext, row: SigninJob): Promise<void> {
  const marked = await ctx.db
    .selectFrom('outbox')
    .select('processed_at')
    .where('id', '=', row.outboxId)
    .executeTakeFirst();
  if (!marked || marked.processed_at) {
    await deliverNow(ctx.send, row.cause);
    return;
  }
  const p = row.payload;
  const mail = renderSigninCode({ code: p.code, link: p.link, expiresAt: p.expiresAt, recipientName: p.name });
  const delivery = {
    cause: row.cause,
    recipient_id: p.userId,
    email: p.email,
    message_id: messageIdFor(row.cause, p.userId, ctx.mailDomain),
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html,
  };
  // The claimed mail's lease counts from before the transaction (see `ClaimedRow`).
  const sentAt = performance.now();
  const claimed = await ctx.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('outbox')
      .set({
        processed_at: ctx.now(),
        last_error: null,
        payload: JSON.stringify({ userId: p.userId, expiresAt: p.expiresAt.toISOString() }),
      })
      .where('id', '=', row.outboxId)
      .where('processed_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!done) return null;
    const recorded = await trx
      .insertInto('mail_deliveries')
      .values({
        ...delivery,
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
            ...delivery,
            id: recorded.id,
            attempts: recorded.attempts,
            lease_token: recorded.lease_token as string,
            leaseEnds: sentAt + ctx.send.leaseMs,
          } satisfies SendRow,
        ]
      : [];
  });
  if (claimed === null) await deliverNow(ctx.send, row.cause);
  else if (claimed.length) await deliverNow(ctx.send, row.cause, claimed);
  if (p.logIfUndelivered) {
    const state = await ctx.db
      .selectFrom('mail_deliveries')
      .select('status')
      .where('cause', '=', row.cause)
      .executeTakeFirst();
    // Development only (the web application sets the flag): without a mail server, a developer can still sign in.
    if (state?.status !== 'delivered') {
      ctx.logger.warn({ cause: row.cause, code: p.code }, 'sign-in mail not delivered; development sign-in code');
    }
  }
}
