import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.js';

let cached: TestApi;
let uncached: TestApi;
beforeAll(async () => {
  [cached, uncached] = await Promise.all([
    startTestApi('auth_cache', { authCacheTtlMs: 60_000 }),
    startTestApi('auth_nocache', { authCacheTtlMs: 0 }),
  ]);
});
afterAll(async () => {
  await Promise.all([cached?.close(), uncached?.close()]);
});

const revokeAll = (api: TestApi) =>
  api.database.db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('revoked_at', 'is', null).execute();

describe('bearer token cache', () => {
  it('without a cache, a revoked token is refused on the next request', async () => {
    const user = await uncached.user([{ role: 'wrl' }]);
    expect((await uncached.request(user.token, 'GET', '/api/v1/users/me')).status).toBe(200);
    await revokeAll(uncached);
    const res = await uncached.request(user.token, 'GET', '/api/v1/users/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('with a cache, a resolved token is trusted until its entry expires (the documented revocation delay)', async () => {
    const user = await cached.user([{ role: 'wrl' }]);
    expect((await cached.request(user.token, 'GET', '/api/v1/users/me')).status).toBe(200);
    await revokeAll(cached);
    expect((await cached.request(user.token, 'GET', '/api/v1/users/me')).status).toBe(200);
    // An unknown token is never cached as valid.
    expect((await cached.request('stb_not-a-token', 'GET', '/api/v1/users/me')).status).toBe(401);
  });
});
