import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { TEST_DATABASE_URL } from '@steckbrief/db/testing';
import { describe, expect, it } from 'vitest';
import { REDIS_URL } from './helpers.js';

/**
 * Safe defaults: a process that cannot reach PostgreSQL or Redis at start says so in one line naming the
 * variable and exits non-zero, instead of an uncaught stack trace.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function runEntry(
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      tsx,
      [path.join(root, entry), ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
          PORT: '0',
          DATABASE_URL: TEST_DATABASE_URL,
          REDIS_URL,
          WORKER_METRICS_PORT: '0',
          ...env,
        },
        timeout: 40_000,
      },
      (error, _stdout, stderr) => resolve({ code: error ? (child.exitCode ?? 1) : 0, stderr }),
    );
  });
}

function expectOneLine(stderr: string, variable: string) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toContain(`(${variable})`);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('start without its services', () => {
  it('the API exits non-zero with one line naming DATABASE_URL when PostgreSQL refuses connections', async () => {
    const port = await closedPort();
    const { code, stderr } = await runEntry('services/api/src/main.ts', {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/steckbrief`,
    });
    expect(code).not.toBe(0);
    expectOneLine(stderr, 'DATABASE_URL');
    expect(stderr).toContain(`Cannot reach PostgreSQL at postgres://postgres@127.0.0.1:${port}/steckbrief`);
    expect(stderr).toContain('connection refused');
  }, 45_000);

  it('the API does not print the database password in that line', async () => {
    const port = await closedPort();
    const { stderr } = await runEntry('services/api/src/main.ts', {
      DATABASE_URL: `postgres://steckbrief:s3cret-pass@127.0.0.1:${port}/steckbrief`,
      MIGRATE_ON_START: 'false',
    });
    expectOneLine(stderr, 'DATABASE_URL');
    expect(stderr).not.toContain('s3cret-pass');
  }, 45_000);

  it('the worker exits non-zero with one line naming DATABASE_URL when PostgreSQL refuses connections', async () => {
    const port = await closedPort();
    const { code, stderr } = await runEntry('services/worker/src/main.ts', {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/steckbrief`,
    });
    expect(code).not.toBe(0);
    expectOneLine(stderr, 'DATABASE_URL');
  }, 45_000);

  it('the worker exits non-zero with one line naming REDIS_URL when Redis refuses connections', async () => {
    const port = await closedPort();
    const { code, stderr } = await runEntry('services/worker/src/main.ts', {
      DATABASE_SCHEMA: 'public',
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expect(code).not.toBe(0);
    expectOneLine(stderr, 'REDIS_URL');
    expect(stderr).toContain(`Cannot reach Redis at redis://127.0.0.1:${port}`);
  }, 45_000);

  it('the CLI exits non-zero with one line naming DATABASE_URL when PostgreSQL refuses connections', async () => {
    const port = await closedPort();
    const { code, stderr } = await runEntry(
      'services/cli/src/main.ts',
      { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/steckbrief` },
      ['users', 'list'],
    );
    expect(code).not.toBe(0);
    expectOneLine(stderr, 'DATABASE_URL');
  }, 45_000);
});

describe('start with a workflow configuration that does not fit the definitions', () => {
  it.each([
    ['API', 'services/api/src/main.ts'],
    ['worker', 'services/worker/src/main.ts'],
  ])(
    'the %s exits non-zero with one line naming the workflow, the version and WORKFLOW_VERSIONS',
    async (_, entry) => {
      const { code, stderr } = await runEntry(entry, { WORKFLOW_VERSIONS: '{"lausitz-brandenburg":9}' });
      expect(code).not.toBe(0);
      const lines = stderr.trim().split('\n');
      expect(lines, stderr).toHaveLength(1);
      expect(lines[0]).toContain('lausitz-brandenburg@9');
      expect(lines[0]).toContain('WORKFLOW_VERSIONS');
      expect(stderr).not.toMatch(/^\s+at /m);
    },
    45_000,
  );
});
