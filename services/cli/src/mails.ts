import { enqueueMailCauses } from '@steckbrief/queues';
import { type CliContext, queuesOf } from './context.js';
import { type Out, table } from './users.js';

export interface MailsFailedOptions {
  limit?: number;
}

export interface MailsRetryOptions {
  all?: boolean;
}

const oneLine = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').slice(0, 200);

/** Mails that used up MAIL_ATTEMPTS, newest first, with the SMTP server's last answer. */
export async function mailsFailed(ctx: CliContext, options: MailsFailedOptions, out: Out): Promise<void> {
  const rows = await ctx.db
    .selectFrom('mail_deliveries')
    .select(['id', 'email', 'attempts', 'updated_at', 'cause', 'last_error'])
    .where('status', '=', 'failed')
    .orderBy('updated_at', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  table(
    ['id', 'email', 'attempts', 'failed at', 'cause', 'error'],
    rows.map((r) => [r.id, r.email, String(r.attempts), r.updated_at.toISOString(), r.cause, oneLine(r.last_error)]),
    out,
  );
  out(`${rows.length} failed mail(s)`);
}

/**
 * Send failed mails again: the rows go back to `pending` with a fresh count of attempts (same Message-ID, so a
 * receiver that saw one before recognises it), then their causes are enqueued so the retry does not wait for
 * the next reconciliation. Should Redis be unreachable, the rows are pending anyway and reconciliation sends them.
 */
export async function mailsRetry(ctx: CliContext, ids: string[], options: MailsRetryOptions, out: Out): Promise<void> {
  if (Boolean(options.all) === ids.length > 0) throw new Error('name the mails to retry or pass --all (not both)');
  const bad = ids.filter((id) => !/^\d{1,18}$/.test(id));
  if (bad.length) throw new Error(`not a mail id: ${bad.join(', ')}`);
  let query = ctx.db
    .updateTable('mail_deliveries')
    .set({
      status: 'pending',
      attempts: 0,
      last_error: null,
      lease_until: null,
      lease_token: null,
      updated_at: new Date(),
    })
    .where('status', '=', 'failed');
  if (!options.all) query = query.where('id', 'in', ids);
  const reset = await query.returning(['id', 'cause']).execute();
  const causes = [...new Set(reset.map((r) => r.cause))];
  await enqueueMailCauses(queuesOf(ctx), causes);
  out(`${reset.length} mail(s) back to pending, ${causes.length} cause(s) enqueued`);
  const missing = ids.filter((id) => !reset.some((r) => r.id === id));
  if (missing.length) throw new Error(`not a failed mail: ${missing.join(', ')}`);
}
