import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { Db, MailDeliveryRow } from '@steckbrief/db';
import { enqueueMailCauses, mailJob, type Queues } from '@steckbrief/queues';
import { DelayedError, type Job } from 'bullmq';
import { createTransport } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Logger } from 'pino';
import {
  causeState,
  claimCause,
  type MarkCommit,
  markDeliveredSoon,
  markSendFailed,
  renewLeases,
} from './deliveries.js';
import type { SendSlot, SendSlots } from './send-slots.js';

export interface SentInfo {
  response: string;
}

/** A ready-made message for the transport. */
export interface OutgoingMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  /**
   * Called once the envelope and the body are on their way; the message's final dot (after which the
   * server may accept it) is sent only when this resolves. Rejecting breaks the message off: the
   * server discards it, and the send fails with that error.
   */
  beforeEnd(): Promise<void>;
}

/** What the worker needs of an SMTP client: nodemailer's pooled transport, sending ready-made messages. */
export interface MailTransport {
  sendMail(message: OutgoingMessage): Promise<SentInfo>;
  close(): void;
  /** How many messages it sends at once (pooled connections); the worker hands it no more than that. */
  readonly connections?: number;
}

type ComposeRow = Pick<MailDeliveryRow, 'email' | 'subject' | 'text_body' | 'html_body' | 'message_id' | 'cause'>;
/**
 * What sending a recorded mail needs of its delivery row, with the claim's lease token and the instant
 * (this process's `performance.now()`) until which the lease surely holds (see `ClaimedRow`).
 */
export type SendRow = ComposeRow &
  Pick<MailDeliveryRow, 'id' | 'attempts'> & { lease_token: string; leaseEnds: number };

/**
 * The complete RFC 5322 message of one delivery row, built in memory: the socket then gets it in one
 * write instead of one per MIME chunk, and a re-send carries the same Message-ID and content.
 *
 * Our notices always have one shape (multipart/alternative: UTF-8 text + HTML), so they are built by
 * hand — about a tenth of MailComposer's CPU (its MIME tree, streams and random boundaries cost
 * ~200 us a mail, half of an SMTP send). Anything outside that shape (non-ASCII addresses or
 * header values we would have to fold) goes through MailComposer.
 */
export function composeMessage(from: string, row: ComposeRow): Promise<Buffer> {
  const fast = composeNotice(from, row);
  if (fast) return Promise.resolve(fast);
  return new MailComposer({
    from,
    to: row.email,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    messageId: row.message_id,
    headers: { 'X-Steckbrief-Cause': row.cause, 'Auto-Submitted': 'auto-generated' },
  })
    .compile()
    .build();
}

// Printable ASCII only (no CR/LF or other control characters): safe verbatim in a header.
const PLAIN_HEADER = /^[\x20-\x7e]*$/;

/** RFC 2047 encoded words (UTF-8, base64), each at most 75 characters, split on character boundaries. */
function encodeWords(value: string): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > 45) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += n;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** Base64 body, lines of 76 characters (RFC 2045). */
function base64Body(value: string): string {
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n');
}

