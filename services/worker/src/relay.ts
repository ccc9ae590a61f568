import { type Db, executePrepared } from '@steckbrief/db';
import { enqueueOutbox, type Queues } from '@steckbrief/queues';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';

export const OUTBOX_CHANNEL = 'steckbrief_outbox';
const BATCH = 500;

type OutboxRow = { id: string; topic: string; cause: string; payload: unknown; created_at: Date };

/**
 * Move committed, unpublished outbox rows into the `outbox` queue. One statement takes a batch and
 * marks it published; rows are locked with SKIP LOCKED, so concurrent relays split the work, and if
 * two still race (e.g. with a reconciliation) the job id `outbox-<id>` makes the second add a no-op.
 * If Redis refuses the batch, the rows are handed back (unmarked) for the next pass; if the process
 * dies in between, reconciliation re-enqueues every row not yet processed, published or not. Rows
 * are marked published, never deleted.
 */
export async function relayBatch(db: Db, queues: Queues, now: Date = new Date()): Promise<number> {
  const rows = await executePrepared(
    db,
    sql<OutboxRow>`
      update outbox o set published_at = ${now}
      from (select id from outbox where published_at is null order by id limit ${BATCH} for update skip locked) b
      where o.id = b.id
      returning o.id, o.topic, o.cause, o.payload, o.created_at
    `,
  );
  if (!rows.length) return 0;
  rows.sort((x, y) => (BigInt(x.id) < BigInt(y.id) ? -1 : 1));
  try {
    await enqueueOutbox(queues, rows);
  } catch (error) {
    await db
      .updateTable('outbox')
      .set({ published_at: null })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute()
      .catch(() => undefined);
    throw error;
  }
  return rows.length;
}

export interface RelayOptions {
  db: Db;
  queues: Queues;
  databaseUrl: string;
  schema: string;
  pollMs: number;
  logger: Logger;
}

export interface Relay {
  /** Look for rows now (also what a NOTIFY does). */
  kick(): void;
  stop(): Promise<void>;
}

/** Woken by LISTEN/NOTIFY (payload: the schema name); polls every `pollMs` in case a notification is lost. */
export function startRelay({ db, queues, databaseUrl, schema, pollMs, logger }: RelayOptions): Relay {
  let stopped = false;
  let wake: (() => void) | null = null;
  let pending = true;
  let listener: pg.Client | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;

  const kick = () => {
    pending = true;
    wake?.();
  };

  const listen = async () => {
    if (stopped) return;
    const client = new pg.Client({ connectionString: databaseUrl });
    listener = client;
    const retry = () => {
      if (stopped || listener !== client) return;
      listener = null;
      client.end().catch(() => undefined);
      reconnectTimer = setTimeout(() => void listen(), 1_000);
    };
    client.on('error', (err) => {
      logger.warn({ err: err.message }, 'outbox listener lost its connection; polling until it is back');
      retry();
    });
    client.on('end', retry);
    client.on('notification', (msg) => {
      if (msg.channel === OUTBOX_CHANNEL && msg.payload === schema) kick();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      kick(); // rows committed while we were not listening
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'outbox listener could not connect');
      retry();
    }
  };

  const loop = (async () => {
    while (!stopped) {
      if (pending) {
        pending = false;
        try {
          while (!stopped && (await relayBatch(db, queues)) === BATCH) {}
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'outbox relay batch failed; will retry');
        }
      }
      if (stopped || pending) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pending = true;
          resolve();
        }, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();

  void listen();

  return {
    kick,
    async stop() {
      stopped = true;
      wake?.();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const client = listener;
      listener = null;
      await loop;
      await client?.end().catch(() => undefined);
    },
  };
}
