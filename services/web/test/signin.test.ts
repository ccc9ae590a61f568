import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS } from '../src/sessions.js';
import { CODE_TTL_MS, MAX_REQUESTS_PER_ADDRESS, MAX_REQUESTS_PER_IP } from '../src/signin.js';
import { httpClient, startWebTestEnv, type WebTestEnv } from './helpers.js';

let env: WebTestEnv;

beforeAll(async () => {
  env = await startWebTestEnv('signin');
});
afterAll(async () => {
  await env?.stop();
});

/** Ask for a code for `email` as a browser would; returns the client (holding the visitor's session). */
async function askForCode(email: string) {
  const client = httpClient(env.url);
  const seen = env.signinMailCount(email);
  const _csrf = await client.csrf('/anmelden');
  const res = await client.request('/anmelden', { method: 'POST', form: { _csrf, email } });
  return { client, res, mail: () => env.signinMail(email, seen) };
}

async function enterCode(client: ReturnType<typeof httpClient>, code: string) {
  const _csrf = await client.csrf('/anmelden/code');
  return client.request('/anmelden/code', { method: 'POST', form: { _csrf, code } });
}

describe('sign-in by e-mail code', () => {
  it('signs in with the code from the mail, which arrives through the outbox', async () => {
    const { applicant } = env.people;
    const { client, res, mail } = await askForCode(applicant.email);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/anmelden/code');
    const { code } = await mail();
    const outbox = await env.database.db
      .selectFrom('outbox')
      .select(['topic', 'processed_at', 'payload'])
      .where('topic', '=', 'signin.code')
      .execute();
    expect(outbox).toHaveLength(1);
    expect(JSON.stringify(outbox[0]?.payload)).not.toContain(code);
    const signedIn = await enterCode(client, code);
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/meine-steckbriefe');
    const page = await client.request('/meine-steckbriefe');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Person applicant');
  });

  it('answers an unknown address exactly like a known one and sends nothing', async () => {
    const before = env.sink.messages.length;
    const known = await askForCode(env.people.colleague.email);
    const unknown = await askForCode('nobody@example.org');
    expect(unknown.res.status).toBe(known.res.status);
    expect(unknown.res.location).toBe(known.res.location);
    const knownPage = await known.client.request('/anmelden/code');
    const unknownPage = await unknown.client.request('/anmelden/code');
    expect(unknownPage.text.replace('nobody@example.org', 'X').replace(/value="[^"]+"/g, '')).toBe(
      knownPage.text.replace(env.people.colleague.email, 'X').replace(/value="[^"]+"/g, ''),
    );
    await known.mail();
    expect(env.sink.messages.slice(before).map((m) => m.to)).toEqual([env.people.colleague.email]);
  });

  it('accepts a code once only', async () => {
    const { wrl } = env.people;
    const first = await askForCode(wrl.email);
    const { code } = await first.mail();
    expect((await enterCode(first.client, code)).status).toBe(303);
    const second = await askForCode(wrl.email);
    await second.mail();
    const again = await enterCode(second.client, code);
    expect(again.status).toBe(422);
    expect(again.text).toContain('Der Code ist falsch oder abgelaufen');
  });

  it('refuses a code after 15 minutes', async () => {
    const { other } = env.people;
    const { client, mail } = await askForCode(other.email);
    const { code } = await mail();
    env.clock.advance(CODE_TTL_MS + 1_000);
    const late = await enterCode(client, code);
    expect(late.status).toBe(422);
    expect(late.text).toContain('Der Code ist falsch oder abgelaufen');
  });

  it('does not accept the session cookie from before sign-in after it', async () => {
    const { colleague } = env.people;
    const { client, mail } = await askForCode(colleague.email);
    const visitorCookie = new Map(client.jar);
    const { code } = await mail();
    expect((await enterCode(client, code)).status).toBe(303);
    expect([...client.jar.values()]).not.toEqual([...visitorCookie.values()]);
    const stale = httpClient(env.url);
    for (const [k, v] of visitorCookie) stale.jar.set(k, v);
    const res = await stale.request('/meine-steckbriefe');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/anmelden?weiter=%2Fmeine-steckbriefe');
  });

  it('locks the address after 20 wrong codes, even for the right code', async () => {
    const { email } = await env.addPerson('locked', [{ role: 'applicant' }], 'Gemeinde Burg');
    const { client, mail } = await askForCode(email);
    const { code } = await mail();
    const wrong = code === '000000' ? '111111' : '000000';
    const answers: number[] = [];
    for (let i = 0; i < 20; i++) answers.push((await enterCode(client, wrong)).status);
    expect(answers.slice(0, 19).every((s) => s === 422)).toBe(true);
    expect(answers[19]).toBe(429);
    const right = await enterCode(client, code);
    expect(right.status).toBe(429);
    expect(right.text).toContain('Zu viele falsche Codes');
  });
});

