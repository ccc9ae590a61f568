import { Readable } from 'node:stream';
import type { Db, MailDeliveryRow } from '@steckbrief/db';
import { enqueueMailCauses, mailJob, type Queues } from '@steckbrief/queues';
import { DelayedError, type Job } from 'bullmq';
import { createTransport } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Logger } from 'pino';
import { causeState, claimCause, markDeliveredSoon, markSendFailed } from './deliveries.js';

export interface SentInfo {
  response: string;
}

/** What the worker needs of an SMTP client: nodemailer's pooled transport, sending ready-made messages. */
export interface MailTransport {
  sendMail(message: { envelope: { from: string; to: string[] }; raw: Buffer }): Promise<SentInfo>;
  close(): void;
}

type ComposeRow = Pick<MailDeliveryRow, 'email' | 'subject' | 'text_body' | 'html_body' | 'message_id' | 'cause'>;
/** What sending a recorded mail needs of its delivery row. */
export type SendRow = ComposeRow & Pick<MailDeliveryRow, 'id' | 'attempts'>;

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
    sendMail({ envelope, raw }) {
      const message = {
        getEnvelope: () => envelope,
        messageId: () => messageIdOf(raw),
        getHeader: (key: string) => (key.toLowerCase() === 'message-id' ? messageIdOf(raw) : undefined),
        // A fresh stream per attempt: the pool re-sends a message whose connection closed before it went out.
        createReadStream: () => Readable.from([raw], { objectMode: false }),
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
  from: string;
  leaseMs: number;
  maxAttempts: number;
  backoffMs: number;
  logger: Logger;
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

/**
 * Send the recorded mails of one cause. The delivery rows decide: claim them (pending, or a crashed
 * sender's lease ran out), send each with its stable Message-ID, mark them delivered. A crash between
 * the SMTP answer and the mark re-sends that message with the same Message-ID once the lease is over:
 * the one at-least-once edge, harmless to receivers that de-duplicate by Message-ID.
 */
export async function deliverCause(deps: SendDeps, cause: string, claimed?: SendRow[]): Promise<CauseOutcome> {
  const rows = claimed ?? (await claimCause(deps.db, cause, deps.leaseMs));
  let sent = 0;
  let retry = 0;
  await Promise.all(
    rows.map(async (row) => {
      let response: string;
      try {
        const raw = await composeMessage(deps.from, row);
        const info = await deps.transport.sendMail({
          envelope: { from: envelopeAddress(deps.from), to: [row.email] },
          raw,
        });
        response = info.response ?? '';
      } catch (error) {
        // The delivery log counts attempts across Redis losses; BullMQ only schedules the backoff.
        const final = row.attempts >= deps.maxAttempts;
        if (!final) retry++;
        await markSendFailed(deps.db, row.id, smtpError(error), final);
        deps.logger.warn(
          { deliveryId: row.id, cause, attempt: row.attempts, final, err: smtpError(error) },
          'mail send failed',
        );
        return;
      }
      // Marked as soon as this mail is accepted (batched with other sends finishing now), not after its siblings.
      await markDeliveredSoon(deps.db, row.id, response);
      sent++;
    }),
  );
  const state = rows.length === 0 || retry > 0 ? await causeState(deps.db, cause) : { pending: 0, leasedUntil: null };
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
