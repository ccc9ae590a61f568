import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createDb, type Db } from '@steckbrief/db';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimCause, markDeliveredSoon } from '../src/deliveries.js';
import { seedPeople } from './helpers.js';

/**
 * A TCP forwarder to the test PostgreSQL that can be cut (open connections reset, new ones refused) and
 * restored: PostgreSQL as a sender sees it during an outage, without stopping the shared server.
 */
async function cuttableProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
let viaProxy: Db;

beforeAll(async () => {
  database = await createTestDatabase('worker_mark_outage');
  proxy = await cuttableProxy(new URL(database.url));
  const url = new URL(database.url);
  url.host = `127.0.0.1:${proxy.port}`;
  viaProxy = createDb({
    url: url.toString(),
    schema: database.schema,
    connectTimeoutMs: 500,
    onError: () => undefined,
  });
});
afterAll(async () => {
  await viaProxy?.destroy();
  await proxy?.close();
  await database?.destroy();
});

describe('the delivered mark during a database outage', () => {
  it('records a mail the server accepted once the database is back, and nobody may claim it again', async () => {
    const people = await seedPeople(database.db);
    const cause = `test:outage:${randomBytes(4).toString('hex')}`;
    await database.db
      .insertInto('mail_deliveries')
      .values({
        cause,
        recipient_id: people.wrl1.userId,
        email: people.wrl1.email,
        message_id: `<${randomBytes(6).toString('hex')}@steckbrief.example.org>`,
        subject: 'Outage',
        text_body: 'text',
        html_body: '<p>html</p>',
      })
      .execute();
    // A short lease, so it runs out during the outage.
    const [row] = await claimCause(database.db, cause, 500);
    if (!row) throw new Error('nothing claimed');

    // The SMTP server accepted the mail; the database is unreachable when its mark is written.
    proxy.cut();
    const marked = markDeliveredSoon(viaProxy, { id: row.id, token: row.lease_token, response: '250 OK' });
    await new Promise((r) => setTimeout(r, 2_000));
    proxy.restore();

    expect(await marked).toBe(true);
    const after = await database.db
      .selectFrom('mail_deliveries')
      .select(['status', 'attempts'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'delivered', attempts: 1 });
    expect(await claimCause(database.db, cause, 500)).toEqual([]);
  });
});
