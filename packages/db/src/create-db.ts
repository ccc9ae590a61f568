import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';

export interface DbOptions {
  url: string;
  /** Schema the process works in; every connection sets it as its search_path. */
  schema?: string;
  poolMax?: number;
  /**
   * How long a query may wait for a connection (a free one from the pool, or a new one from the server)
   * before it fails with a connection error; without a bound, requests hang while PostgreSQL is unreachable.
   */
  connectTimeoutMs?: number;
  /**
   * Told when a connection fails (idle in the pool or checked out), e.g. PostgreSQL restarted or `pg_terminate_backend` ended it. The pool
   * has already dropped that connection, and the next query opens a new one; this is for logging only.
   * Without a listener such an error would end the process (an unhandled 'error' event).
   */
  onError?: (error: Error) => void;
}

export type Db = Kysely<Database>;

/** The pg pool behind each Db made by createDb, for statements Kysely cannot express (named prepared statements). */
const pools = new WeakMap<Db, pg.Pool>();

/**
 * The pg pool behind `db`, or undefined when `db` was not made by createDb — notably a Kysely
 * transaction, whose statements must run on its own connection, not on a fresh one from the pool.
 */
export function poolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

const DATE_OID = 1082;

/** The default for processes that pass no logger: one line with the SQLSTATE and message, never the connection string. */
function warnOnStderr(error: Error): void {
  const code = (error as { code?: string }).code;
  console.warn(`PostgreSQL connection lost (${code ?? 'no code'}): ${error.message}; the next query reconnects`);
}

/** One pool per process. Each connection's search_path is the configured schema, so tests can isolate per schema. */
export function createDb({
  url,
  schema = 'public',
  poolMax = 10,
  connectTimeoutMs = 5_000,
  onError = warnOnStderr,
}: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: connectTimeoutMs,
    options: `-c search_path=${schema}`,
    // Calendar dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
    types: {
      getTypeParser: ((oid: number, format?: any) =>
        oid === DATE_OID ? (v: string) => v : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // pg-pool listens on a client only while it is idle in the pool; a connection that dies while checked out
  // (between two statements of a transaction) emits 'error' on the client itself, which would end the process
  // without a listener of its own. The statement in flight, or the next one, fails with the connection error.
  // An idle client's error reaches both listeners: report each error once.
  const reported = new WeakSet<Error>();
  const report = (error: Error) => {
    if (reported.has(error)) return;
    reported.add(error);
    onError(error);
  };
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}
