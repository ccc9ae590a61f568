import { type Db, executePrepared, type MailDeliveryRow } from '@steckbrief/db';
import { messageIdFor, type RenderedMail } from '@steckbrief/notifications';
import { type RawBuilder, sql } from 'kysely';
import type { Recipient } from './recipients.js';

export interface OutgoingMail {
  recipient: Recipient;
  mail: RenderedMail;
}

interface ClaimedRecord {
  cause: string;
  mails: OutgoingMail[];
  domain: string;
  leaseMs: number;
  now: Date;
}

/**
 * Record a cause's mails, already claimed for sending by this worker, in the same statement that
 * marks their source done (`mark`, a data-modifying CTE returning a row when it did the marking):
 * the rows exist if and only if this call did the marking, so of two workers racing for one outbox
 * row or timer exactly one records (and sends) its mails. Returns the claimed rows.
 */
async function recordClaimed(db: Db, mark: RawBuilder<unknown>, o: ClaimedRecord): Promise<MailDeliveryRow[]> {
  const rows = o.mails.map(({ recipient, mail }) => ({
    recipient_id: recipient.id,
    email: recipient.email,
    message_id: messageIdFor(o.cause, recipient.id, o.domain),
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html,
  }));
  return executePrepared(
    db,
    sql<MailDeliveryRow>`
    with mark as (${mark})
    insert into mail_deliveries (cause, recipient_id, email, message_id, subject, text_body, html_body, status, attempts, lease_until)
    select ${o.cause}, r.recipient_id, r.email, r.message_id, r.subject, r.text_body, r.html_body, 'sending', 1,
           now() + ${`${o.leaseMs} milliseconds`}::interval
    from mark, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(recipient_id uuid, email text, message_id text, subject text, text_body text, html_body text)
    on conflict (cause, recipient_id) do nothing
    returning *
  `,
  );
}

/**
 * A timer's reminder or escalation: marks the timer fired (once, and only while its task is still
 * open with the same due date, checked in the same statement) and records its mails.
 */
export function recordTimerMails(db: Db, timerId: string, o: ClaimedRecord): Promise<MailDeliveryRow[]> {
  return recordClaimed(
    db,
    sql`update task_timers tt set status = 'fired', fired_at = ${o.now}
        where tt.id = ${timerId} and tt.status = 'planned'
          and exists (select 1 from tasks t where t.id = tt.task_id and t.status = 'open' and t.due_at = tt.due_at)
        returning tt.id`,
    o,
  );
}

/**
 * Take the right to send a cause's mails: its pending rows, and rows whose sender's lease ran out
 * (that worker crashed or hung). While another worker holds a lease, nobody else sends that mail.
 */
export async function claimCause(db: Db, cause: string, leaseMs: number): Promise<MailDeliveryRow[]> {
  return executePrepared(
    db,
    db
      .updateTable('mail_deliveries')
      .set({
        status: 'sending',
        attempts: sql`attempts + 1`,
        lease_until: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
        updated_at: sql`now()`,
      })
      .where('cause', '=', cause)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', sql<Date>`now()`)]),
        ]),
      )
      .returningAll(),
  );
}

/** What is left of a cause: nothing, rows to retry, or rows another worker is sending until `leasedUntil`. */
export async function causeState(db: Db, cause: string): Promise<{ pending: number; leasedUntil: Date | null }> {
  const [row] = await executePrepared(
    db,
    db
      .selectFrom('mail_deliveries')
      .select([
        sql<number>`count(*) filter (where status = 'pending')::int`.as('pending'),
        sql<Date | null>`max(lease_until) filter (where status = 'sending')`.as('leased_until'),
      ])
      .where('cause', '=', cause),
  );
  return { pending: row?.pending ?? 0, leasedUntil: row?.leased_until ?? null };
}

export async function markDelivered(db: Db, sent: Array<{ id: string; response: string }>): Promise<void> {
  if (!sent.length) return;
  await executePrepared(
    db,
    sql`
    update mail_deliveries d set status = 'delivered', smtp_response = s.response, last_error = null,
      lease_until = null, delivered_at = now(), updated_at = now()
    from unnest(${sent.map((s) => s.id)}::bigint[], ${sent.map((s) => s.response)}::text[]) as s(id, response)
    where d.id = s.id
  `,
  );
}

/**
 * Group commit for `markDelivered`: every send that finishes while a flush is running (or in the same
 * turn of the event loop) is marked by the next flush, in one statement. A mail's mark is written as
 * soon as its own SMTP answer is in, not when the rest of its cause is, so the crash edge (accepted by
 * the server, not yet marked: re-sent with the same Message-ID after the lease) stays as short as
 * before or shorter; the caller still awaits its mark before it reports the mail delivered.
 */
class DeliveredMarks {
  private pending: Array<{ id: string; response: string; done: (error?: unknown) => void }> = [];
  private flushing = false;

  constructor(private readonly db: Db) {}

  mark(id: string, response: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ id, response, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        await markDelivered(this.db, batch);
        for (const m of batch) m.done();
      } catch (error) {
        for (const m of batch) m.done(error ?? new Error('marking delivered failed'));
      }
    }
    this.flushing = false;
  }
}

const marks = new WeakMap<Db, DeliveredMarks>();

/** Mark one sent mail delivered, batched with the other sends finishing now; resolves once committed. */
export function markDeliveredSoon(db: Db, id: string, response: string): Promise<void> {
  let m = marks.get(db);
  if (!m) {
    m = new DeliveredMarks(db);
    marks.set(db, m);
  }
  return m.mark(id, response);
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
