import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import type { Queues } from '@steckbrief/queues';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { buildRegistry } from '@steckbrief/workflows';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createApp } from '../src/app.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApi {
  url: string;
  database: TestDatabase;
  request<T = any>(
    token: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpResult<T>>;
  /** Create a user through the API as the bootstrap admin; returns its id and token. */
  user(roles: Array<Record<string, string | number>>, organisation?: string): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

let counter = 0;

/** The real app on a random port, against its own PostgreSQL schema; Redis is only used for readiness. */
export async function startTestApi(
  label: string,
  options: {
    deadlines?: Record<string, Record<string, { days: number }>>;
    fundingPeriods?: Array<{ id: string; from: string; to: string; budgetCents: number }>;
    now?: () => Date;
    authCacheTtlMs?: number;
    /** Mounts the queue dashboard on these queues (the caller closes them). */
    queues?: Queues;
  } = {},
): Promise<TestApi> {
  const database = await createTestDatabase(label, 20);
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const app = createApp({
    db: database.db,
    redis,
    registry: buildRegistry(options.deadlines),
    logger: pino({ level: 'silent' }),
    adminToken: ADMIN_TOKEN,
    publicUrl: 'https://steckbrief.test',
    fundingPeriods: options.fundingPeriods,
    now: options.now,
    authCacheTtlMs: options.authCacheTtlMs,
    queues: options.queues,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: TestApi['request'] = async (token, method, path, body, headers = {}) => {
    const init: RequestInit = {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    };
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as any };
  };

  return {
    url,
    database,
    request,
    async user(roles, organisation) {
      counter += 1;
      const res = await request(ADMIN_TOKEN, 'POST', '/api/v1/users', {
        email: `user${counter}-${Math.random().toString(36).slice(2, 8)}@example.org`,
        name: `Test User ${counter}`,
        roles,
        ...(organisation ? { organisation } : {}),
      });
      if (res.status !== 201) throw new Error(`user creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
      await database.destroy();
    },
  };
}

/** A profile that satisfies every SUBMIT rule; see the workflow package. */
export const completeProfile = exampleProfile;
