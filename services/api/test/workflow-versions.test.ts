import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { buildRegistry } from '@steckbrief/workflows';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ADMIN_TOKEN, REDIS_URL } from './helpers.js';

/**
 * Workflow versions through the HTTP API: one database served first by a deployment whose new
 * Brandenburg profiles start on version 1, then by one configured to start them on version 2 (the
 * "deployment of v2"). A v1 profile keeps moving on v1, a new one starts and moves on v2, side by side.
 */

const DAY_MS = 86_400_000;
let database: TestDatabase;
let redis: Redis;
const servers: Server[] = [];

type Call = (
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; headers: Headers; body: any }>;

async function serve(versions: Record<string, number>): Promise<Call> {
  const app = createApp({
    db: database.db,
    redis,
    registry: buildRegistry({}, versions),
    logger: pino({ level: 'silent' }),
    adminToken: ADMIN_TOKEN,
    publicUrl: 'https://steckbrief.test',
    fundingPeriods: [{ id: '2020-2038', from: '2020-01-01', to: '2038-12-31', budgetCents: 100_000_000_000 }],
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (token, method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

let v1Deployment: Call;
let v2Deployment: Call;
const tokens = { applicant: '', wrl: '' };

beforeAll(async () => {
  database = await createTestDatabase('api_workflow_versions', 10);
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  v1Deployment = await serve({});
  v2Deployment = await serve({ 'lausitz-brandenburg': 2 });
  const user = async (roles: Array<Record<string, string | number>>, organisation?: string) => {
    const res = await v1Deployment(ADMIN_TOKEN, 'POST', '/api/v1/users', {
      email: `${roles[0]?.role}-${Math.random().toString(36).slice(2, 8)}@example.org`,
      name: 'Test',
      roles,
      ...(organisation ? { organisation } : {}),
    });
    expect(res.status).toBe(201);
    return res.body.token as string;
  };
  tokens.applicant = await user([{ role: 'applicant' }], 'Stadt Cottbus');
  tokens.wrl = await user([{ role: 'wrl' }]);
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  redis?.disconnect();
  await database?.destroy();
});

const send = (api: Call, token: string, id: string, type: string, payload: Record<string, unknown> = {}) =>
  api(token, 'POST', `/api/v1/profiles/${id}/events`, { type, payload });

describe('v1 and v2 profiles side by side', () => {
  it('keeps a v1 profile moving on v1 after v2 is deployed, while a new profile starts and moves on v2', async () => {
    const before = await v1Deployment(tokens.applicant, 'POST', '/api/v1/profiles', { data: exampleProfile() });
    expect(before.status).toBe(201);
    expect(before.body).toMatchObject({ workflow: 'lausitz-brandenburg', workflowVersion: 1, state: 'draft' });
    const old = before.body.id as string;
    expect((await send(v1Deployment, tokens.applicant, old, 'SUBMIT')).body.state).toBe('intake');

    // v2 is deployed: the same database, served by a deployment whose new profiles start on v2.
    const created = await v2Deployment(tokens.applicant, 'POST', '/api/v1/profiles', { data: exampleProfile() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ workflowVersion: 2, state: 'draft' });
    const fresh = created.body.id as string;
    const submitted = await send(v2Deployment, tokens.applicant, fresh, 'SUBMIT');
    expect(submitted.body).toMatchObject({ state: 'pre_check', stateLabel: { de: 'Formale Vorprüfung' } });
    expect(submitted.body.tasks).toMatchObject([{ kind: 'formal_pre_check', role: 'wrl' }]);

    // The v1 profile has no pre-check: v1's events, v1's answer.
    const refused = await send(v2Deployment, tokens.wrl, old, 'PASS_PRE_CHECK');
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(refused.body)).toContain('PASS_PRE_CHECK');
    const revision = await send(v2Deployment, tokens.wrl, old, 'REQUEST_REVISION', { reason: 'Kosten fehlen.' });
    expect(revision.body).toMatchObject({ state: 'revision', workflowVersion: 1 });
    const v1Task = revision.body.tasks[0];
    expect(v1Task).toMatchObject({ kind: 'revise_profile', label: { de: 'Steckbrief überarbeiten' } });
    expect(Date.parse(v1Task.dueAt) - Date.parse(v1Task.createdAt)).toBe(28 * DAY_MS);
    // v1: a revision from intake is resubmitted to intake.
    expect((await send(v2Deployment, tokens.applicant, old, 'RESUBMIT')).body).toMatchObject({
      state: 'intake',
      workflowVersion: 1,
    });

    // v2: the pre-check passes on to intake; a revision there is resubmitted to the pre-check, with v2's task.
    expect((await send(v2Deployment, tokens.wrl, fresh, 'PASS_PRE_CHECK')).body.state).toBe('intake');
    const v2Revision = await send(v2Deployment, tokens.wrl, fresh, 'REQUEST_REVISION', { reason: 'Kosten fehlen.' });
    const v2Task = v2Revision.body.tasks[0];
    expect(v2Task).toMatchObject({
      kind: 'revise_profile',
      label: { de: 'Steckbrief nachbessern und erneut einreichen' },
    });
    expect(Date.parse(v2Task.dueAt) - Date.parse(v2Task.createdAt)).toBe(42 * DAY_MS);
    expect((await send(v2Deployment, tokens.applicant, fresh, 'RESUBMIT')).body).toMatchObject({
      state: 'pre_check',
      workflowVersion: 2,
    });

    // Read back through either deployment, each profile still on its own version.
    expect((await v1Deployment(tokens.wrl, 'GET', `/api/v1/profiles/${old}`)).body).toMatchObject({
      workflowVersion: 1,
      state: 'intake',
      stateLabel: { de: 'Eingangsprüfung' },
    });
    expect((await v1Deployment(tokens.wrl, 'GET', `/api/v1/profiles/${fresh}`)).body).toMatchObject({
      workflowVersion: 2,
      state: 'pre_check',
      stateLabel: { de: 'Formale Vorprüfung' },
    });
  });
});

describe('the budget across versions', () => {
  it('counts the v1 profile in intake and the v2 profile in the pre-check as pending', async () => {
    const res = await v1Deployment(tokens.wrl, 'GET', '/api/v1/budget');
    expect(res.status).toBe(200);
    expect(res.body.periods[0]).toMatchObject({ pendingCount: 2, committedCount: 0 });
  });
});

describe('GET /api/v1/workflows', () => {
  it('lists every version with its diagram and marks the one new profiles start on', async () => {
    const res = await v2Deployment(tokens.wrl, 'GET', '/api/v1/workflows');
    expect(res.status).toBe(200);
    const items = res.body.items as Array<any>;
    expect(items.map((w) => `${w.id}@${w.version}:${w.newProfiles}`)).toEqual([
      'lausitz-brandenburg@1:false',
      'lausitz-brandenburg@2:true',
      'sachsen-strukturentwicklung@1:true',
    ]);
    const [v1, v2] = items;
    expect(v1.diagram).not.toContain('pre_check');
    expect(v2.diagram).toContain('draft --> pre_check : SUBMIT');
    expect(v2.diagram).toContain('pre_check --> intake : PASS_PRE_CHECK');
    expect(v1.migration).toBeNull();
    expect(v2.migration.from).toBe(1);
    expect(v2.migration.states.intake).toBeUndefined();
    expect(v2.migration.states.revision).toBe('revision');

    const onV1 = await v1Deployment(tokens.wrl, 'GET', '/api/v1/workflows');
    expect(onV1.body.items.map((w: any) => w.newProfiles)).toEqual([true, false, true]);
  });

  it('answers one version by its number, 404 for an unknown one and 422 naming a malformed one', async () => {
    const one = await v2Deployment(tokens.wrl, 'GET', '/api/v1/workflows/lausitz-brandenburg/versions/1');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 'lausitz-brandenburg', version: 1, newProfiles: false });
    expect(one.body.states.map((s: any) => s.id)).not.toContain('pre_check');

    const missing = await v2Deployment(tokens.wrl, 'GET', '/api/v1/workflows/lausitz-brandenburg/versions/3');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');

    const malformed = await v2Deployment(tokens.wrl, 'GET', '/api/v1/workflows/lausitz-brandenburg/versions/zwei');
    expect(malformed.status).toBe(422);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(malformed.body)).toContain('version');

    expect((await v2Deployment(null, 'GET', '/api/v1/workflows/lausitz-brandenburg/versions/1')).status).toBe(401);
  });
});
