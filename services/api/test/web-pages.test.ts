import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.js';

/** The API process serves the web pages (services/web) on its own port, beside the JSON API. */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('web_pages');
});
afterAll(async () => {
  await api?.close();
});

describe('the web pages on the API port', () => {
  it('serves the sign-in page as German HTML with the pages’ own CSP and a CSRF field', async () => {
    const res = await fetch(`${api.url}/anmelden`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await res.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toMatch(/<title>Anmelden – Steckbrief<\/title>/);
    expect(html).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('serves the public Werkstatt page and KERN’s styles without sign-in', async () => {
    const page = await fetch(`${api.url}/werkstaetten/4`);
    expect(page.status).toBe(200);
    const css = await fetch(`${api.url}/assets/kern/kern.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('leaves the API paths to the API: 401 problem+json without a token, and /healthz as JSON', async () => {
    const unknown = await api.request(null, 'GET', '/api/v1/nothing-here');
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const health = await fetch(`${api.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});
