import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isConnectionError } from '../src/connection-errors.js';
import { createDb, type Db } from '../src/create-db.js';
import { TEST_DATABASE_URL } from '../src/testing.js';

async function until(check: () => boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('createDb', () => {
  let db: Db | undefined;
  afterAll(async () => {
    await db?.destroy();
  });

  it('reports a terminated idle connection to onError and the next query succeeds', async () => {
    const applicationName = `conn_loss_${randomBytes(4).toString('hex')}`;
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('application_name', applicationName);
    const errors: Error[] = [];
    db = createDb({ url: url.toString(), onError: (error) => errors.push(error) });
    await sql`select 1`.execute(db); // leaves one idle client in the pool

    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [applicationName],
      );
      expect(rowCount).toBe(1);
    } finally {
      await admin.end();
    }

    await until(() => errors.length > 0, 5_000);
    expect((errors[0] as Error & { code?: string }).code).toBe('57P01');
    const { rows } = await sql<{ n: number }>`select 41 + 1 as n`.execute(db);
    expect(rows).toEqual([{ n: 42 }]);
  });
});

describe('createDb, a connection lost inside a transaction', () => {
  let db: Db | undefined;
  afterAll(async () => {
    await db?.destroy();
  });

  it('fails the transaction with a connection error, reports it to onError, and the next query succeeds', async () => {
    const applicationName = `conn_loss_trx_${randomBytes(4).toString('hex')}`;
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('application_name', applicationName);
    const errors: Error[] = [];
    db = createDb({ url: url.toString(), onError: (error) => errors.push(error) });

    const outcome = await db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        // The connection is checked out and idle between two statements when its backend is terminated.
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        try {
          await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
            applicationName,
          ]);
        } finally {
          await admin.end();
        }
        await until(() => errors.length > 0, 5_000);
        await sql`select 2`.execute(trx);
      })
      .then(
        () => 'committed',
        (error: unknown) => error,
      );

    expect(isConnectionError(outcome)).toBe(true);
    expect((errors[0] as Error & { code?: string }).code).toBe('57P01');
    const { rows } = await sql<{ n: number }>`select 41 + 1 as n`.execute(db);
    expect(rows).toEqual([{ n: 42 }]);
  });
});

describe('isConnectionError', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')],
    ['both addresses of localhost refused', new AggregateError([withCode('refused', 'ECONNREFUSED')], '')],
    ['admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['crash shutdown', withCode('terminating connection due to crash', '57P02')],
    ['server starting up', withCode('the database system is starting up', '57P03')],
    ['connection failure class 08', withCode('connection failure', '08006')],
    ['a connection ended mid-query', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
    ['a pool wait timeout', new Error('timeout exceeded when trying to connect')],
  ])('recognises %s', (_, error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key', '23505')],
    ['a syntax error', withCode('syntax error', '42601')],
    ['a plain error', new Error('boom')],
    ['a non-error', 'ECONNREFUSED'],
  ])('does not take %s for one', (_, error) => {
    expect(isConnectionError(error)).toBe(false);
  });
});
