import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '@steckbrief/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from './helpers.js';

// What `pnpm start` runs: the esbuild bundles of the API and the worker, as real processes.
const root = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/**
 * Polls `url` until it answers 2xx and `done` accepts the body. /readyz answers 200 as soon as PostgreSQL
 * does and reports Redis beside it, so a process still connecting to Redis may first say `redis: 'down'`.
 */
async function waitFor(
  url: string,
  deadlineMs: number,
  done: (body: unknown) => boolean = () => true,
): Promise<unknown> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) {
        last = await res.json();
        if (done(last)) return last;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let database: TestDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase('built');
  for (const service of ['api', 'worker']) {
    await run('node', [path.join(root, 'scripts/build-service.mjs')], { cwd: path.join(root, 'services', service) });
  }
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await database?.destroy();
});

function start(service: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  const child = spawn('node', [path.join(root, 'services', service, 'dist/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: database.schema,
      REDIS_URL,
      REDIS_PREFIX: `built-${database.schema}`,
      SMTP_URL: 'smtp://127.0.0.1:1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return child;
}

describe('the built services', () => {
  it('start from their bundles, answer their probes and stop cleanly on SIGTERM', async () => {
    const [apiPort, workerPort] = await Promise.all([freePort(), freePort()]);
    const api = start('api', { PORT: String(apiPort), HOST: '127.0.0.1' });
    const worker = start('worker', { WORKER_METRICS_PORT: String(workerPort), HOST: '127.0.0.1' });

    const bothUp = (body: unknown) => (body as { checks?: { redis?: string } }).checks?.redis === 'ok';
    const ready = await waitFor(`http://127.0.0.1:${apiPort}/readyz`, 30_000, bothUp);
    expect(ready).toEqual({ checks: { postgres: 'ok', redis: 'ok' } });
    await waitFor(`http://127.0.0.1:${workerPort}/healthz`, 30_000);
    const docs = await fetch(`http://127.0.0.1:${apiPort}/api/openapi.json`);
    expect(((await docs.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);

    api.kill('SIGTERM');
    worker.kill('SIGTERM');
    const [[apiCode], [workerCode]] = await Promise.all([once(api, 'exit'), once(worker, 'exit')]);
    expect(apiCode).toBe(0);
    expect(workerCode).toBe(0);
  }, 90_000);
});
