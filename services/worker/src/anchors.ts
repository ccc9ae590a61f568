import type { Db } from '@steckbrief/db';
import { type AnchorResult, recordHistoryAnchor } from '@steckbrief/engine';
import { sql } from 'kysely';
import type { Logger } from 'pino';

/**
 * The history anchors (docs/privacy.md "Tamper-evident history"): every HISTORY_ANCHOR_INTERVAL_MS the heads of
 * all history chains are recorded in `history_anchors`, so `audit verify` sees a deleted or rewritten tail.
 *
 * Like reconciliation this runs on a timer in every worker process; the database decides which one records:
 * an anchor is taken only when the latest is at least one interval old, under a transaction-scoped advisory
 * lock, so any number of workers (and restarts) record one anchor per interval.
 */
export interface AnchorOptions {
  db: Db;
  logger: Logger;
  intervalMs: number;
  now?: () => Date;
}

/** How often a worker looks whether an anchor is due: often enough that a restart delays one by little. */
const MAX_CHECK_MS = 10 * 60_000;

/** Take an anchor if none was taken within the interval; undefined when one was (or another worker is taking it). */
export async function anchorIfDue(
  db: Db,
  intervalMs: number,
  now: Date = new Date(),
): Promise<AnchorResult | undefined> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(
      hashtext(current_schema() || '.history_anchor')) as locked`.execute(trx);
    if (!rows[0]?.locked) return undefined;
    const last = await trx
      .selectFrom('history_anchors')
      .select('taken_at')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last && now.getTime() - last.taken_at.getTime() < intervalMs) return undefined;
    return recordHistoryAnchor(trx, now);
  });
}

export interface Anchors {
  /** Check now (as the timer does). */
  check(): Promise<AnchorResult | undefined>;
  stop(): Promise<void>;
}

/** Check at start and then every min(interval, 10 min); log each anchor taken (ids and hashes only). */
export function startAnchors(o: AnchorOptions): Anchors {
  const now = o.now ?? (() => new Date());
  let running: Promise<AnchorResult | undefined> | null = null;
  const check = () => {
    running ??= anchorIfDue(o.db, o.intervalMs, now())
      .then((anchor) => {
        if (anchor)
          o.logger.info(
            { anchorId: anchor.id, heads: anchor.heads, headsHash: anchor.headsHash },
            'recorded the heads of the history chains',
          );
        return anchor;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const tick = () => {
    check().catch((err) => o.logger.warn({ err: (err as Error).message }, 'history anchor failed; will retry'));
  };
  tick();
  const timer = setInterval(tick, Math.min(o.intervalMs, MAX_CHECK_MS));
  return {
    check,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
