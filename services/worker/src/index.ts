export { startWorker } from './worker.js';
export type { RunningWorker, WorkerOptions } from './worker.js';
export { createSmtpTransport } from './mailer.js';
export type { MailTransport, SentInfo } from './mailer.js';
export { buildRegistry, WORKFLOWS } from './registry.js';
export { reconcile } from './reconcile.js';
export { relayBatch, OUTBOX_CHANNEL } from './relay.js';
export { QUEUE_NAMES, jobIds } from './queues.js';
