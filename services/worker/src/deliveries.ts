import { performance } from 'node:perf_hooks';
import { type Db, executePrepared, isConnectionError, type MailDeliveryRow } from '@steckbrief/db';
import { messageIdFor, type RenderedMail } from '@steckbrief/notifications';
import { type RawBuilder, sql } from 'kysely';
import type { Recipient } from './recipients.js';

/**
 * A delivery row claimed by this sender: `lease_token` is the claim's fence (decision 007), and
 * `leaseEnds` the instant (`performance.now()` of this process) before which the lease surely holds:
 * the claim's statement set `lease_until` to a database time after this process sent it, plus the
 * lease (`now()` in a statement of its own, `clock_timestamp()` inside a longer transaction), so
 * counting the lease from the moment the statement was sent needs no clock shared with PostgreSQL.
 */
export type ClaimedRow = MailDeliveryRow & { lease_token: string; leaseEnds: number };

/** Rows as returned by a claiming statement sent at `sentAt`. */
export function leased<T extends { lease_token: string | null }>(
  rows: T[],
  sentAt: number,
  leaseMs: number,
): Array<T & { lease_token: string; leaseEnds: number }> {
  return rows.map((r) => ({ ...r, lease_token: r.lease_token as string, leaseEnds: sentAt + leaseMs }));
}

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
async function recordClaimed(db: Db, mark: RawBuilder<unknown>, o: ClaimedRecord): Promise<ClaimedRow[]> {
  const rows = o.mails.map(({ recipient, mail }) => ({
    recipient_id: recipient.id,
    email: recipient.email,
    message_id: messageIdFor(o.cause, recipient.id, o.domain),
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html,
  }));
  const sentAt = performance.now();
  const claimed = await executePrepared(
    db,
    sql<MailDeliveryRow>`
    with mark as (${mark})
    insert into mail_deliveries (cause, recipient_id, email, message_id, subject, text_body, html_body, status, attempts, lease_until, lease_token)
    select ${o.cause}, r.recipient_id, r.email, r.message_id, r.subject, r.text_body, r.html_body, 'sending', 1,
           now() + ${`${o.leaseMs} milliseconds`}::interval, gen_random_uuid()
    from mark, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(recipient_id uuid, email text, message_id text, subject text, text_body text, html_body text)
    on conflict (cause, recipient_id) do nothing
    returning *
  `,
  );
  return leased(claimed, sentAt, o.leaseMs);
}

/**
 * A timer's reminder or escalation: marks the timer fired (once, and only while its task is still
 * open with the same due date, checked in the same statement) and records its mails.
 */
export function recordTimerMails(db: Db, timerId: string, o: ClaimedRecord): Promise<ClaimedRow[]> {
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
 * When a `sending` row may be taken over: when its lease has run out, and not before PostgreSQL has been
 * up for a few seconds. A sender whose delivered marks waited through a database outage (see
 * `DeliveredMarks`) records them within a fraction of a second of the server accepting connections; an
 * outage longer than the lease must not hand its mails to another sender first.
 */
const TAKEOVER_GRACE_AFTER_START = '5 seconds';
const takeoverAt = sql`greatest(lease_until, pg_postmaster_start_time() + ${TAKEOVER_GRACE_AFTER_START}::interval)`;

/**
 * Take the right to send a cause's mails: its pending rows, and rows whose sender's lease ran out
 * (that worker crashed or hung). While another worker holds a lease, nobody else sends that mail.
 * Each claim draws a new lease token, so the previous holder can no longer record an outcome.
 */
export async function claimCause(db: Db, cause: string, leaseMs: number): Promise<ClaimedRow[]> {
  const sentAt = performance.now();
  const rows = await executePrepared(
    db,
    db
      .updateTable('mail_deliveries')
      .set({
        status: 'sending',
        attempts: sql`attempts + 1`,
        lease_until: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
        lease_token: sql`gen_random_uuid()`,
        updated_at: sql`now()`,
      })
      .where('cause', '=', cause)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'sending'), eb(sql<Date>`${takeoverAt}`, '<', sql<Date>`now()`)]),
        ]),
      )
      .returningAll(),
  );
  return leased(rows, sentAt, leaseMs);
}

/**
 * `status = 'sending'` for the statements that find their rows by id (marks, lease renewals), written so
 * that it does not imply the predicate of `mail_deliveries_unfinished_idx`: the planner then looks the
 * rows up by primary key. Plainly written, the statistics of a running system (taken when hardly any
 * mail is unfinished) make the whole partial index look like one row, and the cached generic plan reads
 * all of it and joins by hash; but that index still lists every row delivered since the last vacuum
 * (each mark leaves its old entry behind), so a mark of eight rows read thousands of entries and heap pages.
 */
const SENDING = sql`(d.status = 'sending') is true`;

/**
 * Extend the lease of rows this sender still holds (their token unchanged, still `sending`), counted
 * from now; returns the ids it still holds. One statement for all of them.
 */
export async function renewLeases(
  db: Db,
  rows: Array<{ id: string; lease_token: string }>,
  leaseMs: number,
): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const kept = await executePrepared(
    db,
    sql<{ id: string }>`
    update mail_deliveries d set lease_until = now() + ${`${leaseMs} milliseconds`}::interval, updated_at = now()
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.lease_token)}::uuid[]) as s(id, token)
    where d.id = s.id and d.lease_token = s.token and ${SENDING}
    returning d.id
  `,
  );
  return new Set(kept.map((r) => r.id));
}

