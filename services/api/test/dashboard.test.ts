import { hashToken } from '@steckbrief/accounts';
import type { Queues } from '@steckbrief/queues';
import { createTestQueues, type TestQueues } from '@steckbrief/queues/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.js';

let api: TestApi;
let redis: TestQueues;
let queues: Queues;
let operator: { id: string; token: string };
let wrl: { id: string; token: string };

beforeAll(async () => {
  redis = createTestQueues('dashboard');
  queues = redis.queues;
  api = await startTestApi('dashboard', { queues });
  operator = await api.user([{ role: 'operator' }]);
  wrl = await api.user([{ role: 'wrl' }]);
});

afterAll(async () => {
  await api?.close();
  await redis?.destroy();
});

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${api.url}${path}`, { headers, redirect: 'manual' });
}

/** The browser flow: the login form posts the token, the answer sets the session cookie. */
async function login(token: string) {
  const res = await fetch(`${api.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: HTML },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
  const setCookie = res.headers.getSetCookie();
  const cookie = setCookie[0]?.split(';')[0] ?? '';
  return { res, setCookie, cookie };
}

describe('queue dashboard access', () => {
  it('answers 401 problem+json without credentials, and redirects a browser to the login page', async () => {
    const api401 = await get('/admin/queues', { accept: 'application/json' });
    expect(api401.status).toBe(401);
    expect(api401.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(api401.headers.get('www-authenticate')).toBe('Bearer');
    expect((await get('/admin/queues/api/queues')).status).toBe(401);

    const browser = await get('/admin/queues', { accept: HTML });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/admin/login');
  });

  it('answers 403 to a user without the operator role', async () => {
    const res = await get('/admin/queues', { authorization: `Bearer ${wrl.token}`, accept: HTML });
    expect(res.status).toBe(403);
    expect((await get('/admin/queues/api/queues', { authorization: `Bearer ${wrl.token}` })).status).toBe(403);
  });

  it('shows the dashboard to an operator’s bearer token, with Google Fonts kept out by the CSP', async () => {
    const res = await get('/admin/queues', { authorization: `Bearer ${operator.token}`, accept: HTML });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<base href="/admin/queues/"');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('https:');
    const queueList = await get('/admin/queues/api/queues', { authorization: `Bearer ${operator.token}` });
    expect(queueList.status).toBe(200);
  });
});

describe('browser login', () => {
  it('serves a login form without inline script', async () => {
    const res = await get('/admin/login');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('action="/admin/login"');
    expect(html).toContain('Anmelden / Sign in');
    expect(html).not.toMatch(/<script/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('sets an HttpOnly, SameSite=Strict session cookie for an operator and lets the browser in', async () => {
    const { res, setCookie, cookie } = await login(operator.token);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/queues');
    expect(setCookie).toHaveLength(1);
    const attributes = setCookie[0] as string;
    expect(attributes).toMatch(/^steckbrief_admin=[A-Za-z0-9_-]{43};/);
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Strict');
    expect(attributes).toContain('Path=/admin');
    expect(attributes).toContain('Secure'); // the test app's public URL is https
    expect(attributes).toContain('Max-Age=28800');
    // Only the hash of the session id is stored.
    const rows = await api.database.db.selectFrom('admin_sessions').selectAll().execute();
    expect(rows.map((r) => r.user_id)).toContain(operator.id);
    expect(rows.map((r) => r.id_hash)).toContain(hashToken(cookie.split('=')[1] as string));

    const page = await get('/admin/queues', { cookie, accept: HTML });
    expect(page.status).toBe(200);
    const list = await get('/admin/queues/api/queues', { cookie });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['mail', 'outbox', 'timers']);
  });

  it('sets no cookie for an invalid token or a user without the operator role', async () => {
    const invalid = await login('stb_not-a-token');
    expect(invalid.res.headers.get('location')).toBe('/admin/login?message=invalid');
    expect(invalid.setCookie).toEqual([]);
    const forbidden = await login(wrl.token);
    expect(forbidden.res.headers.get('location')).toBe('/admin/login?message=forbidden');
    expect(forbidden.setCookie).toEqual([]);
    const page = await (await get('/admin/login?message=forbidden')).text();
    expect(page).toContain('Rolle operator');
  });

  it('lists a failed job with its error and retries it through the dashboard API', async () => {
    const { cookie } = await login(operator.token);
    const jobId = await redis.failedJob(queues.outbox, 'relay exploded: 42');

    const list = await get('/admin/queues/api/queues?activeQueue=outbox&status=failed&page=1&jobsPerPage=50', {
      cookie,
    });
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      queues: Array<{
        name: string;
        counts: Record<string, number>;
        jobs: Array<{ id: string; failedReason: string }>;
      }>;
    };
    const outbox = body.queues.find((q) => q.name === 'outbox');
    expect(outbox?.counts.failed).toBe(1);
    expect(outbox?.jobs).toEqual([expect.objectContaining({ id: jobId, failedReason: 'relay exploded: 42' })]);

    const retry = await fetch(`${api.url}/admin/queues/api/queues/outbox/${jobId}/retry`, {
      method: 'PUT',
      headers: { cookie },
    });
    expect(retry.status).toBe(204);
    expect(await queues.outbox.getJobState(jobId)).toBe('waiting');
  });

  it('lets an expired or signed-out session in no more', async () => {
    const expired = await login(operator.token);
    const signedOut = await login(operator.token);
    expect((await get('/admin/queues', { cookie: expired.cookie })).status).toBe(200);
    await api.database.db
      .updateTable('admin_sessions')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('id_hash', '=', hashToken(expired.cookie.split('=')[1] as string))
      .execute();
    expect((await get('/admin/queues', { cookie: expired.cookie })).status).toBe(401);
    expect((await get('/admin/queues', { cookie: expired.cookie, accept: HTML })).headers.get('location')).toBe(
      '/admin/login',
    );

    const logout = await fetch(`${api.url}/admin/logout`, {
      method: 'POST',
      headers: { cookie: signedOut.cookie },
      redirect: 'manual',
    });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('location')).toBe('/admin/login?message=signed-out');
    expect(logout.headers.getSetCookie()[0]).toMatch(/^steckbrief_admin=;.*Expires=Thu, 01 Jan 1970/);
    expect((await get('/admin/queues', { cookie: signedOut.cookie })).status).toBe(401);
    expect((await get('/admin/queues', { cookie: signedOut.cookie, accept: HTML })).status).toBe(303);
  });
});
