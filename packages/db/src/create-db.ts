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

/** One pool per process. Each connection's search_path is the configured schema, so tests can isolate per schema. */
export function createDb({ url, schema = 'public', poolMax = 10 }: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    options: `-c search_path=${schema}`,
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
