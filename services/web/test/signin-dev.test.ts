import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, pollUntil, startWebTestEnv, type WebTestEnv } from './helpers.js';

/** A port on which nothing listens: the SMTP server "does not answer". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let env: WebTestEnv;
const logLines: string[] = [];

beforeAll(async () => {
  env = await startWebTestEnv('signindev', {
    development: true,
    smtpUrl: `smtp://127.0.0.1:${await closedPort()}`,
    logLines,
  });
});
afterAll(async () => {
  await env?.stop();
});

describe('sign-in in development without a mail server', () => {
  it('prints the undeliverable code in the worker log, and the code signs in', async () => {
    const client = httpClient(env.url);
    const _csrf = await client.csrf('/anmelden');
    await client.request('/anmelden', { method: 'POST', form: { _csrf, email: env.people.applicant.email } });
    const line = await pollUntil(
      () => logLines.find((l) => l.includes('development sign-in code')),
      15_000,
      'the code in the log',
    );
    const code = (JSON.parse(line) as { code: string }).code;
    expect(code).toMatch(/^\d{6}$/);
    const codeCsrf = await client.csrf('/anmelden/code');
    const res = await client.request('/anmelden/code', { method: 'POST', form: { _csrf: codeCsrf, code } });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/meine-steckbriefe');
  });
});
