import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';

export interface DbOptions {
  url: string;
  /** Schema the process works in; every connection sets it as its search_path. */
  schema?: string;
  poolMax?: number;
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

/** One pool per process. Each connection's search_path is the configured schema, so tests can isolate per schema. */
export function createDb({ url, schema = 'public', poolMax = 10 }: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    options: `-c search_path=${schema}`,
    // Calendar dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
    types: {
      getTypeParser: ((oid: number, format?: any) =>
        oid === DATE_OID ? (v: string) => v : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}