function composeNotice(from: string, row: ComposeRow): Buffer | null {
  const plain = [from, row.email, row.message_id, row.cause];
  if (!plain.every((v) => PLAIN_HEADER.test(v) && v.length <= 900)) return null;
  const subject = PLAIN_HEADER.test(row.subject) && row.subject.length <= 900 ? row.subject : encodeWords(row.subject);
  // Derived from the Message-ID: stable across re-sends, and never found in base64 or header text.
  const boundary = `--_steckbrief_${row.message_id.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}`;
  const date = new Date().toUTCString().replace(/GMT$/, '+0000');
  const message = [
    `X-Steckbrief-Cause: ${row.cause}`,
    'Auto-Submitted: auto-generated',
    `From: ${from}`,
    `To: ${row.email}`,
    `Subject: ${subject}`,
    `Message-ID: ${row.message_id}`,
    `Date: ${date}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative;',
    ` boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Body(row.text_body),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Body(row.html_body),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(message, 'latin1');
}

/** The bare address of a sender such as `Steckbrief <noreply@example.org>`. */
export function envelopeAddress(from: string): string {
  return /<([^>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/** The part of nodemailer's pooled SMTP transport (its documented transport `send(mail, callback)` API) we use. */
interface PoolTransport {
  send(mail: unknown, callback: (err: Error | null, info?: { response?: string }) => void): void;
  close(): void;
}

/**
 * Nodemailer's pooled SMTP transport, fed the ready-made message directly: `Mailer.sendMail` would
 * run it through its plugin pipeline and a second MailComposer (a MIME tree around the raw bytes, a
 * random Message-ID it then ignores), about a sixth of the CPU of a send for nothing.
 */
export function createSmtpTransport(url: string, poolSize: number): MailTransport {
  const mailer = createTransport({
    pool: true,
    url,
    maxConnections: poolSize,
    maxMessages: Number.POSITIVE_INFINITY,
    // A hung server must not hold a lease forever: these bound one send well below MAIL_LEASE_MS.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const pool = (mailer as unknown as { transporter: PoolTransport }).transporter;
  return {
    connections: poolSize,
    sendMail({ envelope, raw, beforeEnd }) {
      let end: Promise<void> | undefined;
      const message = {
        getEnvelope: () => envelope,
        messageId: () => messageIdOf(raw),
        getHeader: (key: string) => (key.toLowerCase() === 'message-id' ? messageIdOf(raw) : undefined),
        // A fresh stream per attempt: the pool re-sends a message whose connection closed before it went
        // out. The connection reads it once the server has answered DATA: the body goes out at once, and
        // the stream ends (nodemailer then writes the final dot) only when `beforeEnd` allows it.
        createReadStream: () => {
          let read = false;
          return new Readable({
            read() {
              if (read) return;
              read = true;
              this.push(raw);
              end ??= beforeEnd();
              end.then(
                () => this.push(null),
                (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
              );
            },
          });
        },
      };
      return new Promise<SentInfo>((resolve, reject) =>
        pool.send({ data: {}, message }, (err, info) =>
          err ? reject(err) : resolve({ response: info?.response ?? '' }),
        ),
      );
    },
    close: () => mailer.close(),
  };
}

/** The Message-ID header of a composed message (for nodemailer's log lines and pool bookkeeping). */
function messageIdOf(raw: Buffer): string {
  const at = raw.indexOf('\r\nMessage-ID: ');
  if (at < 0) return '';
  const start = at + '\r\nMessage-ID: '.length;
  return raw.toString('latin1', start, raw.indexOf('\r\n', start));
}

export interface SendDeps {
  db: Db;
  queues: Queues;
  transport: MailTransport;
  /** Bounds the mails between hand-off and recorded outcome by the process's SMTP connections. */
  slots: SendSlots;
  from: string;
  leaseMs: number;
  /** How a delivered mark commits (MAIL_MARK_COMMIT, see `MarkCommit`); `sync` when not given. */
  markCommit?: MarkCommit;
  maxAttempts: number;
  backoffMs: number;
  logger: Logger;
  /** A mail the SMTP server accepted whose delivered mark was refused: its lease had been taken over. */
  onMarkRefused?: () => void;
}

function smtpError(error: unknown): string {
  const e = error as { message?: string; responseCode?: number; response?: string; code?: string };
  return (
    [e.responseCode, e.code, e.response ?? e.message].filter((x) => x !== undefined && x !== '').join(' ') ||
    String(error)
  );
}

export interface CauseOutcome {
  sent: number;
  /** Rows that failed and will be tried again. */
  retry: number;
  /** Rows another worker is sending; look again after this instant. */
  leasedUntil: Date | null;
}

const RENEWAL_TRIES = 3;

/**
 * The lease on one cause's claimed rows. A row is handed to SMTP only with at least half a lease
 * left; one that waited longer for a free connection first renews the lease of every row of the cause
 * still waiting, in one statement fenced by their tokens. Rows whose lease was taken over meanwhile
 * are not sent: their new holder sends them.
 */
function causeLease(deps: SendDeps, rows: SendRow[]) {
  const waiting = new Set(rows);
  const lost = new Set<string>();
  let renewal: Promise<void> | null = null;
  const renew = async () => {
    const batch = [...waiting].filter((r) => !lost.has(r.id));
    const sentAt = performance.now();
    const kept = await renewLeases(deps.db, batch, deps.leaseMs);
    for (const r of batch) {
      if (kept.has(r.id)) r.leaseEnds = sentAt + deps.leaseMs;
      else lost.add(r.id);
    }
  };
  return {
    /** True when the row may be handed over now (its lease is ours for at least half a lease). */
    async take(row: SendRow): Promise<boolean> {
      for (
        let i = 0;
        i < RENEWAL_TRIES && !lost.has(row.id) && row.leaseEnds - performance.now() < deps.leaseMs / 2;
        i++
      ) {
        renewal ??= renew().finally(() => {
          renewal = null;
        });
        await renewal;
      }
      waiting.delete(row);
      return !lost.has(row.id) && row.leaseEnds - performance.now() >= deps.leaseMs / 2;
    },
  };
}

/**
 * Hand one row to SMTP and record its delivery: 'elsewhere' when its lease was taken over (before the
 * hand-off, or during the send: the mark is then refused), or the error of a failed send. The mail holds
 * a connection from hand-off to the server's answer, and a completion place from its final dot to its
 * committed mark (`SendSlots`), so a connection carries the next mail's envelope and body while this
 * one's mark is on its way.
 */
async function sendRow(
  deps: SendDeps,
  cause: string,
  row: SendRow,
  lease: ReturnType<typeof causeLease>,
): Promise<'sent' | 'elsewhere' | { error: unknown }> {
  const connection = await deps.slots.connection();
  let completion: Promise<SendSlot> | undefined;
  try {
    if (!(await lease.take(row))) {
      deps.logger.warn({ deliveryId: row.id, cause }, 'mail lease taken over while waiting for a connection; not sent');
      return 'elsewhere';
    }
    let response: string;
    try {
      const raw = await composeMessage(deps.from, row);
      const info = await deps.transport.sendMail({
        envelope: { from: envelopeAddress(deps.from), to: [row.email] },
        raw,
        beforeEnd: async () => {
          completion = deps.slots.completion();
          await completion;
          // Waiting for a place (the marks of earlier mails) must not outlast the lease's second half.
          if (row.leaseEnds - performance.now() < deps.leaseMs / 2)
            throw new Error('mail lease ran low before the message was complete; broken off, to be sent again');
        },
      });
      response = info.response ?? '';
    } catch (error) {
      return { error };
    } finally {
      connection.release();
    }
    // Marked as soon as this mail is accepted (batched with other sends finishing now), not after its siblings.
    if (await markDeliveredSoon(deps.db, { id: row.id, token: row.lease_token, response }, deps.markCommit))
      return 'sent';
    deps.onMarkRefused?.();
    deps.logger.warn(
      { deliveryId: row.id, cause },
      'delivered mark refused: the lease was taken over during the send, so this mail may have gone out twice',
    );
    return 'elsewhere';
  } finally {
    connection.release();
    // Given back once the outcome is in; a place still being waited for when the send failed, once granted.
    void completion?.then((place) => place.release());
  }
}

/**
 * Send the recorded mails of one cause. The delivery rows decide: claim them (pending, or a crashed
 * sender's lease ran out), send each with its stable Message-ID, mark them delivered (only while this
 * sender holds the lease). At most one mail per SMTP connection is between its final dot and its
 * committed mark (`SendSlots`): a crash re-sends those with the same Message-ID once the lease is over,
 * the one at-least-once edge, harmless to receivers that de-duplicate by Message-ID (decision 007).
 */
export async function deliverCause(deps: SendDeps, cause: string, claimed?: SendRow[]): Promise<CauseOutcome> {
  const rows = claimed ?? (await claimCause(deps.db, cause, deps.leaseMs));
  const lease = causeLease(deps, rows);
  let sent = 0;
  let retry = 0;
  let elsewhere = 0;
  await Promise.all(
    rows.map(async (row) => {
      const outcome = await sendRow(deps, cause, row, lease);
      if (outcome === 'sent') sent++;
      else if (outcome === 'elsewhere') elsewhere++;
      else {
        // The delivery log counts attempts across Redis losses; BullMQ only schedules the backoff.
        const final = row.attempts >= deps.maxAttempts;
        if (!final) retry++;
        await markSendFailed(deps.db, row.id, row.lease_token, smtpError(outcome.error), final);
        deps.logger.warn(
          { deliveryId: row.id, cause, attempt: row.attempts, final, err: smtpError(outcome.error) },
          'mail send failed',
        );
      }
    }),
  );
  const state =
    rows.length === 0 || retry > 0 || elsewhere > 0
      ? await causeState(deps.db, cause)
      : { pending: 0, leasedUntil: null };
  return { sent, retry: Math.max(retry, state.pending), leasedUntil: state.leasedUntil };
}

/**
 * Send a cause's mails right after recording them (the fast path, inside the job that recorded
 * them; `claimed` when recording already claimed them). Anything left over goes to the `mail`
 * queue: retries after a backoff, rows leased by another worker after their lease.
 */
export async function deliverNow(deps: SendDeps, cause: string, claimed?: SendRow[]): Promise<void> {
  const outcome = await deliverCause(deps, cause, claimed);
  if (outcome.retry > 0) await enqueueMailCauses(deps.queues, [cause], deps.backoffMs);
  else if (outcome.leasedUntil)
    await enqueueMailCauses(deps.queues, [cause], outcome.leasedUntil.getTime() - Date.now() + 250);
}

/** The `mail` queue: retries (with BullMQ's exponential backoff) and everything reconciliation found unfinished. */
export async function processMailJob(deps: SendDeps, job: Job, token: string | undefined): Promise<void> {
  const { cause } = mailJob.parse(job.data);
  const outcome = await deliverCause(deps, cause);
  if (outcome.retry > 0) throw new Error(`${outcome.retry} mail(s) of ${cause} to retry`);
  if (outcome.leasedUntil) {
    await job.moveToDelayed(Math.max(Date.now(), outcome.leasedUntil.getTime() + 250), token);
    throw new DelayedError();
  }
}
