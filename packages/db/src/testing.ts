import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createDb, type Db, poolOf } from './create-db.js';
import { migrateToLatest } from './migrate.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Db;
  url: string;
  schema: string;
  /** Drop the schema and close the pool. */
  destroy(): Promise<void>;
}

/** A fresh, migrated schema for one test file, so files run in parallel against one PostgreSQL. */
export async function createTestDatabase(label = 'test', poolMax = 10): Promise<TestDatabase> {
  const schema = `t_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const db = createDb({ url: TEST_DATABASE_URL, schema, poolMax });
  await migrateToLatest(db, schema);
  return {
    db,
    url: TEST_DATABASE_URL,
    schema,
    async destroy() {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
      await db.destroy();
    },
  };
}

/**
 * `count` bare profiles (workflow `review`, state `review`, empty data) of a new user, for tests that need
 * many rows rather than real profiles (the plan tests). Resolves with the user's id.
 */
export async function insertBareProfiles(db: Db, count: number): Promise<string> {
  const user = await db
    .insertInto('users')
    .values({ email: `bare-${randomBytes(4).toString('hex')}@example.org`, name: 'Bare', roles: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into profiles (workflow_id, workflow_version, state, snapshot, owner_key, created_by, data, version, scope, summary, updated_at)
    select 'review', 1, 'review', '{}', ${`u:${user.id}`}, ${user.id}::uuid, '{}', 1, '{}', '{}', now()
    from generate_series(1, ${count}::int)`.execute(db);
  return user.id;
}

/** A node of a plan in `EXPLAIN (FORMAT JSON)`, with its children. */
export type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

/** Every node of a plan tree. */
export function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** A value as an SQL literal: null, a date as ISO text, an array as an array literal, anything else as quoted text. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const quote = (v: string) => `'${v.replaceAll("'", "''")}'`;
  if (Array.isArray(value)) return quote(`{${value.map((v) => `"${String(v)}"`).join(',')}}`);
  if (value instanceof Date) return quote(value.toISOString());
  return quote(String(value));
}

/**
 * The generic plan of a statement, as a named prepared statement caches it after its first executions
 * (`plan_cache_mode = force_generic_plan`), for the given values: the plan the application runs for as long
 * as the connection lives, whatever the values.
 */
export async function genericPlan(db: Db, text: string, values: readonly unknown[]): Promise<PlanNode> {
  const pool = poolOf(db);
  if (!pool) throw new Error('no pool');
  const client = await pool.connect();
  try {
    await client.query(`prepare generic_plan as ${text}`);
    await client.query('set plan_cache_mode = force_generic_plan');
    const { rows } = await client.query(
      `explain (format json) execute generic_plan(${values.map(literal).join(', ')})`,
    );
    return (rows[0] as { 'QUERY PLAN': Array<{ Plan: PlanNode }> })['QUERY PLAN'][0]?.Plan as PlanNode;
  } finally {
    // A fresh connection next time: this one's session settings and prepared statement are not the application's.
    client.release(true);
  }
}

/**
 * Run `work` and return the last statement it sent through the pool whose text contains `marker`, with its
 * values (the pool is shared, e.g. with a worker of the same test: other statements are left alone).
 */
export async function capturedStatement(
  db: Db,
  marker: string,
  work: () => Promise<unknown>,
): Promise<{ text: string; values: unknown[] }> {
  const pool = poolOf(db);
  if (!pool) throw new Error('no pool');
  const query = pool.query.bind(pool);
  let statement: { text: string; values: unknown[] } | undefined;
  (pool as { query: unknown }).query = (config: { text: string; values: unknown[] }) => {
    if (config.text?.includes(marker)) statement = config;
    return query(config as never);
  };
  try {
    await work();
  } finally {
    (pool as { query: unknown }).query = query;
  }
  if (!statement) throw new Error(`no statement containing ${marker}`);
  return statement;
}