/** What is left of a cause: nothing, rows to retry, or rows another worker is sending until `leasedUntil`. */
export async function causeState(db: Db, cause: string): Promise<{ pending: number; leasedUntil: Date | null }> {
  const [row] = await executePrepared(
    db,
    db
      .selectFrom('mail_deliveries')
      .select([
        sql<number>`count(*) filter (where status = 'pending')::int`.as('pending'),
        sql<Date | null>`max(${takeoverAt}) filter (where status = 'sending')`.as('leased_until'),
      ])
      .where('cause', '=', cause),
  );
  return { pending: row?.pending ?? 0, leasedUntil: row?.leased_until ?? null };
}

export interface DeliveredMark {
  id: string;
  /** The lease token of the sender's claim: the mark is accepted only while the row still carries it. */
  token: string;
  response: string;
}

/**
 * `sync` (MAIL_MARK_COMMIT's default): the mark is durable before the send slot it holds is free.
 * `async`: the mark's commit does not wait for the WAL flush (`synchronous_commit = off` for this one
 * statement), so the slot is free a round trip after the SMTP answer instead of after a disk flush
 * (0.2–0.8 ms on a quiet machine here, 2–2.5 ms on a busy one). A database crash or failover can lose
 * the last ~0.6 s of such marks; their mails are then sent again (same Message-ID) after the lease.
 */
export type MarkCommit = 'async' | 'sync';

/**
 * Mark sent mails delivered, each only if its sender still holds the lease (same token, still
 * `sending`); returns the ids marked. A mark of a sender whose lease was taken over is refused: the
 * new holder records its own outcome.
 */
export async function markDelivered(db: Db, sent: DeliveredMark[], commit: MarkCommit = 'sync'): Promise<Set<string>> {
  if (!sent.length) return new Set();
  const marked = await executePrepared(db, deliveredMarkStatement(sent, commit));
  return new Set(marked.map((r) => r.id));
}

/** The statement of `markDelivered` (exported for the test of its plan). */
export function deliveredMarkStatement(sent: DeliveredMark[], commit: MarkCommit): RawBuilder<{ id: string }> {
  return sql<{ id: string }>`
    with commit_mode as (select set_config('synchronous_commit', ${commit === 'async' ? 'off' : 'on'}, true) as set)
    update mail_deliveries d set status = 'delivered', smtp_response = s.response, last_error = null,
      lease_until = null, lease_token = null, delivered_at = now(), updated_at = now()
    from commit_mode, unnest(${sent.map((s) => s.id)}::bigint[], ${sent.map((s) => s.token)}::uuid[], ${sent.map((s) => s.response)}::text[])
      as s(id, token, response)
    where d.id = s.id and d.lease_token = s.token and ${SENDING} and commit_mode.set is not null
    returning d.id
  `;
}

/**
 * Group commit for `markDelivered`: every send that finishes while a flush is running (or in the same
 * turn of the event loop) is marked by the next flush, in one statement. A mail's mark is written as
 * soon as its own SMTP answer is in, not when the rest of its cause is: one round trip after the
 * answer, or two when a flush was already on its way. That is the window in which a crash re-sends
 * the mail (same Message-ID) after the lease. Batching keeps the statements few (PostgreSQL's CPU is
 * most of the mail path's cost). While PostgreSQL is unreachable the marks wait for it (every 100 ms);
 * another failed statement is tried twice more before its sends are reported failed (they would then be
 * re-sent after the lease).
 */
class DeliveredMarks {
  private pending: Array<DeliveredMark & { done: (marked: boolean, error?: unknown) => void }> = [];
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly commit: MarkCommit,
  ) {}

  mark(m: DeliveredMark): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ ...m, done: (marked, error) => (error === undefined ? resolve(marked) : reject(error)) });
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
      for (let attempt = 1; ; attempt++) {
        try {
          const marked = await markDelivered(this.db, batch, this.commit);
          for (const m of batch) m.done(marked.has(m.id));
          break;
        } catch (error) {
          // The server accepted these mails: giving up on their marks would send them again after the lease.
          // While PostgreSQL is unreachable the marks wait for it (the rows keep this sender's token, so the
          // mark still holds once it is back); any other error is tried twice more.
          if (!isConnectionError(error) && attempt >= MARK_ATTEMPTS) {
            for (const m of batch) m.done(false, error ?? new Error('marking delivered failed'));
            break;
          }
          await new Promise((r) => setTimeout(r, isConnectionError(error) ? OUTAGE_RETRY_MS : 100 * attempt));
        }
      }
    }
    this.flushing = false;
  }
}

const MARK_ATTEMPTS = 3;
/** How often a mark is tried again while PostgreSQL is unreachable. */
const OUTAGE_RETRY_MS = 100;
const marks = new WeakMap<Db, Partial<Record<MarkCommit, DeliveredMarks>>>();

/**
 * Mark one sent mail delivered, batched with the other sends finishing now; resolves once committed:
 * true when marked, false when refused because the lease was taken over.
 */
export function markDeliveredSoon(db: Db, mark: DeliveredMark, commit: MarkCommit = 'sync'): Promise<boolean> {
  let perMode = marks.get(db);
  if (!perMode) {
    perMode = {};
    marks.set(db, perMode);
  }
  perMode[commit] ??= new DeliveredMarks(db, commit);
  return perMode[commit].mark(mark);
}

/**
 * A failed send: back to pending for the next attempt, or `failed` (visible to operators) after the
 * last; only while this sender still holds the lease (`token`).
 */
export async function markSendFailed(db: Db, id: string, token: string, error: string, final: boolean): Promise<void> {
  await db
    .updateTable('mail_deliveries')
    .set({
      status: final ? 'failed' : 'pending',
      last_error: error.slice(0, 2_000),
      lease_until: null,
      lease_token: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('lease_token', '=', token)
    .where('status', '=', 'sending')
    .execute();
}
