import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolOf } from './create-db.js';
import { executePrepared, queryPrepared } from './prepared.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

describe('queryPrepared', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    // One connection, so the prepared statements of every call are visible on it.
    t = await createTestDatabase('prepared', 1);
  });
  afterAll(() => t.destroy());

  it('prepares each distinct text once per connection and binds the values', async () => {
    const text = 'select $1::int + 1 as n, current_schema() as schema';
    expect(await queryPrepared(t.db, text, [1])).toEqual([{ n: 2, schema: t.schema }]);
    expect(await queryPrepared(t.db, text, [41])).toEqual([{ n: 42, schema: t.schema }]);
    await queryPrepared(t.db, 'select $1::text as s', ['x']);
    const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(t.db);
    expect(prepared.rows.map((r) => r.statement).sort()).toEqual(
      ['select $1::int + 1 as n, current_schema() as schema', 'select $1::text as s'].sort(),
    );
  });

  it('runs on the transaction’s own connection inside a Kysely transaction', async () => {
    expect(poolOf(t.db)).toBeDefined();
    await t.db.transaction().execute(async (trx) => {
      expect(poolOf(trx)).toBeUndefined();
      await sql`create temporary table seen (v int) on commit drop`.execute(trx);
      await sql`insert into seen values (7)`.execute(trx);
      // With poolMax 1 a statement on a fresh pool connection would wait for this transaction forever.
      expect(await queryPrepared(trx, 'select v from seen where v = $1', [7])).toEqual([{ v: 7 }]);
    });
  });

  it('runs Kysely builders and sql templates as prepared statements', async () => {
    await sql`create table things (id int primary key, name text)`.execute(t.db);
    await t.db
      .insertInto('things' as never)
      .values({ id: 1, name: 'Turnhalle' } as never)
      .execute();
    const byBuilder = await executePrepared(
      t.db,
      t.db
        .selectFrom('things' as never)
        .select(['id' as never, 'name' as never])
        .where('id' as never, '=', 1 as never),
    );
    expect(byBuilder).toEqual([{ id: 1, name: 'Turnhalle' }]);
    expect(
      await executePrepared(t.db, sql<{ n: number }>`select count(*)::int as n from things where id = ${1}`),
    ).toEqual([{ n: 1 }]);
    const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(t.db);
    expect(prepared.rows.map((r) => r.statement)).toContain('select count(*)::int as n from things where id = $1');
  });
});
