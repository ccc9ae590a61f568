import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createDb, type Db } from './create-db.js';
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
