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

/** What a slot is while a statement is built: a string no real value starts with. */
const SLOT_NAME = 'steckbrief-slot:';
const SLOT = `\u0000${SLOT_NAME}`;

type Part<V> = { slot: keyof V } | { value: unknown };

/**
 * Statements built with Kysely once per shape instead of on every call, for a hot query whose builder
 * is costly (the inbox page composed and compiled its statement for 0.14 ms of the API's CPU per
 * request, more than any other step of it). The caller names a shape by a key (every choice that
 * changes the statement's text: which filters are set, the order, how many of a list) and builds the
 * statement with `slot(name)` wherever a value goes; the compiled text is kept with the position of
 * each slot among its parameters, and later calls of the same shape only fill in their values.
 * Parameters that are not slots (constants of the builder) are kept as compiled.
 *
 * A slot must be a whole value: one found inside another (say in a JSON text built from it) is
 * refused, since the cached statement would carry it literally. Bounded: a full cache starts over.
 */
export class StatementShapes<V extends Record<string, unknown>> {
  readonly #shapes = new Map<string, { sql: string; parts: Array<Part<V>> }>();

  constructor(private readonly maxShapes = 1_000) {}

  /** Stands for the value `name` while the statement is built; pass it where the value would go. */
  slot<T>(name: keyof V & string): T {
    return `${SLOT}${name}` as T;
  }

  /** The statement of this shape, built on first use, with these values as its parameters. */
  statement(db: Db, key: string, build: () => Compilable | RawBuilder<unknown>, values: V) {
    let shape = this.#shapes.get(key);
    if (!shape) {
      const compiled = (build() as { compile(db: Db): CompiledQuery }).compile(db);
      const parts = compiled.parameters.map((p): Part<V> => {
        // Also found escaped, as JSON.stringify writes it.
        if (typeof p !== 'string' || !p.includes(SLOT_NAME)) return { value: p };
        if (!p.startsWith(SLOT)) throw new Error(`a statement slot is part of a value: ${JSON.stringify(p)}`);
        return { slot: p.slice(SLOT.length) };
      });
      shape = { sql: compiled.sql, parts };
      if (this.#shapes.size >= this.maxShapes) this.#shapes.clear();
      this.#shapes.set(key, shape);
    }
    const parameters = shape.parts.map((part) => {
      if (!('slot' in part)) return part.value;
      if (!(part.slot in values)) throw new Error(`no value for the statement slot ${String(part.slot)}`);
      return values[part.slot];
    });
    return { sql: shape.sql, parameters };
  }

  /** Run the statement of this shape with these values as a named prepared statement (`queryPrepared`). */
  execute<R>(db: Db, key: string, build: () => Compilable | RawBuilder<unknown>, values: V): Promise<R[]> {
    const { sql, parameters } = this.statement(db, key, build, values);
    return queryPrepared<R>(db, sql, parameters);
  }
}
