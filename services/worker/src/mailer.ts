import type { Db } from '@steckbrief/db';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import { claimDelivery, markDelivered, markSendFailed } from './deliveries.js';
import { mailJob } from './queues.js';

export interface SentInfo {
  response: string;
}

/** What the worker needs of an SMTP client; nodemailer's transport in production, the same in tests. */
export interface MailTransport {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
    headers: Record<string, string>;
  }): Promise<SentInfo>;
  close(): void;
}

export function createSmtpTransport(url: string, poolSize: number): MailTransport {
  return createTransport({
    pool: true,
    url,
    maxConnections: poolSize,
    // A hung server must not hold a lease forever: these bound one send well below MAIL_LEASE_MS.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  }) as unknown as MailTransport;
}

export interface SendDeps {
  db: Db;
  transport: MailTransport;
  from: string;
  leaseMs: number;
  maxAttempts: number;
  logger: Logger;
}

function smtpError(error: unknown): string {
  const e = error as { message?: string; responseCode?: number; response?: string; code?: string };
  return (
    [e.responseCode, e.code, e.response ?? e.message].filter((x) => x !== undefined && x !== '').join(' ') ||
    String(error)
  );
}

/**
 * Send one recorded mail. The delivery row decides: claim it (pending, or a crashed sender's lease
 * ran out), send with its stable Message-ID, mark it delivered. A crash between the SMTP answer and
 * the mark re-sends the same message with the same Message-ID after the lease: the one at-least-once
 * edge, harmless to receivers that de-duplicate by Message-ID.
 */
export async function sendDelivery(deps: SendDeps, job: Job, token: string | undefined): Promise<void> {
  const { deliveryId } = mailJob.parse(job.data);
  const claim = await claimDelivery(deps.db, deliveryId, deps.leaseMs);
  if (claim.kind === 'finished') return;
  if (claim.kind === 'leased') {
    // Another worker is sending it (or died doing so): look again when its lease has run out.
    await job.moveToDelayed(claim.until.getTime() + 250, token);
    throw new DelayedError();
  }
  const { row } = claim;
  try {
    const info = await deps.transport.sendMail({
      from: deps.from,
      to: row.email,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
      messageId: row.message_id,
      headers: { 'X-Steckbrief-Cause': row.cause, 'Auto-Submitted': 'auto-generated' },
    });
    await markDelivered(deps.db, row.id, info.response ?? '');
    deps.logger.debug({ deliveryId: row.id, cause: row.cause }, 'mail delivered');
  } catch (error) {
    const final = row.attempts >= deps.maxAttempts;
    await markSendFailed(deps.db, row.id, smtpError(error), final);
    deps.logger.warn(
      { deliveryId: row.id, cause: row.cause, attempt: row.attempts, final, err: smtpError(error) },
      'mail send failed',
    );
    // The delivery log counts attempts across Redis losses; BullMQ only schedules the backoff.
    throw final ? new UnrecoverableError(smtpError(error)) : error;
  }
}
