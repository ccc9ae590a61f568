import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { buildRegistry } from '@steckbrief/workflows';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { REDIS_URL } from './helpers.js';

/** Finding 5: no API business route needs Redis, so readiness depends on PostgreSQL only. */

let database: TestDatabase;
const cleanups: Array<() => Promise<void> | void> = [];
beforeAll(async () => {
  database = await createTestDatabase('readiness');
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await database?.destroy();
});

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function readyz(redisUrl: string, { waitForRedis = false } = {}): Promise<{ status: number; body: unknown }> {
  // As in main.ts: commands fail at once while Redis is down instead of waiting in a queue.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined); // a down Redis is the point of this test
  if (waitForRedis) await new Promise((resolve) => redis.once('ready', resolve));
  const app = createApp({ db: database.db, redis, registry: buildRegistry(), logger: pino({ level: 'silent' }) });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    redis.disconnect();
  });
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
  return { status: res.status, body: await res.json() };
}

describe('GET /readyz', () => {
  it('answers 200 with both checks ok when PostgreSQL and Redis answer', async () => {
    expect(await readyz(REDIS_URL, { waitForRedis: true })).toEqual({
      status: 200,
      body: { checks: { postgres: 'ok', redis: 'ok' } },
    });
  });

  it('answers 200 and reports redis as down when only Redis is unreachable', async () => {
    expect(await readyz(`redis://127.0.0.1:${await closedPort()}`)).toEqual({
      status: 200,
      body: { checks: { postgres: 'ok', redis: 'down' } },
    });
  });
});
