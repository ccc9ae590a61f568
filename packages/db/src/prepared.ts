import { createHash } from 'node:crypto';
import { type Compilable, CompiledQuery, type RawBuilder } from 'kysely';
import { type Db, poolOf } from './create-db.js';

/** Statement name per SQL text: hashed once per distinct text, not on every call. */
const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `sb_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Run a hot statement as a named prepared statement, so each connection parses and plans it once
 * instead of on every call (for long CTE statements planning is a large share of PostgreSQL's CPU
 * per call). The name is derived from the text, so statements whose text varies (e.g. with optional
 * CTEs) get one prepared statement per distinct text. `text` uses `$1…$n` placeholders.
 *
 * Inside a Kysely transaction (or any Db not made by createDb) the statement runs unnamed on that
 * Db's own connection, so it stays part of the transaction.
 */
export async function queryPrepared<R>(db: Db, text: string, values: readonly unknown[]): Promise<R[]> {
  const pool = poolOf(db);
  if (!pool) return (await db.executeQuery<R>(CompiledQuery.raw(text, [...values]))).rows;
  const result = await pool.query({ name: statementName(text), text, values: values as unknown[] });
  return result.rows as R[];
}

/**
 * A query built with Kysely (a query builder, or a `sql` template) run as a named prepared statement
 * (see `queryPrepared`): for hot statements whose shape is fixed while their values vary. Kysely's
 * result plugins do not run (createDb installs none).
 */
export function executePrepared<R>(db: Db, query: Compilable<R> | RawBuilder<R>): Promise<R[]> {
  // A builder compiles on its own; a `sql` template needs the executor (the Db) to compile.
  const { sql, parameters } = (query as { compile(db: Db): CompiledQuery<R> }).compile(db);
  return queryPrepared<R>(db, sql, parameters);
}
