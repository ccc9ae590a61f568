import AxeBuilder from '@axe-core/playwright';
import { getProfile } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Person, startWebTestEnv, type WebTestEnv } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
vi.setConfig({ testTimeout: 60_000 });
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let env: WebTestEnv;
let browser: Browser;
let milB: Person;
let msgiv: Person;
const contexts: BrowserContext[] = [];

async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A browser of its own for a person, signed in with the mailed code by way of the inbox's address. */
async function signedIn(person: Person, { javaScript = true } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: javaScript });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const seen = env.signinMailCount(person.email);
  await page.goto(`${env.url}/aufgaben`);
  await page.waitForURL(/\/anmelden/);
  await page.getByLabel('E-Mail-Adresse').fill(person.email);
  await page.getByRole('button', { name: 'Code anfordern' }).click();
  await page.waitForURL(/\/anmelden\/code/);
  const { code } = await env.signinMail(person.email, seen);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${env.url}/aufgaben`);
  return page;
}

/** A submitted profile that the Werkstatt sent to ministry review with these ministries. */
async function inMinistryReview(title: string, lead: string, ministries: string[]) {
  const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title }));
  await env.send(env.people.applicant, id, 'SUBMIT');
  await env.send(env.people.wrl, id, 'ACCEPT', { werkstatt: 4 });
  await env.send(env.people.wrl, id, 'VOTE', { votum: 'positive', leadMinistry: lead, ministries });
  return id;
}

const stateOf = async (id: string) => (await getProfile(env.deps, await env.actorOf(env.people.wrl), id)).state;
/** Move focus with the Tab key alone until the focused element's text matches, within a bound. */
async function tabTo(page: Page, pattern: RegExp) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => document.activeElement?.textContent ?? '');
    if (pattern.test(text)) return;
  }
  throw new Error(`no focusable element matching ${pattern}`);
}

const mainText = async (page: Page) => (await page.getByRole('main').textContent()) ?? '';

beforeAll(async () => {
  env = await startWebTestEnv('inbox');
  milB = await env.addPerson('mil-b', [{ role: 'ministry', ministry: 'MIL' }], null);
  msgiv = await env.addPerson('msgiv', [{ role: 'ministry', ministry: 'MSGIV' }], null);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await env?.stop();
});

describe('the reviewers’ inbox', () => {
  let mil: Page;
  let shared: string;
  let milOnly: string;

  it('shows an empty inbox with its views and counts, linked from the main navigation, passing axe', async () => {
    mil = await signedIn(env.people.ministry);
    expect(await mil.title()).toBe('Aufgaben: Meine Gruppe – Steckbrief');
    expect(await mainText(mil)).toContain('Keine Aufgaben in dieser Ansicht');
    const views = mil.getByRole('navigation', { name: 'Ansichten' });
    expect(await views.getByRole('link', { name: 'Meine Gruppe (0)' }).getAttribute('aria-current')).toBe('page');
    const nav = mil.getByRole('navigation', { name: 'Hauptnavigation' });
    expect(await nav.getByRole('link', { name: 'Aufgaben' }).getAttribute('href')).toBe('/aufgaben');
    await expectAccessible(mil);
  });

  it('lists only the tasks of the reviewer’s ministry, soonest due first; a sorted column carries aria-sort, passing axe', async () => {
    shared = await inMinistryReview('Radweg Spremberg', 'MIL', ['MIL', 'MSGIV']);
    await inMinistryReview('Klinikum Forst', 'MSGIV', ['MSGIV']);
    env.clock.advance(60_000);
    milOnly = await inMinistryReview('Bahnhof Guben', 'MIL', ['MIL']);
    await mil.goto(`${env.url}/aufgaben`);
    const rows = mil.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.locator('th').allTextContents()).toEqual(['Radweg Spremberg', 'Bahnhof Guben']);
    expect(await mainText(mil)).not.toContain('Klinikum Forst');
    expect(await mil.getByRole('columnheader', { name: /Fällig/ }).getAttribute('aria-sort')).toBe('ascending');
    await expectAccessible(mil);

    await mil.getByRole('link', { name: /^Projekt/ }).click();
    expect(mil.url()).toContain('sortierung=projekt');
    expect(await mil.getByRole('columnheader', { name: /Projekt/ }).getAttribute('aria-sort')).toBe('ascending');
    expect(await rows.locator('th').allTextContents()).toEqual(['Bahnhof Guben', 'Radweg Spremberg']);
  });

  it('filters by a scope attribute and overdue in the URL, with counts per view, passing axe', async () => {
    await mil.goto(`${env.url}/aufgaben`);
    await mil.getByLabel('Nur überfällige').check();
    await mil.getByRole('button', { name: 'Filter anwenden' }).click();
    await mil.waitForURL(/ueberfaellig=ja/);
    expect(await mainText(mil)).toContain('Keine Aufgaben in dieser Ansicht mit diesen Filtern');
    await expectAccessible(mil);
    await mil.goto(`${env.url}/aufgaben?ministry=MSGIV`);
    expect(await mil.locator('tbody tr th').allTextContents()).toEqual(['Radweg Spremberg']);
    expect(await mil.getByLabel('Ressort').inputValue()).toBe('MSGIV');
    expect(await mil.getByRole('link', { name: 'Nicht zugewiesen (1)' }).isVisible()).toBe(true);
    await expectAccessible(mil);
  });

  it('two reviewers of one ministry race for a task: the loser is told who has it', async () => {
    const other = await signedIn(milB);
    await mil.goto(`${env.url}/aufgaben`);
    await other.goto(`${env.url}/aufgaben`);
    await mil.getByRole('button', { name: /^Übernehmen\W+Bahnhof Guben/ }).click();
    await mil.waitForURL(/\/aufgaben\/[0-9a-f-]{36}\?/);
    await other.getByRole('button', { name: /^Übernehmen\W+Bahnhof Guben/ }).click();
    await other.waitForURL(/meldung=vergeben/);
    expect(await other.getByRole('status').textContent()).toContain(
      '„Bahnhof Guben“ wird bereits von Person mil bearbeitet',
    );
    expect(await other.locator('tbody tr', { hasText: 'Bahnhof Guben' }).textContent()).toContain('Person mil');
    await expectAccessible(other);
  });

  it('gives a statement by keyboard (error summary first), then the next task opens and the profile moved on after the last ministry', async () => {
    await env.send(msgiv, shared, 'STATEMENT', { opinion: 'endorse', text: 'Aus Sicht des MSGIV unbedenklich.' });
    await mil.goto(`${env.url}/aufgaben?ansicht=meine`);
    expect(await mil.locator('tbody tr th').allTextContents()).toEqual(['Bahnhof Guben']);
    await mil.goto(`${env.url}/aufgaben`);
    // Claim "Radweg Spremberg" by keyboard.
    await tabTo(mil, /^Übernehmen\W+Radweg Spremberg/);
    await mil.keyboard.press('Enter');
    await mil.waitForURL(/\/aufgaben\/[0-9a-f-]{36}\?/);
    expect(await mil.locator('h1').textContent()).toBe('Radweg Spremberg');
    expect(await mainText(mil)).toContain('Stellungnahme abgeben');
    expect(await mainText(mil)).toContain('Verlauf');
    await expectAccessible(mil);

    await tabTo(mil, /^Stellungnahme abgeben$/);
    expect(await mil.evaluate(() => document.activeElement?.tagName)).toBe('BUTTON');
    await mil.keyboard.press('Enter');
    await mil.locator('.error-summary').waitFor();
    expect(await mil.title()).toMatch(/^Fehler: /);
    expect(await mil.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await expectAccessible(mil);
    await mil.keyboard.press('Tab');
    expect(await mil.evaluate(() => document.activeElement?.textContent)).toMatch(/^Einschätzung: /);
    await mil.keyboard.press('Enter');
    expect(await mil.evaluate(() => document.activeElement?.id)).toBe('statement-opinion');
    await mil.keyboard.press('Space');
    await tabTo(mil, /^$/);
    expect(await mil.evaluate(() => document.activeElement?.id)).toBe('statement-text');
    await mil.keyboard.type('Das MIL befürwortet den Radweg.');
    await tabTo(mil, /^Stellungnahme abgeben$/);
    await mil.keyboard.press('Enter');
    // The next task of the view opens.
    await mil.waitForURL(/gespeichert=STATEMENT/);
    expect(await mil.locator('h1').textContent()).toBe('Bahnhof Guben');
    expect(await mil.getByRole('status').textContent()).toContain('„Stellungnahme abgeben“ wurde gespeichert');
    await expectAccessible(mil);
    expect(await stateOf(shared)).toBe('commissioner_approval');
    expect(await stateOf(milOnly)).toBe('ministry_review');
  });

  it('a stale form shows what changed and what was typed, and saves nothing, passing axe', async () => {
    const id = await inMinistryReview('Schule Cottbus', 'MIL', ['MIL']);
    const other = await signedIn(milB);
    await mil.goto(`${env.url}/aufgaben`);
    await mil.getByRole('link', { name: 'Schule Cottbus' }).click();
    await other.goto(`${env.url}/aufgaben`);
    await other.getByRole('link', { name: 'Schule Cottbus' }).click();
    await other.getByLabel('Befürwortung').check();
    await other.getByLabel('Stellungnahme', { exact: true }).fill('Zuerst da.');
    await other.locator('#statement-senden').click();
    await other.waitForURL(/meldung=keine-weiteren|gespeichert=/);
    await mil.getByLabel('Bedenken').check();
    await mil.getByLabel('Stellungnahme', { exact: true }).fill('Zu spät.');
    await mil.locator('#statement-senden').click();
    await mil.locator('h1', { hasText: 'Der Steckbrief wurde inzwischen geändert' }).waitFor();
    expect(await mainText(mil)).toContain('Stellungnahme abgeben am');
    expect(await mainText(mil)).toContain('Zu spät.');
    await expectAccessible(mil);
    const history = await env.database.db
      .selectFrom('profile_history')
      .select('event')
      .where('profile_id', '=', id)
      .where('event', '=', 'STATEMENT')
      .execute();
    expect(history).toHaveLength(1);
  });

  it('asks before a decision that ends a profile, with errors first, passing axe in every state', async () => {
    const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title: 'Doppelter Antrag' }));
    await env.send(env.people.applicant, id, 'SUBMIT');
    const wrl = await signedIn(env.people.wrl);
    await wrl.getByRole('link', { name: 'Doppelter Antrag' }).click();
    const reject = wrl.getByRole('region', { name: 'Ablehnen' });
    await reject.getByRole('button', { name: 'Ablehnen' }).click();
    await wrl.locator('.error-summary').waitFor();
    expect(await wrl.locator('.error-summary a').first().textContent()).toMatch(/^Begründung: /);
    await expectAccessible(wrl);
    await wrl.getByRole('region', { name: 'Ablehnen' }).getByLabel('Begründung').fill('Doppelt eingereicht.');
    await wrl.getByRole('region', { name: 'Ablehnen' }).getByRole('button', { name: 'Ablehnen' }).click();
    await wrl.locator('h1', { hasText: 'Entscheidung bestätigen' }).waitFor();
    expect(await stateOf(id)).toBe('intake');
    expect(await mainText(wrl)).toContain('Doppelt eingereicht.');
    await expectAccessible(wrl);
    await wrl.getByRole('button', { name: 'Endgültig entscheiden: Ablehnen' }).click();
    await wrl.waitForURL(/meldung=keine-weiteren/);
    expect(await wrl.getByRole('status').textContent()).toContain('Ihre Entscheidung wurde gespeichert');
    await expectAccessible(wrl);
    expect(await stateOf(id)).toBe('rejected');
    await wrl.getByRole('link', { name: /^Erledigt \(\d+\)/ }).click();
    expect(await wrl.locator('tbody tr th').first().textContent()).toBe('Doppelter Antrag');
    await expectAccessible(wrl);
  });

  it('claims and acts with JavaScript off: claim, reject, confirm', async () => {
    const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title: 'Ohne Skript' }));
    await env.send(env.people.applicant, id, 'SUBMIT');
    // axe needs script in the page: this journey checks behaviour only (the pages are the same as above).
    const wrl = await signedIn(env.people.wrl, { javaScript: false });
    await wrl.getByRole('button', { name: /^Übernehmen\W+Ohne Skript/ }).click();
    await wrl.waitForURL(/\/aufgaben\/[0-9a-f-]{36}\?/);
    expect(await mainText(wrl)).toContain('In Bearbeitung vonIhnen');
    await wrl.getByRole('region', { name: 'Ablehnen' }).getByLabel('Begründung').fill('Ohne Skript abgelehnt.');
    await wrl.getByRole('region', { name: 'Ablehnen' }).getByRole('button', { name: 'Ablehnen' }).click();
    await wrl.locator('h1', { hasText: 'Entscheidung bestätigen' }).waitFor();
    await wrl.getByRole('button', { name: 'Endgültig entscheiden: Ablehnen' }).click();
    await wrl.waitForURL(/meldung=keine-weiteren/);
    expect(await stateOf(id)).toBe('rejected');
  });
});
