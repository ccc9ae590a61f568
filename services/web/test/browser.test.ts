import AxeBuilder from '@axe-core/playwright';
import { createSession, publishMinutes } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TIMEOUT_WARNING_MS } from '../src/components.js';
import { IDLE_TIMEOUT_MS } from '../src/sessions.js';
import { type Person, pollUntil, startWebTestEnv, type WebTestEnv } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Journeys of several pages, on two cores shared with the rest of the suite.
vi.setConfig({ testTimeout: 60_000 });
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let env: WebTestEnv;
let browser: Browser;

/** axe on the page as it is now: every violation fails the test, named with its nodes. */
async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Sign in as a person does: e-mail address, then the code from the mail. */
async function signIn(page: Page, person: Person, { axe = true } = {}) {
  const seen = env.signinMailCount(person.email);
  await page.goto(`${env.url}/anmelden`);
  if (axe) await expectAccessible(page);
  await page.getByLabel('E-Mail-Adresse').fill(person.email);
  await page.getByRole('button', { name: 'Code anfordern' }).click();
  await page.waitForURL(`${env.url}/anmelden/code`);
  expect(await page.locator('h1').textContent()).toBe('Code eingeben');
  if (axe) await expectAccessible(page);
  const { code } = await env.signinMail(person.email, seen);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${env.url}/meine-steckbriefe`);
}

beforeAll(async () => {
  env = await startWebTestEnv('browser');
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
  await browser?.close();
  await env?.stop();
});

describe('in the browser', () => {
  let context: BrowserContext;
  let page: Page;
  /** Console errors, CSP violations among them: a page that breaks its own policy shows here. */
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    context = await browser.newContext({ locale: 'de-DE' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) consoleErrors.push(`${r.status()} ${r.url()}`);
    });
  });
  afterAll(async () => {
    await context?.close();
  });

  it('an applicant signs in with the mailed code and sees the organisation’s profiles', async () => {
    const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title: 'Trampolinhalle' }));
    await signIn(page, env.people.applicant);
    expect(await page.title()).toBe('Meine Steckbriefe – Steckbrief');
    expect(await page.getByRole('link', { name: 'Trampolinhalle' }).getAttribute('href')).toBe(`/profile/${id}`);
    expect(await page.getByRole('banner').textContent()).toContain('Person applicant');
    await expectAccessible(page);
  });

  it('loads KERN styles and fonts from our own origin without breaking the CSP', async () => {
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Fira Sans');
    expect(await page.evaluate(() => document.fonts.check('16px "Fira Sans"'))).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('opens the profile page with status, data and timeline', async () => {
    await page.getByRole('link', { name: 'Trampolinhalle' }).click();
    expect(await page.title()).toBe('Trampolinhalle – Steckbrief');
    expect(await page.getByRole('heading', { name: 'Status' }).isVisible()).toBe(true);
    expect(await page.locator('main').textContent()).toContain('Steckbrief angelegt');
    await expectAccessible(page);
  });

  it('writes sections by keyboard: the error summary takes focus and its link moves focus to the field', async () => {
    await page.goto(`${env.url}/meine-steckbriefe`);
    await page.getByRole('button', { name: 'Neuen Steckbrief anlegen' }).click();
    await page.waitForURL(/\/abschnitte$/);
    expect(await page.title()).toBe('Steckbrief bearbeiten – Steckbrief');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Projekt', exact: true }).click();
    await expectAccessible(page);
    await page.getByLabel('Titel').focus();
    await page.keyboard.type('Trampolinhalle Cottbus');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Neubau einer Trampolinhalle für Vereine, Schulen und Familien in Cottbus.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/abschnitte$/);
    expect(await page.getByRole('main').textContent()).toContain('Sie haben 1 von 7 Abschnitten erledigt.');

    await page.getByRole('link', { name: 'Kosten und Förderung' }).click();
    await page.getByLabel('Gesamtkosten').focus();
    await page.keyboard.type('zwölf Millionen');
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').waitFor();
    expect(await page.title()).toBe('Fehler: Kosten und Förderung – Steckbrief');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await expectAccessible(page);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Gesamtkosten (EUR): muss ein Betrag in Euro sein.',
    );
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('totalCostEur');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('1.250.000');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/abschnitte$/);
    expect(await page.getByRole('main').textContent()).toContain('In Bearbeitung');

    await page.getByRole('link', { name: 'Angaben prüfen und einreichen' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Steckbrief einreichen' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.title()).toBe('Fehler: Angaben prüfen – Steckbrief');
    await expectAccessible(page);
  });

  it('shows the error summary and focuses it when the e-mail address is malformed', async () => {
    const visitor = await browser.newContext({ locale: 'de-DE' });
    const p = await visitor.newPage();
    await p.goto(`${env.url}/anmelden`);
    await p.getByLabel('E-Mail-Adresse').fill('keine-adresse');
    await p.getByRole('button', { name: 'Code anfordern' }).click();
    expect(await p.title()).toBe('Fehler: Anmelden – Steckbrief');
    expect(await p.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await expectAccessible(p);
    await p.getByRole('link', { name: /im richtigen Format/ }).click();
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('email');
    await visitor.close();
  });

  it('shows the timeline of a confirmed profile, passing axe', async () => {
    const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title: 'Gesundheitslandhaus' }));
    await env.confirm(id);
    await page.goto(`${env.url}/profile/${id}`);
    expect(await page.getByRole('main').textContent()).toContain('Neuer Status: Von der IMAG bestätigt');
    await expectAccessible(page);
  });

  it('the public Werkstatt pages pass axe, with and without confirmed projects and published minutes', async () => {
    await page.goto(`${env.url}/werkstaetten/3`);
    expect(await page.getByRole('main').textContent()).toContain('noch kein Projekt bestätigt');
    await expectAccessible(page);
    const wrl = await env.actorOf(env.people.wrl);
    const session = await createSession(env.deps, wrl, {
      kind: 'werkstatt',
      scopeValue: '4',
      date: '2026-01-14',
      title: 'Sitzung der Werkstatt 4 im Januar',
    });
    await publishMinutes(env.deps, wrl, session.id);
    await page.goto(`${env.url}/werkstaetten`);
    await expectAccessible(page);
    await page.getByRole('link', { name: /Werkstatt 4/ }).click();
    expect(await page.title()).toBe('Werkstatt 4 – Steckbrief');
    expect(await page.getByRole('table').textContent()).toContain('Gesundheitslandhaus');
    expect(await page.getByRole('link', { name: 'Protokoll vom 14. Januar 2026 als PDF' }).count()).toBe(1);
    await expectAccessible(page);
    for (const path of ['/barrierefreiheit', '/datenschutz', '/impressum']) {
      await page.goto(`${env.url}${path}`);
      await expectAccessible(page);
    }
  });

  it('shows each page at 320 px width without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    const id = await env.createProfileFor(env.people.applicant);
    for (const path of [
      '/meine-steckbriefe',
      `/profile/${id}`,
      `/profile/${id}/abschnitte`,
      `/profile/${id}/abschnitt/zeitplan`,
      `/profile/${id}/pruefen`,
      `/profile/${id}/anlagen`,
      `/profile/${id}/zurueckziehen`,
      '/werkstaetten',
      '/werkstaetten/4',
      '/barrierefreiheit',
    ]) {
      await page.goto(`${env.url}${path}`);
      expect(page.url()).toBe(`${env.url}${path}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('warns before the idle timeout and "Angemeldet bleiben" keeps the session', async () => {
    const p = await context.newPage();
    await p.clock.install();
    await p.goto(`${env.url}/meine-steckbriefe`);
    await p.clock.fastForward(IDLE_TIMEOUT_MS - TIMEOUT_WARNING_MS + 1_000);
    expect(await p.getByRole('dialog').isVisible()).toBe(true);
    expect(await p.getByRole('dialog').textContent()).toContain('Sie werden bald abgemeldet');
    await expectAccessible(p);
    env.clock.advance(IDLE_TIMEOUT_MS - TIMEOUT_WARNING_MS + 1_000);
    await p.getByRole('button', { name: 'Angemeldet bleiben' }).click();
    await p.getByRole('dialog').waitFor({ state: 'hidden' });
    env.clock.advance(TIMEOUT_WARNING_MS + 60_000);
    await p.reload();
    expect(await p.title()).toBe('Meine Steckbriefe – Steckbrief');
    await p.close();
  });

  it('signs out when the idle time is up and says why', async () => {
    const other = await browser.newContext({ locale: 'de-DE' });
    const p = await other.newPage();
    p.setDefaultTimeout(15_000);
    await p.clock.install();
    const person = await env.addPerson('idle', [{ role: 'applicant' }], 'Gemeinde Burg');
    await signIn(p, person, { axe: false });
    await p.clock.fastForward(IDLE_TIMEOUT_MS + 1_000);
    await p.waitForURL(`${env.url}/anmelden?abgelaufen=1`);
    expect(await p.getByRole('status').textContent()).toContain('aus Sicherheitsgründen abgemeldet');
    await expectAccessible(p);
    await p.goto(`${env.url}/meine-steckbriefe`);
    expect(p.url()).toContain('/anmelden?weiter=');
    await other.close();
  });

  it('signs out with the header button', async () => {
    await page.goto(`${env.url}/meine-steckbriefe`);
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(`${env.url}/anmelden?abgemeldet=1`);
    expect(await page.getByRole('status').textContent()).toContain('Sie sind abgemeldet.');
    await expectAccessible(page);
  });
});

