import { messageIdFor, renderSigninCode } from '@steckbrief/notifications';
import type { SigninJob } from '@steckbrief/queues';
import type { WorkerContext } from './context.js';
import { deliverNow } from './mailer.js';
import { recordAndSendOne } from './single-mail.js';

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
  // The code and link are not kept on the row once the mail holds them.
  await recordAndSendOne(ctx, row.outboxId, delivery, { userId: p.userId, expiresAt: p.expiresAt.toISOString() });
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
