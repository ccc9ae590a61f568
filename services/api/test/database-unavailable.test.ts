import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { createDb, type Db } from '@steckbrief/db';
import { buildRegistry } from '@steckbrief/workflows';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { REDIS_URL } from './helpers.js';

/** Finding 1: while PostgreSQL cannot be reached, requests get a quick 503 with Retry-After, not a 500 or a hang. */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: NetServer | Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts TCP connections and never answers: what a hung or firewalled server looks like. */
async function silentPort(): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  const port = await listen(server);
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return port;
}

async function appOn(db: Db): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const app = createApp({ db, redis, registry: buildRegistry(), logger: pino({ level: 'silent' }) });
  const server: Server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    redis.disconnect();
    await db.destroy();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(await res.json()).toMatchObject({
    type: '/problems/database-unavailable',
    title: 'Datenbank nicht erreichbar / Database unavailable',
    status: 503,
    detail: expect.any(String),
  });
}

const asUser = { headers: { authorization: 'Bearer some-user-token-that-needs-a-database-lookup' } };

describe('the API while PostgreSQL is unreachable', () => {
  it('answers 503 problem+json with Retry-After when PostgreSQL refuses connections', async () => {
    const url = await appOn(createDb({ url: `postgres://postgres@127.0.0.1:${await closedPort()}/steckbrief` }));
    await expectUnavailable(await fetch(`${url}/api/v1/users/me`, asUser));
  });

  it('answers 503 instead of hanging when PostgreSQL accepts connections but never answers', async () => {
    const db = createDb({
      url: `postgres://postgres@127.0.0.1:${await silentPort()}/steckbrief`,
      connectTimeoutMs: 300,
    });
    const url = await appOn(db);
    // Without the connect timeout the request would hang, and the abort would fail the test.
    const res = await fetch(`${url}/api/v1/users/me`, { ...asUser, signal: AbortSignal.timeout(10_000) });
    await expectUnavailable(res);
  });

  it('answers /readyz with 503 and postgres down when PostgreSQL refuses connections', async () => {
    const url = await appOn(createDb({ url: `postgres://postgres@127.0.0.1:${await closedPort()}/steckbrief` }));
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: { postgres: string } }).checks.postgres).toBe('down');
  });
});
