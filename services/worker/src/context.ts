import type { Db } from '@steckbrief/db';
import type { WorkflowRegistry } from '@steckbrief/engine';
import type { Queues } from '@steckbrief/queues';
import type { Logger } from 'pino';
import type { SendDeps } from './mailer.js';

/** Everything the job handlers share, built once at start. */
export interface WorkerContext {
  db: Db;
  registry: WorkflowRegistry;
  queues: Queues;
  logger: Logger;
  publicUrl: string;
  /** Domain of the sender, used in Message-IDs. */
  mailDomain: string;
  /** Reminder offsets before the due date in ms, largest first. */
  reminderOffsets: number[];
  /**
   * Redis holds the jobs of planned timers whose instant lies within this many ms; reconciliation adds the
   * later ones as their time comes within it (TIMER_HORIZON_MS).
   */
  timerHorizonMs: number;
  /** SMTP sending, shared by the fast path and the `mail` queue. */
  send: SendDeps;
  now: () => Date;
}