describe('rate limits', () => {
  it('answers 429 to more code requests for one address than allowed in 15 minutes, known or not', async () => {
    for (const email of [
      (await env.addPerson('busy', [{ role: 'applicant' }], 'Gemeinde Burg')).email,
      'ghost@example.org',
    ]) {
      const answers: number[] = [];
      for (let i = 0; i <= MAX_REQUESTS_PER_ADDRESS; i++) answers.push((await askForCode(email)).res.status);
      expect(answers).toEqual([...Array(MAX_REQUESTS_PER_ADDRESS).fill(303), 429]);
    }
  });
});

describe('rate limits per IP', () => {
  /** A code request for `email` from `ip` (the app trusts the loopback proxy's X-Forwarded-For). */
  async function askFrom(ip: string, email: string) {
    const client = httpClient(env.url);
    const _csrf = await client.csrf('/anmelden');
    return (
      await client.request('/anmelden', { method: 'POST', form: { _csrf, email }, headers: { 'x-forwarded-for': ip } })
    ).status;
  }

  it('answers 429 to more code requests from one IP than allowed in 15 minutes, whatever the address', async () => {
    const answers: number[] = [];
    for (let i = 0; i <= MAX_REQUESTS_PER_IP; i++) answers.push(await askFrom('203.0.113.7', `many-${i}@example.org`));
    expect(answers).toEqual([...Array(MAX_REQUESTS_PER_IP).fill(303), 429]);
    expect(await askFrom('203.0.113.8', 'many-0@example.org')).toBe(303);
  });
});

describe('session timeouts', () => {
  async function signedInClient() {
    const person = await env.addPerson('timeout', [{ role: 'applicant' }], 'Gemeinde Burg');
    const { client, mail } = await askForCode(person.email);
    expect((await enterCode(client, (await mail()).code)).status).toBe(303);
    return client;
  }

  it('ends a session after the idle timeout', async () => {
    const client = await signedInClient();
    env.clock.advance(IDLE_TIMEOUT_MS - 60_000);
    expect((await client.request('/meine-steckbriefe')).status).toBe(200);
    env.clock.advance(IDLE_TIMEOUT_MS + 1_000);
    expect((await client.request('/meine-steckbriefe')).status).toBe(303);
  });

  it('ends an active session after the absolute timeout', async () => {
    const client = await signedInClient();
    const step = IDLE_TIMEOUT_MS - 60_000;
    let statuses: number[] = [];
    for (let elapsed = 0; elapsed < ABSOLUTE_TIMEOUT_MS + step; elapsed += step) {
      env.clock.advance(step);
      statuses.push((await client.request('/meine-steckbriefe')).status);
    }
    statuses = [...new Set(statuses)];
    expect(statuses).toEqual([200, 303]);
  });

  it('extends the idle timeout with "Angemeldet bleiben"', async () => {
    const client = await signedInClient();
    env.clock.advance(IDLE_TIMEOUT_MS - 60_000);
    const _csrf = await client.csrf('/meine-steckbriefe');
    const extended = await client.request('/sitzung/verlaengern', {
      method: 'POST',
      form: { _csrf },
      headers: { accept: 'application/json' },
    });
    expect(extended.status).toBe(204);
    env.clock.advance(IDLE_TIMEOUT_MS - 60_000);
    expect((await client.request('/meine-steckbriefe')).status).toBe(200);
  });
});

describe('forms and sessions', () => {
  it('refuses a form post without a valid CSRF token with 403', async () => {
    const client = httpClient(env.url);
    await client.csrf('/anmelden');
    const missing = await client.request('/anmelden', { method: 'POST', form: { email: env.people.applicant.email } });
    const wrong = await client.request('/anmelden', {
      method: 'POST',
      form: { _csrf: 'x'.repeat(43), email: env.people.applicant.email },
    });
    expect(missing.status).toBe(403);
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain('Das Formular ist abgelaufen');
  });

  it('refuses a form post from another site even with a valid token', async () => {
    const client = httpClient(env.url);
    const _csrf = await client.csrf('/anmelden');
    const res = await client.request('/anmelden', {
      method: 'POST',
      form: { _csrf, email: env.people.applicant.email },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(403);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax', async () => {
    const res = await fetch(new URL('/anmelden', env.url));
    const cookie = res.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^steckbrief=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
  });

  it('sends a CSP without inline script or style on pages', async () => {
    const res = await fetch(new URL('/werkstaetten', env.url));
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('redirects /profiles/<id> to /profile/<id> with 301', async () => {
    const res = await fetch(new URL('/profiles/0f8fad5b-d9cb-469f-a165-70867728950e', env.url), { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/profile/0f8fad5b-d9cb-469f-a165-70867728950e');
  });

  it('signs out and the session cookie no longer opens pages', async () => {
    const { applicant } = env.people;
    const { client, mail } = await askForCode(applicant.email);
    const { code } = await mail();
    await enterCode(client, code);
    const sessionCookie = new Map(client.jar);
    const _csrf = await client.csrf('/meine-steckbriefe');
    const out = await client.request('/abmelden', { method: 'POST', form: { _csrf } });
    expect(out.status).toBe(303);
    const stale = httpClient(env.url);
    for (const [k, v] of sessionCookie) stale.jar.set(k, v);
    expect((await stale.request('/meine-steckbriefe')).status).toBe(303);
  });
});
