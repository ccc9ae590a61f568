export { jobIds, QUEUE_NAMES } from '@steckbrief/queues';
export type { MailTransport, SentInfo } from './mailer.js';
export { createSmtpTransport } from './mailer.js';
export { reconcile } from './reconcile.js';
export { OUTBOX_CHANNEL, relayBatch } from './relay.js';
export type { RunningWorker, WorkerOptions } from './worker.js';
export { startWorker } from './worker.js';
