import type { Database, Db, MailDeliveryRow } from '@steckbrief/db';
import { messageIdFor, type RenderedMail } from '@steckbrief/notifications';
import { sql, type Transaction } from 'kysely';
import type { Recipient } from './recipients.js';

export interface OutgoingMail {
  recipient: Recipient;
  mail: RenderedMail;
}

/**
 * Record the mails one cause sends, one row per recipient. A second write of the same cause (a
 * retried job, a rebuilt timer) inserts nothing: the (cause, recipient) key is the exactly-once guard.
 */
export async function recordDeliveries(
  trx: Transaction<Database> | Db,
  cause: string,
  mails: OutgoingMail[],
  domain: string,
): Promise<void> {
  if (!mails.length) return;
  await trx
    .insertInto('mail_deliveries')
    .values(
      mails.map(({ recipient, mail }) => ({
        cause,
        recipient_id: recipient.id,
        email: recipient.email,
        message_id: messageIdFor(cause, recipient.id, domain),
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html,
      })),
    )
    .onConflict((oc) => oc.columns(['cause', 'recipient_id']).doNothing())
    .execute();
}

export async function unfinishedDeliveryIds(db: Db, cause: string): Promise<string[]> {
  const rows = await db
    .selectFrom('mail_deliveries')
    .select('id')
    .where('cause', '=', cause)
    .where('status', 'in', ['pending', 'sending'])
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export type Claim = { kind: 'claimed'; row: MailDeliveryRow } | { kind: 'finished' } | { kind: 'leased'; until: Date };

/**
 * Take the right to send one mail: only a pending row, or one whose sender's lease ran out (that
 * worker crashed or hung). While another worker holds the lease, nobody else sends.
 */
export async function claimDelivery(db: Db, id: string, leaseMs: number): Promise<Claim> {
  const row = await db
    .updateTable('mail_deliveries')
    .set({
      status: 'sending',
      attempts: sql`attempts + 1`,
      lease_until: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'pending'),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', sql<Date>`now()`)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
  if (row) return { kind: 'claimed', row };
  const current = await db
    .selectFrom('mail_deliveries')
    .select(['status', 'lease_until'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!current || current.status === 'delivered' || current.status === 'failed') return { kind: 'finished' };
  return { kind: 'leased', until: current.lease_until ?? new Date() };
}

export async function markDelivered(db: Db, id: string, smtpResponse: string): Promise<void> {
  await db
    .updateTable('mail_deliveries')
    .set({
      status: 'delivered',
      smtp_response: smtpResponse,
      last_error: null,
      lease_until: null,
      delivered_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** A failed send: back to pending for the next attempt, or `failed` (visible to operators) after the last. */
export async function markSendFailed(db: Db, id: string, error: string, final: boolean): Promise<void> {
  await db
    .updateTable('mail_deliveries')
    .set({
      status: final ? 'failed' : 'pending',
      last_error: error.slice(0, 2_000),
      lease_until: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}
