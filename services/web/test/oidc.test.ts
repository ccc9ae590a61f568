import type { Server } from 'node:http';
import AxeBuilder from '@axe-core/playwright';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { buildRegistry } from '@steckbrief/workflows';
import express from 'express';
import { pino } from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { webRoutes } from '../src/index.js';
import { httpClient } from './helpers.js';
import { type Idp, signInAtIdp, startIdp } from './oidc-idp.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
vi.setConfig({ testTimeout: 60_000 });
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let database: TestDatabase;
let idp: Idp;
let server: Server;
let url: string;
let browser: Browser;
const logLines: string[] = [];

async function addUser(email: string, name: string, roles: object[], disabled = false) {
  const row = await database.db
    .insertInto('users')
    .values({
      email,
      name,
      organisation: null,
      roles: JSON.stringify(roles),
      ...(disabled ? { disabled_at: new Date() } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
const userCount = async () =>
  Number(
    (
      await database.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  database = await createTestDatabase('oidc');
  idp = await startIdp();
  const app = express();
  app.set('trust proxy', 'loopback');
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
  app.use(webRoutes({ db: database.db, registry: buildRegistry(), publicUrl: url, logger, oidc: idp.settings }));
  idp.serve(url);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  server?.closeAllConnections?.();
  await idp?.close();
  await database?.destroy();
});

describe('OpenID Connect sign-in', () => {
  it('signs a reviewer in end to end in the browser, matched by verified e-mail, passing axe', async () => {
    await addUser('erika.muster@mil.brandenburg.de', 'Erika Muster', [{ role: 'ministry', ministry: 'MIL' }]);
    idp.accounts.set('erika', { email: 'Erika.Muster@mil.brandenburg.de', email_verified: true, name: 'E. M.' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${url}/aufgaben`);
    await page.waitForURL(/\/anmelden/);
    expect(await page.getByRole('heading', { name: 'Mit Ihrem Dienstkonto anmelden' }).isVisible()).toBe(true);
    expect((await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations.map((v) => v.id)).toEqual([]);
    await page.getByRole('link', { name: 'Mit Dienstkonto anmelden' }).click();
    await page.waitForURL(new RegExp(`^${idp.issuer}/interaction/`));
    await page.locator('input[name="login"]').fill('erika');
    await page.locator('input[name="password"]').fill('beliebig');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${url}/aufgaben`);
    expect(await page.locator('h1').textContent()).toBe('Aufgaben');
    expect(await page.getByRole('banner').textContent()).toContain('Erika Muster');
    expect((await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations.map((v) => v.id)).toEqual([]);
    const identities = await database.db.selectFrom('user_identities').select(['issuer', 'subject']).execute();
    expect(identities).toEqual([{ issuer: idp.issuer, subject: 'erika' }]);
    await context.close();
  });

  it('signs in again by the stored subject after the e-mail address changed at the provider', async () => {
    idp.accounts.set('erika', { email: 'erika.neu@example.org', email_verified: false });
    const web = httpClient(url);
    const { answer } = await signInAtIdp(web, idp, 'erika');
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/meine-steckbriefe');
    const home = await web.request('/meine-steckbriefe');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Erika Muster');
  });

  it('gives an unknown person a German page and creates no account', async () => {
    idp.accounts.set('fremd', { email: 'fremd@example.org', email_verified: true });
    const before = await userCount();
    const web = httpClient(url);
    const { answer } = await signInAtIdp(web, idp, 'fremd');
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Für dieses Dienstkonto gibt es keinen Zugang zu Steckbrief');
    expect(answer.text).toContain('Ein Konto wird bei der Anmeldung nicht angelegt.');
    expect(await userCount()).toBe(before);
    expect((await web.request('/meine-steckbriefe')).status).toBe(303);
    expect(await database.db.selectFrom('user_identities').select('subject').execute()).toHaveLength(1);
  });

  it('refuses an e-mail address the provider has not verified, with a German page', async () => {
    await addUser('hans.weber@mwae.brandenburg.de', 'Hans Weber', [{ role: 'ministry', ministry: 'MWAE' }]);
    idp.accounts.set('hans', { email: 'hans.weber@mwae.brandenburg.de', email_verified: false });
    const web = httpClient(url);
    const { answer } = await signInAtIdp(web, idp, 'hans');
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Ihre E-Mail-Adresse ist beim Anmeldeportal nicht bestätigt');
    expect((await web.request('/meine-steckbriefe')).status).toBe(303);
  });

  it('refuses a disabled user', async () => {
    await addUser('alt@mil.brandenburg.de', 'Alt', [{ role: 'ministry', ministry: 'MIL' }], true);
    idp.accounts.set('alt', { email: 'alt@mil.brandenburg.de', email_verified: true });
    const { answer } = await signInAtIdp(httpClient(url), idp, 'alt');
    expect(answer.status).toBe(403);
  });

  it('refuses an answer whose state this browser did not start, and uses a state only once', async () => {
    const web = httpClient(url);
    const { callback, answer } = await signInAtIdp(web, idp, 'erika');
    expect(answer.status).toBe(303);
    // The same answer again (a replay) and the answer in another browser: neither signs in.
    const replay = await httpClient(url);
    await replay.csrf('/anmelden');
    const elsewhere = await replay.request(`${callback.pathname}${callback.search}`);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('Die Anmeldung ist abgelaufen');
    const forged = httpClient(url);
    await forged.csrf('/anmelden');
    const changed = new URL(callback);
    changed.searchParams.set('state', 'x'.repeat(43));
    const mismatch = await forged.request(`${changed.pathname}${changed.search}`);
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('Die Anmeldung ist abgelaufen');
    expect((await forged.request('/meine-steckbriefe')).status).toBe(303);
  });

  it('shows the provider’s refusal as a German page, never a stack', async () => {
    const web = httpClient(url);
    const start = await web.request('/anmelden/oidc');
    const state = new URL(start.location as string).searchParams.get('state') ?? '';
    const res = await web.request(
      `/anmelden/oidc/rueckkehr?error=access_denied&error_description=End-User+aborted&state=${state}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Die Anmeldung über das Anmeldeportal ist fehlgeschlagen');
    expect(res.text).not.toMatch(/at \S+ \(|Error:/);
  });

  it('keeps addresses and subjects out of the log', () => {
    const log = logLines.join('\n');
    expect(log).toContain('OIDC sign-in refused');
    expect(log).not.toContain('fremd@example.org');
    expect(log).not.toContain('hans.weber');
    expect(log).not.toMatch(/"subject"|"sub"/);
  });
});
