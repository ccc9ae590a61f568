import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { listTokens, revokeTokens } from '@steckbrief/accounts';
import { buildRegistry } from '@steckbrief/workflows';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { REDIS_URL, startTestApi, type TestApi } from './helpers.js';

/** Review finding 12: a revoked user's calendar feed, and secrets and search terms in the request log. */

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('data-protection');
});
afterAll(async () => {
  await api?.close();
});

async function feedUrlOf(token: string): Promise<string> {
  const res = await api.request(token, 'POST', '/api/v1/calendar/token');
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const path = new URL(res.body.url).pathname;
  expect((await fetch(`${api.url}${path}`)).status).toBe(200);
  return path;
}

describe('revoking tokens', () => {
  it('makes the calendar feed URL answer 404 once all of the user’s tokens are revoked', async () => {
    const user = await api.user([{ role: 'wrl' }]);
    const feed = await feedUrlOf(user.token);
    expect(await revokeTokens(api.database.db, user.id)).toBe(1);
    expect((await fetch(`${api.url}${feed}`)).status).toBe(404);
  });

  it('makes the calendar feed URL answer 404 once one of the user’s tokens is revoked', async () => {
    // The leaked token could have been used to fetch the feed URL, so the URL goes with it.
    const user = await api.user([{ role: 'wrl' }]);
    const feed = await feedUrlOf(user.token);
    const [token] = await listTokens(api.database.db, user.id);
    expect(await revokeTokens(api.database.db, user.id, token?.id)).toBe(1);
    expect((await fetch(`${api.url}${feed}`)).status).toBe(404);
  });

  it('keeps the calendar feed URL when revoking a token id that is not the user’s valid token', async () => {
    const user = await api.user([{ role: 'wrl' }]);
    const feed = await feedUrlOf(user.token);
    expect(await revokeTokens(api.database.db, user.id, '00000000-0000-4000-8000-000000000000')).toBe(0);
    expect((await fetch(`${api.url}${feed}`)).status).toBe(200);
  });
});

describe('the request log', () => {
  let url: string;
  const lines: string[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    const app = createApp({
      db: api.database.db,
      redis,
      registry: buildRegistry(),
      logger: pino({ level: 'debug' }, sink),
    });
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
      redis.disconnect();
    });
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  const requestLines = () => lines.map((l) => JSON.parse(l)).filter((l) => l.req);

  it('logs a calendar feed request with the secret replaced', async () => {
    const user = await api.user([{ role: 'wrl' }]);
    const feed = await feedUrlOf(user.token);
    const secret = feed.slice('/calendar/'.length, -'.ics'.length);
    expect((await fetch(`${url}${feed}`)).status).toBe(200);
    expect((await fetch(`${url}/calendar/${'x'.repeat(32)}.ics`)).status).toBe(404);
    const logged = requestLines().filter((l) => l.req.url.startsWith('/calendar/'));
    expect(logged.map((l) => l.req.url)).toEqual(['/calendar/[redacted].ics', '/calendar/[redacted].ics']);
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('logs the query string’s keys without their values', async () => {
    const user = await api.user([{ role: 'applicant' }], 'Amt Suchtest');
    const res = await fetch(`${url}/api/v1/profiles?q=Windpark%20Spremberg&limit=5`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(res.status).toBe(200);
    const logged = requestLines().find((l) => l.req.url.startsWith('/api/v1/profiles'));
    expect(logged?.req.url).toBe('/api/v1/profiles?q=[redacted]&limit=[redacted]');
    expect(lines.join('\n')).not.toMatch(/Windpark|Spremberg/);
  });
});
