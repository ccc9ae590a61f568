import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '@steckbrief/db';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimCause, type MarkCommit, markDelivered } from '../src/deliveries.js';
import { seedPeople } from './helpers.js';

let database: TestDatabase;
/** One connection, so the statement after a mark runs on the very connection that marked. */
let single: Db;

beforeAll(async () => {
  database = await createTestDatabase('worker_mark_commit');
  single = createDb({ url: database.url, schema: database.schema, poolMax: 1 });
});
afterAll(async () => {
  await single?.destroy();
  await database?.destroy();
});

async function claimedMail() {
  const people = await seedPeople(database.db);
  const cause = `test:commit:${randomBytes(4).toString('hex')}`;
  await database.db
    .insertInto('mail_deliveries')
    .values({
      cause,
      recipient_id: people.wrl1.userId,
      email: people.wrl1.email,
      message_id: `<${randomBytes(6).toString('hex')}@steckbrief.example.org>`,
      subject: 'Commit',
      text_body: 'text',
      html_body: '<p>html</p>',
    })
    .execute();
  const [row] = await claimCause(database.db, cause, 60_000);
  if (!row) throw new Error('nothing claimed');
  return row;
}

describe.each<MarkCommit>(['async', 'sync'])('a delivered mark committed %s', (commit) => {
  it('marks the mail of the lease holder delivered and refuses another token', async () => {
    const row = await claimedMail();
    const wrongToken = '00000000-0000-4000-8000-000000000000';
    expect(await markDelivered(single, [{ id: row.id, token: wrongToken, response: '250 OK' }], commit)).toEqual(
      new Set(),
    );
    expect(await markDelivered(single, [{ id: row.id, token: row.lease_token, response: '250 OK' }], commit)).toEqual(
      new Set([row.id]),
    );
    const stored = await database.db
      .selectFrom('mail_deliveries')
      .select(['status', 'lease_token'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'delivered', lease_token: null });
  });

  it('leaves synchronous_commit of the pooled connection as it was', async () => {
    const row = await claimedMail();
    await markDelivered(single, [{ id: row.id, token: row.lease_token, response: '250 OK' }], commit);
    const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(single);
    expect(rows[0]?.synchronous_commit).toBe('on');
  });
});
