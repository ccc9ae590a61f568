import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { createSession, getProfile, getSession, setAgenda } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Person, startWebTestEnv, type WebTestEnv } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
vi.setConfig({ testTimeout: 180_000 });
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PERIODS = [
  { id: '2020-2026', from: '2020-01-01', to: '2026-12-31', budgetCents: 144_000_000_000 },
  { id: '2027-2038', from: '2027-01-01', to: '2038-12-31', budgetCents: 216_000_000_000 },
];

let env: WebTestEnv;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A browser of its own for a person, signed in with the mailed code by way of the sessions page. */
async function signedIn(person: Person, { javaScript = true } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: javaScript, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const seen = env.signinMailCount(person.email);
  await page.goto(`${env.url}/sitzungen`);
  await page.waitForURL(/\/anmelden/);
  await page.getByLabel('E-Mail-Adresse').fill(person.email);
  await page.getByRole('button', { name: 'Code anfordern' }).click();
  await page.waitForURL(/\/anmelden\/code/);
  const { code } = await env.signinMail(person.email, seen);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${env.url}/sitzungen`);
  return page;
}

/** A submitted profile the WRL office accepted into a Werkstatt: it waits for that Werkstatt's session. */
async function inQualification(title: string, werkstatt = 4) {
  const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title, werkstatt }));
  await env.send(env.people.applicant, id, 'SUBMIT');
  await env.send(env.people.wrl, id, 'ACCEPT', { werkstatt });
  return id;
}

/** A profile the commissioner approved: it waits for the IMAG. */
async function imagPending(title: string) {
  const id = await inQualification(title);
  await env.send(env.people.wrl, id, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: ['MIL'] });
  await env.send(env.people.ministry, id, 'STATEMENT', { opinion: 'endorse', text: 'Befürwortet.' });
  await env.send(env.people.commissioner, id, 'APPROVE');
  return id;
}

const stateOf = async (id: string) => (await getProfile(env.deps, await env.actorOf(env.people.wrl), id)).state;
const mainText = async (page: Page) => (await page.getByRole('main').textContent()) ?? '';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

async function pdfText(bytes: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    parts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await doc.destroy();
  return parts.join(' ').replace(/\s+/g, ' ');
}

/** Move focus with the Tab key alone until the focused element's text or label matches, within a bound. */
async function tabTo(page: Page, pattern: RegExp) {
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : '';
      return `${el.textContent ?? ''} ${label ?? ''}`;
    });
    if (pattern.test(text)) return;
  }
  throw new Error(`no focusable element matching ${pattern}`);
}

beforeAll(async () => {
  env = await startWebTestEnv('sessions', { fundingPeriods: PERIODS });
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

describe('the WRL office’s sessions in the browser', () => {
  let wrl: Page;
  let noJs: Page;
  const titles = ['Radweg Spremberg', 'Bahnhof Guben', 'Klinikum Forst', 'Sporthalle Burg'];
  const ids: string[] = [];

  it('shows an empty sessions list with calendar and feed, linked from the main navigation, passing axe', async () => {
    wrl = await signedIn(env.people.wrl);
    expect(await wrl.title()).toBe('Sitzungen – Steckbrief');
    expect(await mainText(wrl)).toContain('Keine Sitzungen.');
    const nav = wrl.getByRole('navigation', { name: 'Hauptnavigation' });
    expect(await nav.getByRole('link', { name: 'Sitzungen' }).getAttribute('href')).toBe('/sitzungen');
    expect(await wrl.getByRole('table', { name: /\d{4}$/ }).count()).toBe(1);
    await expectAccessible(wrl);
    await wrl.getByRole('button', { name: 'Kalender-Adresse erzeugen' }).click();
    expect(await mainText(wrl)).toMatch(/\/calendar\/[A-Za-z0-9_-]+\.ics/);
    await expectAccessible(wrl);
  });

  it('plans a Werkstatt session: errors first with the summary focused, then the session page, passing axe', async () => {
    for (const title of titles) ids.push(await inQualification(title));
    await wrl.getByRole('link', { name: 'Sitzung anlegen' }).click();
    await expectAccessible(wrl);
    await wrl.getByRole('button', { name: 'Sitzung anlegen' }).click();
    expect(await wrl.title()).toBe('Fehler: Sitzung anlegen – Steckbrief');
    expect(await wrl.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await mainText(wrl)).toContain('Wählen Sie die Art der Sitzung aus.');
    await expectAccessible(wrl);

    const date = inDays(21);
    await wrl.getByLabel('Werkstattsitzung').check();
    await wrl.getByLabel('Werkstatt', { exact: true }).selectOption('4');
    await wrl.getByLabel('Tag', { exact: true }).fill(String(date.getUTCDate()));
    await wrl.getByLabel('Monat', { exact: true }).fill(String(date.getUTCMonth() + 1));
    await wrl.getByLabel('Jahr', { exact: true }).fill(String(date.getUTCFullYear()));
    await wrl.getByLabel('Titel (optional)').fill('Werkstatt 4 im Winter');
    await wrl.getByRole('button', { name: 'Sitzung anlegen' }).click();
    await wrl.waitForURL(/\/sitzungen\/[0-9a-f-]{36}\?meldung=angelegt/);
    expect(await mainText(wrl)).toContain('Die Sitzung wurde angelegt.');
    await expectAccessible(wrl);
    await wrl.getByRole('link', { name: /^Tagesordnung bearbeiten/ }).click();
    expect(await wrl.getByRole('table', { name: 'Wartende Steckbriefe' }).locator('tbody tr').count()).toBe(4);
    await expectAccessible(wrl);
  });

  it('builds the agenda from the waiting profiles and orders it on the planning page, with the totals against the budget, passing axe', async () => {
    for (const title of titles) await wrl.getByLabel(`${title} auswählen`).check();
    await wrl.getByRole('button', { name: 'Ausgewählte auf die Tagesordnung setzen' }).click();
    await wrl.waitForURL(/meldung=tagesordnung/);
    const agenda = wrl.getByRole('table', { name: 'Tagesordnung' });
    expect(await agenda.locator('tbody th').allTextContents()).toEqual(titles);
    await wrl.getByRole('link', { name: /^Tagesordnung bearbeiten/ }).click();
    await wrl.getByRole('button', { name: /^Nach oben\W+Klinikum Forst/ }).click();
    await wrl.waitForURL(/hinzufuegen\?meldung=tagesordnung/);
    const reordered = ['Radweg Spremberg', 'Klinikum Forst', 'Bahnhof Guben', 'Sporthalle Burg'];
    expect(await agenda.locator('tbody th').allTextContents()).toEqual(reordered);
    await expectAccessible(wrl);
    await wrl.getByRole('link', { name: 'Zurück zur Sitzung' }).click();
    expect(await agenda.locator('tbody th').allTextContents()).toEqual(reordered);
    expect(await mainText(wrl)).toContain('Beantragt auf dieser Tagesordnung (offen)');
    expect(await mainText(wrl)).toContain('44.000.000\u00a0€ (4 Projekte)');
    expect(await mainText(wrl)).toContain('Budget der Förderperiode');
    await expectAccessible(wrl);
  });

  it('records four decisions in one screen: three are applied, the invalid one stays in the form with its error, passing axe', async () => {
    const sessionPath = new URL(wrl.url()).pathname;
    const top = (n: number) => wrl.getByRole('group', { name: new RegExp(`^TOP ${n}:`) });
    const choose = (n: number, label: string) =>
      wrl.getByLabel(`Entscheidung zu TOP ${n}`, { exact: true }).selectOption({ label });
    // One choice per item on the session page; the fields each decision needs on the next page.
    await choose(1, 'Votum abgeben: Positives Votum');
    await choose(2, 'Votum abgeben: Weitere Qualifizierung nötig');
    await choose(3, 'Votum abgeben: Negatives Votum');
    await choose(4, 'Votum abgeben: Negatives Votum');
    await wrl.getByRole('button', { name: 'Weiter zu den Angaben' }).click();
    await wrl.waitForURL(/\/beschluesse$/);
    expect(await wrl.getByRole('group', { name: /^TOP \d:/ }).count()).toBe(4);
    await expectAccessible(wrl);
    // TOP 1: positive Votum with the lead ministry.
    await top(1).getByLabel('Federführendes Ressort').selectOption('MIL');
    // TOP 2: further qualification with a reason.
    await top(2).getByLabel('Begründung').fill('Bitte Kosten und Zeitplan genauer belegen.');
    // TOP 3: negative Votum without the reason it needs (invalid).
    // TOP 4: negative Votum with a reason.
    await top(4).getByLabel('Begründung').fill('Kein Bezug zum Strukturwandel.');
    await wrl.getByRole('button', { name: 'Beschlüsse speichern' }).click();

    expect(await wrl.title()).toMatch(/^Fehler: /);
    expect(await wrl.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    const results = wrl.getByRole('region', { name: 'Ergebnis je Tagesordnungspunkt' });
    expect(await results.locator('li').count()).toBe(4);
    expect(await results.locator('li', { hasText: 'Nicht gespeichert' }).allTextContents()).toEqual([
      expect.stringContaining('TOP 3 „Bahnhof Guben“'),
    ]);
    expect(await stateOf(ids[0] as string)).toBe('ministry_review');
    expect(await stateOf(ids[2] as string)).toBe('revision');
    expect(await stateOf(ids[3] as string)).toBe('rejected');
    expect(await stateOf(ids[1] as string)).toBe('qualification');
    // Only the failed item is still in the form, with what was chosen and its message on the field.
    expect(await wrl.getByRole('group', { name: /^TOP \d:/ }).count()).toBe(1);
    expect(await top(3).textContent()).toContain('Entscheidung: Votum abgeben: Negatives Votum');
    expect(
      await top(3)
        .getByText(/Begründung: Bitte/)
        .count(),
    ).toBeGreaterThan(0);
    await expectAccessible(wrl);

    // The error summary's link moves focus to the field; then the item is saved.
    await wrl.getByRole('link', { name: /^TOP 3: Begründung/ }).click();
    expect(await wrl.evaluate(() => document.activeElement?.id)).toBe('top3-vote-reason');
    await wrl.keyboard.type('Die Kosten sind nicht plausibel.');
    await wrl.getByRole('button', { name: 'Beschlüsse speichern' }).click();
    await wrl.waitForURL(new RegExp(`${sessionPath}\\?meldung=beschlossen`));
    expect(await stateOf(ids[1] as string)).toBe('rejected');
    expect(await mainText(wrl)).toContain('Alle erfassten Beschlüsse wurden gespeichert.');
    await expectAccessible(wrl);
  });

  it('downloads the minutes as PDF with every title and decision label, and publishes them after a confirmation, passing axe', async () => {
    await wrl.getByRole('link', { name: 'Protokoll ansehen' }).click();
    await wrl.waitForURL(/\/protokoll$/);
    expect(await mainText(wrl)).toContain('Positives Votum');
    await expectAccessible(wrl);
    const [download] = await Promise.all([
      wrl.waitForEvent('download'),
      wrl.getByRole('link', { name: 'Als PDF herunterladen' }).click(),
    ]);
    const bytes = await readFile((await download.path()) as string);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(bytes);
    for (const title of titles) expect(text).toContain(title);
    expect(text).toContain('Positives Votum');
    expect(text).toContain('Negatives Votum');
    expect(text).not.toContain('\ufffd');

    await wrl.getByRole('link', { name: 'Protokoll veröffentlichen' }).click();
    expect(await wrl.title()).toBe('Protokoll veröffentlichen – Steckbrief');
    await expectAccessible(wrl);
    await wrl.getByRole('button', { name: 'Ja, Protokoll veröffentlichen' }).click();
    await wrl.waitForURL(/meldung=veroeffentlicht/);
    expect(await mainText(wrl)).toContain('Das Ergebnisprotokoll ist jetzt veröffentlicht.');
    await expectAccessible(wrl);
    const sessions = await env.deps.db.selectFrom('sessions').select('minutes_published_at').execute();
    expect(sessions.filter((s) => s.minutes_published_at).length).toBe(1);
  });

  it('shows the sessions list with the session and its status, and the budget page with chart and table, passing axe', async () => {
    await wrl.goto(`${env.url}/sitzungen`);
    expect(await mainText(wrl)).toContain('Werkstatt 4 im Winter');
    expect(await mainText(wrl)).toContain('Protokoll veröffentlicht');
    await expectAccessible(wrl);
    await wrl.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Haushalt' }).click();
    expect(await wrl.getByRole('img', { name: /^Förderung je Werkstatt/ }).count()).toBe(1);
    expect(await wrl.getByRole('table', { name: 'Beträge je Werkstatt' }).count()).toBe(1);
    await expectAccessible(wrl);
  });

  it('the IMAG secretariat confirms 17 projects with their priority in one screen', async () => {
    const pending: string[] = [];
    for (let i = 1; i <= 17; i++) pending.push(await imagPending(`IMAG-Projekt ${String(i).padStart(2, '0')}`));
    const office = await env.actorOf(env.people.wrl);
    const session = await createSession(env.deps, office, {
      kind: 'imag',
      date: inDays(10).toISOString().slice(0, 10),
      title: 'IMAG Dezember',
    });
    await setAgenda(env.deps, office, session.id, pending);

    const imag = await signedIn(env.people.imag);
    await imag.getByRole('link', { name: 'IMAG Dezember', exact: true }).click();
    await imag.getByLabel('Für alle offenen Punkte vorauswählen').selectOption({ label: 'Bestätigen' });
    await imag.getByRole('button', { name: 'Vorauswahl übernehmen' }).click();
    for (let n = 1; n <= 17; n++) {
      expect(await imag.getByLabel(`Entscheidung zu TOP ${n}`, { exact: true }).inputValue()).toBe('CONFIRM');
    }
    await imag.getByRole('button', { name: 'Weiter zu den Angaben' }).click();
    await imag.waitForURL(/\/beschluesse$/);
    const groups = imag.getByRole('group', { name: /^TOP \d+:/ });
    expect(await groups.count()).toBe(17);
    for (let n = 1; n <= 17; n++) {
      const group = imag.getByRole('group', { name: new RegExp(`^TOP ${n}:`) });
      expect(await group.textContent()).toContain('Entscheidung: Bestätigen');
      await group.getByLabel('Priorität (optional)').fill(String(n));
    }
    await expectAccessible(imag);
    await imag.getByRole('button', { name: 'Beschlüsse speichern' }).click();
    await imag.waitForURL(/meldung=beschlossen/);
    for (const id of pending) expect(await stateOf(id)).toBe('confirmed');
    const view = await getSession(env.deps, office, session.id);
    expect(view.agenda.map((a) => (a.decision?.payload as { priority?: number } | undefined)?.priority)).toEqual(
      Array.from({ length: 17 }, (_, i) => i + 1),
    );
    expect(await mainText(imag)).toContain('17 Punkte, davon 17 entschieden');
    await expectAccessible(imag);
  });

  it('records a decision by keyboard alone, through the error summary', async () => {
    const id = await inQualification('Tastatur-Projekt');
    const office = await env.actorOf(env.people.wrl);
    const session = await createSession(env.deps, office, {
      kind: 'werkstatt',
      scopeValue: '4',
      date: inDays(30).toISOString().slice(0, 10),
      title: 'Werkstatt 4 Tastatur',
    });
    await setAgenda(env.deps, office, session.id, [id]);
    await wrl.goto(`${env.url}/sitzungen/${session.id}`);
    const choice = wrl.getByLabel('Entscheidung zu TOP 1', { exact: true });
    await tabTo(wrl, /Heute nicht entscheiden/);
    await wrl.keyboard.press('ArrowDown');
    expect(await choice.inputValue()).toBe('VOTE:positive');
    await wrl.keyboard.press('ArrowDown');
    await wrl.keyboard.press('ArrowDown');
    expect(await choice.inputValue()).toBe('VOTE:negative');
    await tabTo(wrl, /Weiter zu den Angaben/);
    await wrl.keyboard.press('Enter');
    await wrl.waitForURL(/\/beschluesse$/);
    await tabTo(wrl, /Beschlüsse speichern/);
    await wrl.keyboard.press('Enter');
    await wrl.waitForSelector('.error-summary');
    expect(await wrl.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await wrl.keyboard.press('Tab');
    expect(await wrl.evaluate(() => document.activeElement?.textContent)).toMatch(/^TOP 1: Begründung/);
    await wrl.keyboard.press('Enter');
    expect(await wrl.evaluate(() => document.activeElement?.id)).toBe('top1-vote-reason');
    await wrl.keyboard.type('Kein Strukturbezug erkennbar.');
    await tabTo(wrl, /Beschlüsse speichern/);
    await wrl.keyboard.press('Enter');
    await wrl.waitForURL(/meldung=beschlossen/);
    expect(await stateOf(id)).toBe('rejected');
  });

  it('accepts an intake batch into one Werkstatt in one form, errors first, passing axe', async () => {
    const intake: string[] = [];
    for (const title of ['Eingang Nord', 'Eingang Süd']) {
      const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title }));
      await env.send(env.people.applicant, id, 'SUBMIT');
      intake.push(id);
    }
    await wrl.goto(`${env.url}/sitzungen`);
    await wrl.getByRole('link', { name: 'Eingangsprüfung: mehrere Steckbriefe annehmen' }).click();
    await expectAccessible(wrl);
    await wrl.getByLabel(/^Eingang Nord/).check();
    await wrl.getByLabel(/^Eingang Süd/).check();
    await wrl.getByRole('button', { name: /^Ausgewählte:/ }).click();
    expect(await wrl.title()).toMatch(/^Fehler: /);
    await expectAccessible(wrl);
    await wrl.getByLabel('Werkstatt', { exact: true }).selectOption('2');
    await wrl.getByRole('button', { name: /^Ausgewählte:/ }).click();
    expect(await wrl.getByText('Gespeichert', { exact: true }).count()).toBe(2);
    await expectAccessible(wrl);
    for (const id of intake) expect(await stateOf(id)).toBe('qualification');
  });

  it('plans, builds the agenda, decides and publishes with JavaScript off, and accepts an intake batch', async () => {
    noJs = await signedIn(env.people.wrl, { javaScript: false });
    const accepted = await env.createProfileFor(
      env.people.applicant,
      exampleProfile({ title: 'Eingang ohne JavaScript' }),
    );
    await env.send(env.people.applicant, accepted, 'SUBMIT');
    await noJs.goto(`${env.url}/sitzungen/eingang`);
    await noJs.getByLabel(/^Eingang ohne JavaScript/).check();
    await noJs.getByLabel('Werkstatt', { exact: true }).selectOption('4');
    await noJs.getByRole('button', { name: /^Ausgewählte:/ }).click();
    expect(await stateOf(accepted)).toBe('qualification');

    const waiting = await inQualification('Ohne Skript');
    await noJs.goto(`${env.url}/sitzungen/neu`);
    const date = inDays(45);
    await noJs.getByLabel('Werkstattsitzung').check();
    await noJs.getByLabel('Werkstatt', { exact: true }).selectOption('4');
    await noJs.getByLabel('Tag', { exact: true }).fill(String(date.getUTCDate()));
    await noJs.getByLabel('Monat', { exact: true }).fill(String(date.getUTCMonth() + 1));
    await noJs.getByLabel('Jahr', { exact: true }).fill(String(date.getUTCFullYear()));
    await noJs.getByRole('button', { name: 'Sitzung anlegen' }).click();
    await noJs.waitForURL(/meldung=angelegt/);
    await noJs.getByRole('link', { name: /^Tagesordnung bearbeiten/ }).click();
    await noJs.getByLabel('Ohne Skript auswählen', { exact: true }).check();
    await noJs.getByRole('button', { name: 'Ausgewählte auf die Tagesordnung setzen' }).click();
    await noJs.waitForURL(/meldung=tagesordnung/);
    await noJs
      .getByLabel('Entscheidung zu TOP 1', { exact: true })
      .selectOption({ label: 'Votum abgeben: Positives Votum' });
    await noJs.getByRole('button', { name: 'Weiter zu den Angaben' }).click();
    await noJs.waitForURL(/\/beschluesse$/);
    const top1 = noJs.getByRole('group', { name: /^TOP 1:/ });
    await top1.getByLabel('Federführendes Ressort').selectOption('MWAE');
    await noJs.getByRole('button', { name: 'Beschlüsse speichern' }).click();
    await noJs.waitForURL(/meldung=beschlossen/);
    expect(await stateOf(waiting)).toBe('ministry_review');
    await noJs.getByRole('link', { name: 'Protokoll ansehen' }).click();
    await noJs.getByRole('link', { name: 'Protokoll veröffentlichen' }).click();
    await noJs.getByRole('button', { name: 'Ja, Protokoll veröffentlichen' }).click();
    await noJs.waitForURL(/meldung=veroeffentlicht/);
    expect(await mainText(noJs)).toContain('Das Ergebnisprotokoll ist jetzt veröffentlicht.');
  });
});
