import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type HttpClient, type Person, startWebTestEnv, type WebTestEnv } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
vi.setConfig({ testTimeout: 60_000 });
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let env: WebTestEnv;
let wrl: HttpClient;
let wrlB: Person;
let other: HttpClient;
let browser: Browser;

const savedLinks = (html: string) =>
  [...html.matchAll(/<li class="saved-views__item"><a class="kern-link" href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map(
    (m) => [m[2], m[1]?.replaceAll('&amp;', '&')],
  );

async function save(client: HttpClient, name: string, adresse: string) {
  const csrf = await client.csrf('/aufgaben');
  return client.request('/aufgaben/ansichten', { method: 'POST', form: { _csrf: csrf, name, adresse } });
}

beforeAll(async () => {
  env = await startWebTestEnv('saved-views');
  wrlB = await env.addPerson('wrl-b', [{ role: 'wrl' }], null);
  wrl = await env.signIn(env.people.wrl);
  other = await env.signIn(wrlB);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

describe('saved views of the inbox', () => {
  it('saves the current view, filters and order under a name and lists it beside the views', async () => {
    const res = await save(wrl, 'Überfällige Eingänge', '/aufgaben?ansicht=offen&stufe=intake&ueberfaellig=ja&seite=3');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/aufgaben?ansicht=offen&stufe=intake&ueberfaellig=ja&meldung=ansicht-gespeichert');
    const page = await wrl.request(res.location as string);
    expect(page.text).toContain('Die Ansicht wurde gespeichert.');
    expect(savedLinks(page.text)).toEqual([
      ['Überfällige Eingänge', '/aufgaben?ansicht=offen&stufe=intake&ueberfaellig=ja'],
    ]);
  });

  it('keeps only inbox parameters of the sent address', async () => {
    const res = await save(wrl, 'Fremd', 'https://example.org/?ansicht=meine');
    expect(res.location).toBe('/aufgaben?meldung=ansicht-gespeichert');
    const page = await wrl.request('/aufgaben');
    expect(savedLinks(page.text)).toContainEqual(['Fremd', '/aufgaben']);
  });

  it('replaces the address of a view saved again under the same name', async () => {
    await save(wrl, 'fremd', '/aufgaben?ansicht=meine');
    const page = await wrl.request('/aufgaben');
    expect(savedLinks(page.text)).toEqual([
      ['fremd', '/aufgaben?ansicht=meine'],
      ['Überfällige Eingänge', '/aufgaben?ansicht=offen&stufe=intake&ueberfaellig=ja'],
    ]);
  });

  it('shows a user only their own saved views', async () => {
    const page = await other.request('/aufgaben');
    expect(savedLinks(page.text)).toEqual([]);
    expect(page.text).toContain('Sie haben noch keine Ansicht gespeichert.');
  });

  it('does not delete another user’s view', async () => {
    const [view] = await env.database.db
      .selectFrom('saved_views')
      .select('id')
      .where('user_id', '=', env.people.wrl.userId)
      .execute();
    const csrf = await other.csrf('/aufgaben');
    const res = await other.request(`/aufgaben/ansichten/${view?.id}/loeschen`, {
      method: 'POST',
      form: { _csrf: csrf, zurueck: '/aufgaben' },
    });
    expect(res.location).toBe('/aufgaben?meldung=ansicht-unbekannt');
    expect(savedLinks((await wrl.request('/aufgaben')).text)).toHaveLength(2);
  });

  it('answers a missing name with the form, an error summary and the field’s message', async () => {
    const res = await save(wrl, '  ', '/aufgaben?ansicht=meine');
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Fehler: Ansicht speichern');
    expect(res.text).toContain('href="#ansicht-name"');
    expect(res.text).toContain('Geben Sie einen Namen für die Ansicht ein');
    expect(res.text).toContain('name="adresse" value="/aufgaben?ansicht=meine"');
  });

  it('refuses saving without the form’s CSRF token', async () => {
    const res = await wrl.request('/aufgaben/ansichten', {
      method: 'POST',
      form: { name: 'Ohne Token', adresse: '/aufgaben' },
    });
    expect(res.status).toBe(403);
  });

  it('saves, opens and deletes a view in the browser, passing axe in each state', async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const seen = env.signinMailCount(wrlB.email);
    await page.goto(`${env.url}/aufgaben?ansicht=meine`);
    await page.getByLabel('E-Mail-Adresse').fill(wrlB.email);
    await page.getByRole('button', { name: 'Code anfordern' }).click();
    await page.waitForURL(/\/anmelden\/code/);
    const { code } = await env.signinMail(wrlB.email, seen);
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(/\/aufgaben/);
    await page.goto(`${env.url}/aufgaben?ansicht=meine&sortierung=projekt`);
    const axe = async () =>
      expect((await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations.map((v) => v.id)).toEqual([]);
    await axe();

    await page.getByRole('button', { name: 'Ansicht speichern' }).click();
    expect(await page.title()).toBe('Fehler: Ansicht speichern – Steckbrief');
    await axe();
    await page.getByLabel('Diese Ansicht speichern als').fill('Meine nach Projekt');
    await page.getByRole('button', { name: 'Ansicht speichern' }).click();
    await page.waitForURL(/meldung=ansicht-gespeichert/);
    await axe();

    await page.goto(`${env.url}/aufgaben`);
    await page.getByRole('link', { name: 'Meine nach Projekt' }).click();
    await page.waitForURL(`${env.url}/aufgaben?ansicht=meine&sortierung=projekt`);
    expect(await page.getByRole('link', { name: 'Meine nach Projekt' }).getAttribute('aria-current')).toBe('page');

    await page.getByRole('button', { name: /^Löschen.*Meine nach Projekt/ }).click();
    await page.waitForURL(/meldung=ansicht-geloescht/);
    expect(await page.getByRole('main').textContent()).toContain('Die gespeicherte Ansicht wurde gelöscht.');
    await axe();
    await context.close();
  });
});
