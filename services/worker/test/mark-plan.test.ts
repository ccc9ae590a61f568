import { randomBytes } from 'node:crypto';
import { createTestDatabase, genericPlan, type TestDatabase } from '@steckbrief/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimCause, deliveredMarkStatement, markDelivered } from '../src/deliveries.js';
import { seedPeople } from './helpers.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('worker_mark_plan');
});
afterAll(async () => {
  await database?.destroy();
});

describe('the delivered mark', () => {
  it('looks its rows up by primary key in the generic plan of a running system, not through the index of unfinished mails', async () => {
    const people = await seedPeople(database.db);
    const prefix = `test:plan:${randomBytes(4).toString('hex')}`;
    const record = async (from: number, count: number) => {
      const causes = Array.from({ length: count }, (_, i) => `${prefix}:${from + i}`);
      await database.db
        .insertInto('mail_deliveries')
        .values(
          causes.map((cause) => ({
            cause,
            recipient_id: people.wrl1.userId,
            email: people.wrl1.email,
            message_id: `<${cause.replaceAll(':', '.')}@steckbrief.example.org>`,
            subject: 'Plan',
            // About the size of a notice, so the table has as many pages as real mails give it.
            text_body: 'Text '.repeat(160),
            html_body: `<p>${'Html '.repeat(300)}</p>`,
          })),
        )
        .execute();
      return (await Promise.all(causes.map((c) => claimCause(database.db, c, 60_000)))).flat();
    };
    const deliver = (rows: Awaited<ReturnType<typeof record>>) =>
      markDelivered(
        database.db,
        rows.map((r) => ({ id: r.id, token: r.lease_token, response: '250 OK' })),
      );
    // Statistics taken when every mail was delivered, as autovacuum finds a running system; then more mails
    // sent and delivered: their old entries stay in the partial index until the next vacuum.
    await deliver(await record(0, 600));
    await sql`analyze mail_deliveries`.execute(database.db);
    await deliver(await record(600, 300));
    const sending = await record(900, 8);

    const compiled = deliveredMarkStatement(
      sending.map((r) => ({ id: r.id, token: r.lease_token, response: '250 OK' })),
      'sync',
    ).compile(database.db);
    const plan = JSON.stringify(await genericPlan(database.db, compiled.sql, compiled.parameters));
    expect(plan).toContain('"Index Name":"mail_deliveries_pkey"');
    expect(plan).not.toContain('mail_deliveries_unfinished_idx');
  });
});