describe('with JavaScript disabled', () => {
  it('an applicant signs in with the mailed code, and with the mailed link after a confirming press', async () => {
    const context = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // axe needs script in the page: this journey checks behaviour only (the pages are the same).
    await signIn(page, env.people.colleague, { axe: false });
    expect(await page.title()).toBe('Meine Steckbriefe – Steckbrief');

    const fresh = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
    const linkPage = await fresh.newPage();
    linkPage.setDefaultTimeout(15_000);
    const seen = env.signinMailCount(env.people.colleague.email);
    await linkPage.goto(`${env.url}/anmelden`);
    await linkPage.getByLabel('E-Mail-Adresse').fill(env.people.colleague.email);
    await linkPage.getByRole('button', { name: 'Code anfordern' }).click();
    await linkPage.waitForURL(`${env.url}/anmelden/code`);
    const { link } = await env.signinMail(env.people.colleague.email, seen);
    await linkPage.goto(link);
    expect(await linkPage.title()).toBe('Anmeldung bestätigen – Steckbrief');
    await linkPage.getByRole('button', { name: 'Jetzt anmelden' }).click();
    await linkPage.waitForURL(`${env.url}/meine-steckbriefe`);
    expect(await linkPage.getByRole('banner').textContent()).toContain('Person colleague');
    await context.close();
    await fresh.close();
  });
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/**
 * The applicant's whole journey, as issue 10 lists it: sign in with the mailed code, write the
 * Steckbrief over two visits, get an error and fix it, upload (a wrong file first) and download an
 * attachment, submit, read the confirmation, follow the status mail's link to the profile page, answer
 * a revision request that names a section, and withdraw. With `axe`, every page state is checked.
 */
async function applicantJourney(page: Page, person: Person, { axe }: { axe: boolean }) {
  const check = async () => {
    if (axe) await expectAccessible(page);
  };
  const main = () => page.getByRole('main').textContent();
  const next = async () => {
    await page.getByRole('button', { name: 'Weiter' }).click();
    await page.waitForURL(/\/abschnitte$/);
  };
  const statusOf = (section: string) => page.locator(`#abschnitt-${section}-status`).textContent();

  // First visit: sign in, start a Steckbrief, write one section, sign out.
  await signIn(page, person, { axe });
  await check();
  await page.getByRole('button', { name: 'Neuen Steckbrief anlegen' }).click();
  await page.waitForURL(/\/abschnitte$/);
  const id = /\/profile\/([0-9a-f-]{36})\//.exec(page.url())?.[1] as string;
  expect(await main()).toContain('Sie haben 0 von 7 Abschnitten erledigt.');
  await check();
  await page.getByRole('link', { name: 'Projekt', exact: true }).click();
  await check();
  await page.getByLabel('Titel').fill('Sportpark Schwarze Pumpe');
  await page
    .getByLabel('Kurzbeschreibung')
    .fill('Ein Sport- und Freizeitpark mit BMX-Strecke für Vereine, Schulen und Familien in Spremberg.');
  await next();
  expect(await statusOf('projekt')).toBe('Erledigt');
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.waitForURL(`${env.url}/anmelden?abgemeldet=1`);

  // Second visit, with a new code: the list and the task list show where the applicant left off.
  await signIn(page, person, { axe });
  expect(env.signinMailCount(person.email)).toBe(2);
  await check();
  await page.getByRole('link', { name: 'Sportpark Schwarze Pumpe' }).click();
  await page.waitForURL(`${env.url}/profile/${id}`);
  await check();
  await page.getByRole('link', { name: 'Steckbrief bearbeiten' }).click();
  expect(await main()).toContain('Sie haben 1 von 7 Abschnitten erledigt.');
  expect(await statusOf('projekt')).toBe('Erledigt');
  expect(await statusOf('zeitplan')).toBe('Noch nicht begonnen');

  await page.getByRole('link', { name: 'Projektträger und Kontakt' }).click();
  await page.getByLabel('Name des Projektträgers').fill('Stadt Spremberg');
  await page.getByLabel('Gemeinde oder Stadt').check();
  await page.getByLabel('Name der Ansprechperson').fill('Erika Muster');
  await page.getByLabel('E-Mail der Ansprechperson').fill('erika.muster@example.org');
  await page.getByLabel('Telefon der Ansprechperson').fill('+49 3563 123');
  await next();

  await page.getByRole('link', { name: 'Standort und Werkstatt' }).click();
  await page.getByLabel('Gemeinde', { exact: true }).fill('Spremberg');
  await page.getByLabel('Landkreis Spree-Neiße').check();
  await page.getByLabel(/^Werkstatt 4:/).check();
  await page.getByLabel('Daseinsvorsorge', { exact: true }).check();
  await next();

  // An error, then the fix.
  await page.getByRole('link', { name: 'Kosten und Förderung' }).click();
  await page.getByLabel('Städtebau, Stadt- und Regionalentwicklung').check();
  await page.getByLabel('Gesamtkosten').fill('zwölf Millionen');
  await page.getByLabel('Beantragte Förderung').fill('1.000.000');
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.locator('.error-summary').waitFor();
  expect(await page.title()).toBe('Fehler: Kosten und Förderung – Steckbrief');
  expect(await page.locator('.error-summary').textContent()).toContain(
    'Gesamtkosten (EUR): muss ein Betrag in Euro sein.',
  );
  expect(await page.getByLabel('Beantragte Förderung').inputValue()).toBe('1.000.000');
  await check();
  await page.getByLabel('Gesamtkosten').fill('1.250.000');
  await next();
  expect(await statusOf('kosten-und-foerderung')).toBe('Erledigt');

  await page.getByRole('link', { name: 'Zeitplan' }).click();
  for (const [field, [d, m, y]] of [
    ['startDate', ['1', '3', '2027']],
    ['endDate', ['30', '6', '2030']],
  ] as const) {
    await page.locator(`#${field}`).fill(d);
    await page.locator(`#${field}-monat`).fill(m);
    await page.locator(`#${field}-jahr`).fill(y);
  }
  await page.getByLabel('Nein', { exact: true }).check();
  await next();

  await page.getByRole('link', { name: /^Wirkung/ }).click();
  await page.getByLabel('Neue Arbeitsplätze').fill('4');
  await page.getByLabel('Gesicherte Arbeitsplätze').fill('10');
  await page.getByLabel('Ausbildungsplätze').fill('1');
  await page
    .getByLabel('Beitrag zum Strukturwandel')
    .fill('Stärkt Lebensqualität und Vielfalt im ländlichen Raum und hält Fachkräfte in der Region.');
  await next();

  // An attachment: a file that only says it is a PDF is refused, a real one is stored and downloads.
  await page.getByRole('link', { name: 'Anlagen' }).click();
  await check();
  await page.getByLabel('Lageplan').check();
  await page.getByLabel('Datei').setInputFiles({
    name: 'plan.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('<html><body>kein PDF</body></html>'),
  });
  await page.getByRole('button', { name: 'Hochladen' }).click();
  await page.locator('.error-summary').waitFor();
  expect(await page.title()).toBe('Fehler: Anlagen – Steckbrief');
  await check();
  await page.getByLabel('Lageplan').check();
  await page.getByLabel('Datei').setInputFiles({ name: 'Lageplan.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'Hochladen' }).click();
  await page.getByRole('link', { name: 'Lageplan.pdf' }).waitFor();
  await check();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Lageplan.pdf' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('Lageplan.pdf');
  await page.getByRole('link', { name: 'Zurück zur Übersicht' }).click();
  expect(await main()).toContain('Sie haben 7 von 7 Abschnitten erledigt.');
  await check();

  // Check answers, submit, confirmation.
  await page.getByRole('link', { name: 'Angaben prüfen und einreichen' }).click();
  expect(await main()).toMatch(/Gesamtkosten1\.250\.000\s€/);
  await check();
  await page.getByRole('button', { name: 'Steckbrief einreichen' }).click();
  await page.waitForURL(`${env.url}/profile/${id}/eingereicht`);
  expect(await page.title()).toBe('Steckbrief eingereicht – Steckbrief');
  await check();

  // The status mail's link lands on the profile page.
  const mail = await pollUntil(
    () => env.sink.messages.find((m) => m.to === person.email && m.text.includes(`/profile/${id}`)),
    20_000,
    'the status mail',
  );
  expect(mail.subject).toContain('Eingangsprüfung');
  await page.goto(/(http\S+\/profile\/[0-9a-f-]{36})/.exec(mail.text)?.[1] as string);
  expect(page.url()).toBe(`${env.url}/profile/${id}`);
  expect(await page.title()).toBe('Sportpark Schwarze Pumpe – Steckbrief');
  expect(await main()).toContain('Eingangsprüfung');
  await check();

  // The WRL office asks for a revision of the schedule; the applicant answers it.
  await env.send(env.people.wrl, id, 'REQUEST_REVISION', {
    reason: 'Bitte den Zeitplan mit dem Bauantrag abstimmen.',
    sections: ['zeitplan'],
  });
  await page.reload();
  expect(await main()).toContain('Bitte den Zeitplan mit dem Bauantrag abstimmen.');
  await check();
  await page.getByRole('link', { name: 'Steckbrief bearbeiten' }).click();
  expect(await statusOf('zeitplan')).toContain('Überarbeitung erbeten');
  expect(await statusOf('projekt')).not.toContain('Überarbeitung erbeten');
  await check();
  await page.getByRole('link', { name: 'Zeitplan' }).click();
  await page.locator('#endDate-jahr').fill('2031');
  await next();
  await page.getByRole('link', { name: 'Angaben prüfen und einreichen' }).click();
  expect(await main()).toContain('Bitte den Zeitplan mit dem Bauantrag abstimmen.');
  await check();
  await page.getByRole('button', { name: 'Überarbeitung einreichen' }).click();
  await page.waitForURL(`${env.url}/profile/${id}/eingereicht`);
  expect(await main()).toContain('Status: Eingangsprüfung');

  // Withdrawal, after confirming on its own page.
  await page.goto(`${env.url}/profile/${id}`);
  expect(await main()).toContain('30. Juni 2031');
  await page.getByRole('link', { name: 'Steckbrief zurückziehen' }).click();
  expect(await page.title()).toBe('Steckbrief zurückziehen – Steckbrief');
  await check();
  await page.getByRole('button', { name: 'Steckbrief zurückziehen' }).click();
  await page.waitForURL(`${env.url}/profile/${id}`);
  expect(await main()).toContain('Zurückgezogen');
  await check();
}

describe('the applicant’s journey', () => {
  // Some forty pages, twice with axe on each state, on two cores shared with the rest of the suite.
  const JOURNEY_MS = 240_000;

  it(
    'runs from the mailed code to withdrawal, every page state passing axe',
    async () => {
      const context = await browser.newContext({ locale: 'de-DE' });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const person = await env.addPerson('journey', [{ role: 'applicant' }], 'Stadt Spremberg');
      await applicantJourney(page, person, { axe: true });
      await context.close();
    },
    JOURNEY_MS,
  );

  it(
    'runs from the mailed code to withdrawal with JavaScript disabled',
    async () => {
      const context = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const person = await env.addPerson('journey-nojs', [{ role: 'applicant' }], 'Stadt Spremberg ohne Skript');
      // axe runs as a script in the page: this run checks behaviour only (the pages are the same).
      await applicantJourney(page, person, { axe: false });
      await context.close();
    },
    JOURNEY_MS,
  );
});
