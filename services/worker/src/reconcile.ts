import { enqueueMailCauses, enqueueOutbox, enqueueTimers, OUTBOX_JOB_COLUMNS } from '@steckbrief/queues';
import { sql } from 'kysely';
import type { WorkerContext } from './context.js';
import { planMissingTimers } from './deadlines.js';

const PAGE = 2_000;

export interface ReconcileReport {
  outbox: number;
  /** Causes with unsent mails. */
  mails: number;
  timers: number;
  plannedTasks: number;
}

/**
 * Rebuild from PostgreSQL whatever Redis should hold: a job for every unprocessed outbox row, every
 * unfinished mail and every planned timer, and timers for open tasks that have none. Every add uses
 * the row-derived job id, so jobs Redis still holds are left alone; after a FLUSHALL all come back.
 */
export async function reconcile(ctx: WorkerContext): Promise<ReconcileReport> {
  const { db, queues } = ctx;
  const report: ReconcileReport = { outbox: 0, mails: 0, timers: 0, plannedTasks: 0 };

  for (let after = '0'; ; ) {
    const rows = await db
      .selectFrom('outbox')
      .select(OUTBOX_JOB_COLUMNS)
      .where('processed_at', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (!rows.length) break;
    await enqueueOutbox(queues, rows);
    await db
      .updateTable('outbox')
      .set({ published_at: sql`now()` })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .where('published_at', 'is', null)
      .execute();
    report.outbox += rows.length;
    after = (rows.at(-1) as { id: string }).id;
  }

  for (let after = ''; ; ) {
    const rows = await db
      .selectFrom('mail_deliveries')
      .select('cause')
      .distinct()
      .where('status', 'in', ['pending', 'sending'])
      .where('cause', '>', after)
      .orderBy('cause')
      .limit(PAGE)
      .execute();
    if (!rows.length) break;
    await enqueueMailCauses(
      queues,
      rows.map((r) => r.cause),
    );
    report.mails += rows.length;
    after = (rows.at(-1) as { cause: string }).cause;
  }

  for (let after = '0'; ; ) {
    const rows = await db
      .selectFrom('task_timers')
      .select(['id', 'fire_at'])
      .where('status', '=', 'planned')
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (!rows.length) break;
    await enqueueTimers(queues, rows, ctx.now().getTime());
    report.timers += rows.length;
    after = (rows.at(-1) as { id: string }).id;
  }

  for (let round = 0, n = -1; n !== 0 && round < 100; round++) {
    n = await planMissingTimers(ctx);
    report.plannedTasks += n;
  }
  return report;
}
