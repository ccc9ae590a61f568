import type { Server } from 'node:http';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { buildRegistry } from '@steckbrief/workflows';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webRoutes } from '../src/index.js';

let database: TestDatabase;
let server: Server;
let url: string;

/** The router inside a host app as the API mounts it: headers set before it, JSON routes after it. */
beforeAll(async () => {
  database = await createTestDatabase('webmount');
  const app = express();
  app.use((_req, res, next) => {
    // What helmet() sets in the API app.
    res.setHeader('Content-Security-Policy', "default-src 'self';style-src 'self' https: 'unsafe-inline'");
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  app.use(webRoutes({ db: database.db, registry: buildRegistry(), publicUrl: url, logger: pino({ level: 'silent' }) }));
  app.post('/api/v1/echo', express.json(), (req, res) => {
    res.json({ got: req.body });
  });
  app.use((_req, res) => {
    res.status(404).json({ title: 'not found' });
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.destroy();
});

describe('mounted in a host app', () => {
  it('replaces the host CSP and Referrer-Policy on its pages', async () => {
    const res = await fetch(`${url}/impressum`);
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('passes requests for other paths on untouched, without session or CSRF check', async () => {
    const res = await fetch(`${url}/api/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: { a: 1 } });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await fetch(`${url}/api/v1/nothing`)).headers.get('content-type')).toContain('application/json');
  });

  it('serves KERN and its fonts from node_modules', async () => {
    const css = await fetch(`${url}/assets/kern/kern.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    const font = await fetch(`${url}/assets/kern/fonts/fira-sans/FiraSans-Regular.woff2`);
    expect(font.status).toBe(200);
    expect((await fetch(`${url}/assets/kern/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${url}/assets/kern/nicht-da.css`)).status).toBe(404);
  });
});
