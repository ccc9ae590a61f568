import AxeBuilder from '@axe-core/playwright';
import { createProfile, createSession, getProfile, publishMinutes } from '@steckbrief/engine';
import { exampleProposal, SCORING } from '@steckbrief/workflow-sachsen-strukturentwicklung';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Person, startWebTestEnv, type WebTestEnv } from './helpers.js';

/**
 * The Saxon pipeline in the browser: the web pages take its question pages, task forms and public pages
 * from the definition's presentation and payload schemas, not from Brandenburg code.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
vi.setConfig({ testTimeout: 90_000 });
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const WORKFLOW = 'sachsen-strukturentwicklung';

let env: WebTestEnv;
let browser: Browser;
let people: Record<'sponsor' | 'landkreis' | 'vorpruefstelle' | 'sas' | 'imag' | 'rba' | 'bund', Person>;

async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Sign in as a person does: e-mail address, then the code from the mail. */
async function signIn(page: Page, person: Person) {
  const seen = env.signinMailCount(person.email);
  await page.goto(`${env.url}/anmelden`);
  await page.getByLabel('E-Mail-Adresse').fill(person.email);
  await page.getByRole('button', { name: 'Code anfordern' }).click();
  await page.waitForURL(`${env.url}/anmelden/code`);
  const { code } = await env.signinMail(person.email, seen);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${env.url}/meine-steckbriefe`);
}

/** What one question page asks, as a person answers it: text typed, a radio chosen, a date in three fields. */
type Answer =
  | { text: string; value: string }
  | { group: string; choose: string }
  | { date: string; day: string; month: string; year: string };

const SECTIONS: Array<{ title: string; answers: Answer[] }> = [
  {
    title: 'Vorhaben',
    answers: [
      { text: 'Titel', value: 'Gründerzentrum Weißwasser' },
      {
        text: 'Kurzbeschreibung',
        value: 'Umbau eines leerstehenden Werksgebäudes zu einem Gründer- und Innovationszentrum mit Werkstätten.',
      },
    ],
  },
  {
    title: 'Träger und Kontakt',
    answers: [
      { text: 'Name des Trägers', value: 'Stadt Weißwasser/O.L.' },
      { group: 'Art des Trägers', choose: 'Gemeinde oder Stadt' },
      { text: 'Name der Ansprechperson', value: 'Erika Muster' },
      { text: 'E-Mail der Ansprechperson', value: 'erika.muster@example.org' },
    ],
  },
  {
    title: 'Standort und Revier',
    answers: [
      { text: 'Gemeinde', value: 'Weißwasser/O.L.' },
      { group: 'Landkreis oder Stadt Leipzig', choose: 'Landkreis Görlitz' },
      { group: 'Revier', choose: 'Lausitzer Revier' },
    ],
  },
  {
    title: 'Ziel und Handlungsempfehlung',
    answers: [
      { text: 'Ziel des Handlungsprogramms', value: 'Ziel 1: Wirtschaft stärken und diversifizieren' },
      { text: 'Handlungsempfehlung', value: '1.2 Gründungen und Ansiedlungen unterstützen' },
    ],
  },
  {
    title: 'Fördervoraussetzungen',
    answers: [
      { group: 'Eigentum oder Nutzungsrechte', choose: 'Eigentum des Trägers' },
      { group: 'Liegt das Vorhaben außerhalb von Überschwemmungsgebieten?', choose: 'Ja' },
      { group: 'Hat die Maßnahme schon begonnen?', choose: 'Nein' },
    ],
  },
  {
    title: 'Kosten und Zeitplan',
    answers: [
      { text: 'Gesamtkosten', value: '8.400.000' },
      { text: 'Beantragte Förderung', value: '7.560.000' },
      { date: 'startDate', day: '1', month: '4', year: '2027' },
      // Six years: the Saxon rule (at most five) is checked when the proposal is submitted.
      { date: 'endDate', day: '31', month: '3', year: '2033' },
    ],
  },
  {
    title: 'Wirkung',
    answers: [
      {
        text: 'Wirkung auf Beschäftigung und Diversifizierung',
        value: 'Schafft Arbeitsplätze in jungen Unternehmen und verbreitert die Wirtschaftsstruktur.',
      },
    ],
  },
];

/** Answer one question page by keyboard: focus, type or press Space, then "Weiter" with Enter. */
async function answerByKeyboard(page: Page, answers: Answer[]) {
  for (const answer of answers) {
    if ('text' in answer) {
      await page.getByLabel(answer.text, { exact: true }).focus();
      await page.keyboard.type(answer.value);
    } else if ('group' in answer) {
      await page
        .getByRole('group', { name: answer.group, exact: true })
        .getByRole('radio', { name: answer.choose, exact: true })
        .focus();
      await page.keyboard.press('Space');
    } else {
      await page.locator(`#${answer.date}`).focus();
      await page.keyboard.type(answer.day);
      await page.keyboard.press('Tab');
      await page.keyboard.type(answer.month);
      await page.keyboard.press('Tab');
      await page.keyboard.type(answer.year);
    }
  }
  await page.getByRole('button', { name: 'Weiter' }).focus();
  await page.keyboard.press('Enter');
}

/** Answer one question page with the mouse and fill (works without JavaScript as well). */
async function answerByForm(page: Page, answers: Answer[]) {
  for (const answer of answers) {
    if ('text' in answer) await page.getByLabel(answer.text, { exact: true }).fill(answer.value);
    else if ('group' in answer)
      await page
        .getByRole('group', { name: answer.group, exact: true })
        .getByRole('radio', { name: answer.choose, exact: true })
        .check();
    else {
      await page.locator(`#${answer.date}`).fill(answer.day);
      await page.locator(`#${answer.date}-monat`).fill(answer.month);
      await page.locator(`#${answer.date}-jahr`).fill(answer.year);
    }
  }
  await page.getByRole('button', { name: 'Weiter' }).click();
}

async function launch() {
  return chromium.launch({
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
}

beforeAll(async () => {
  env = await startWebTestEnv('saxony-browser');
  people = {
    sponsor: await env.addPerson('sponsor', [{ role: 'applicant' }], 'Stadt Weißwasser/O.L.'),
    landkreis: await env.addPerson('county', [{ role: 'landkreis', landkreis: 'goerlitz' }], null),
    vorpruefstelle: await env.addPerson('precheck', [{ role: 'vorpruefstelle' }], null),
    sas: await env.addPerson('agency', [{ role: 'sas' }], null),
    imag: await env.addPerson('imag-sx', [{ role: 'imag-sachsen' }], null),
    rba: await env.addPerson('committee', [{ role: 'rba', revier: 'lausitz' }], null),
    bund: await env.addPerson('federal', [{ role: 'bund' }], null),
  };
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** A Saxon proposal of the sponsor's organisation, through the engine. */
async function proposal(title: string): Promise<string> {
  const created = await createProfile(env.deps, await env.actorOf(people.sponsor), {
    workflow: WORKFLOW,
    data: exampleProposal({ title }),
  });
  return created.id;
}

const RATINGS = Object.fromEntries(SCORING.criteria.map((c) => [c.id, 8]));

describe('a Saxon proposal in the browser', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext({ locale: 'de-DE' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await context?.close();
  });

  it('a municipality writes its proposal by keyboard, fixes what the Saxon rules refuse and submits it to the Landkreis', async () => {
    await signIn(page, people.sponsor);
    await page.getByRole('button', { name: 'Neuen Projektvorschlag anlegen' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/abschnitte$/);
    const id = /\/profile\/([^/]+)\/abschnitte$/.exec(page.url())?.[1] as string;
    expect((await getProfile(env.deps, await env.actorOf(people.sponsor), id)).workflow).toBe(WORKFLOW);
    const main = page.getByRole('main');
    for (const title of SECTIONS.map((s) => s.title)) expect(await main.textContent()).toContain(title);
    await expectAccessible(page);

    // A section refused by the draft schema: the Saxon message, in the error summary and on the field.
    await page.getByRole('link', { name: 'Kosten und Zeitplan', exact: true }).click();
    await expectAccessible(page);
    await page.getByLabel('Beantragte Förderung', { exact: true }).focus();
    await page.keyboard.type('sieben Millionen');
    await page.getByRole('button', { name: 'Weiter' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').waitFor();
    expect(await page.title()).toBe('Fehler: Kosten und Zeitplan – Steckbrief');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await page.locator('.error-summary').textContent()).toContain(
      'Beantragte Förderung (EUR): muss ein Betrag in Euro sein.',
    );
    await expectAccessible(page);

    for (const section of SECTIONS) {
      await page.goto(`${env.url}/profile/${id}/abschnitte`);
      await page.getByRole('link', { name: section.title, exact: true }).click();
      await answerByKeyboard(page, section.answers);
      await page.waitForURL(/\/abschnitte$/);
    }
    // The six-year duration keeps its section in progress: the complete schema's rule, shown on the task list.
    expect(await main.textContent()).toContain('Sie haben 6 von 8 Abschnitten erledigt.');
    expect(await page.locator('#abschnitt-kosten-und-zeitplan-status').textContent()).toBe('In Bearbeitung');

    // Check answers: the Saxon fields with their German names, then the duration rule on submission.
    await page.getByRole('link', { name: 'Angaben prüfen und einreichen' }).click();
    const answers = await main.textContent();
    for (const shown of ['Lausitzer Revier', 'Landkreis Görlitz', 'Eigentum des Trägers', 'Ziel 1: Wirtschaft']) {
      expect(answers).toContain(shown);
    }
    expect(answers).toContain('Ihren Landkreis oder die Stadt Leipzig');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Projektvorschlag einreichen' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.error-summary').waitFor();
    expect(await page.title()).toBe('Fehler: Angaben prüfen – Steckbrief');
    expect(await page.locator('.error-summary').textContent()).toContain(
      'Ende: die Laufzeit beträgt höchstens 5 Jahre.',
    );
    await expectAccessible(page);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/profile/${id}/abschnitt/kosten-und-zeitplan#endDate$`));
    await page.locator('#endDate-jahr').fill('');
    await page.locator('#endDate-jahr').focus();
    await page.keyboard.type('2030');
    await page.getByRole('button', { name: 'Weiter' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/abschnitte$/);

    await page.getByRole('link', { name: 'Angaben prüfen und einreichen' }).click();
    await page.getByRole('button', { name: 'Projektvorschlag einreichen' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/profile/${id}/eingereicht$`));
    expect(await page.title()).toBe('Projektvorschlag eingereicht – Steckbrief');
    expect(await main.textContent()).toContain('Status: Beim Landkreis');
    expect(await main.textContent()).toContain('Der Landkreis (oder die Stadt Leipzig) prüft den Vorschlag');
    await expectAccessible(page);
  });

  it('the Landkreis forwards the proposal with the form built from its payload schema', async () => {
    const id = await proposal('Radweg Bad Muskau');
    await env.send(people.sponsor, id, 'SUBMIT');
    const reviewer = await browser.newContext({ locale: 'de-DE' });
    const p = await reviewer.newPage();
    await signIn(p, people.landkreis);
    await p.goto(`${env.url}/aufgaben`);
    await p.getByRole('link', { name: 'Radweg Bad Muskau' }).click();
    expect(await p.getByRole('heading', { name: 'An die Vorprüfstelle weiterleiten' }).count()).toBe(1);
    expect(await p.getByRole('main').textContent()).toContain('Lausitzer Revier');
    await expectAccessible(p);
    await p.getByLabel('Anmerkung (optional)').fill('Vollständig, bitte vorprüfen.');
    await p.getByRole('button', { name: 'An die Vorprüfstelle weiterleiten' }).click();
    await p.waitForURL(/\/aufgaben/);
    expect((await getProfile(env.deps, await env.actorOf(people.sas), id)).state).toBe('vorpruefung');
    await reviewer.close();
  });

  it('the Vorprüfstelle asks for a revision with a reason, and the sponsor reads it above the question pages', async () => {
    const id = await proposal('Bürgerhaus Boxberg');
    await env.send(people.sponsor, id, 'SUBMIT');
    await env.send(people.landkreis, id, 'FORWARD');
    const reviewer = await browser.newContext({ locale: 'de-DE' });
    const p = await reviewer.newPage();
    await signIn(p, people.vorpruefstelle);
    await p.goto(`${env.url}/aufgaben`);
    await p.getByRole('link', { name: 'Bürgerhaus Boxberg' }).click();
    for (const heading of ['Vorprüfung abschließen', 'Überarbeitung anfordern', 'Ablehnen']) {
      expect(await p.getByRole('heading', { name: heading, exact: true }).count()).toBe(1);
    }
    await expectAccessible(p);
    const form = p.getByRole('region', { name: 'Überarbeitung anfordern' });
    await form.getByRole('button', { name: 'Überarbeitung anfordern' }).click();
    await p.locator('.error-summary').waitFor();
    expect(await p.locator('.error-summary').textContent()).toContain(
      'Begründung: Bitte geben Sie mindestens 3 Zeichen ein.',
    );
    await expectAccessible(p);
    await form.getByLabel('Begründung').fill('Bitte die Genehmigungslage für den Denkmalschutz darlegen.');
    await form.getByRole('button', { name: 'Überarbeitung anfordern' }).click();
    await p.waitForURL(/\/aufgaben/);
    expect((await getProfile(env.deps, await env.actorOf(people.sponsor), id)).state).toBe('revision');
    await reviewer.close();

    const own = await browser.newContext({ locale: 'de-DE' });
    const q = await own.newPage();
    await signIn(q, people.sponsor);
    await q.goto(`${env.url}/profile/${id}/abschnitte`);
    expect(await q.getByRole('main').textContent()).toContain(
      'Bitte die Genehmigungslage für den Denkmalschutz darlegen.',
    );
    await expectAccessible(q);
    await q.getByRole('link', { name: 'Angaben prüfen und einreichen' }).click();
    expect(await q.getByRole('button', { name: 'Überarbeitung einreichen' }).count()).toBe(1);
    await own.close();
  });

  it('the SAS scores a proposal with one field per criterion, and a rating out of range is named on its field', async () => {
    const id = await proposal('Innovationshof Hoyerswerda');
    await env.send(people.sponsor, id, 'SUBMIT');
    await env.send(people.landkreis, id, 'FORWARD');
    await env.send(people.vorpruefstelle, id, 'PRECHECK', { findings: 'Keine Bedenken.' });
    const reviewer = await browser.newContext({ locale: 'de-DE' });
    const p = await reviewer.newPage();
    await signIn(p, people.sas);
    await p.goto(`${env.url}/aufgaben`);
    await p.getByRole('link', { name: 'Innovationshof Hoyerswerda' }).click();
    const form = p.getByRole('region', { name: 'Bewerten und empfehlen' });
    for (const criterion of SCORING.criteria) {
      expect(await form.getByLabel(criterion.label.de, { exact: true }).count()).toBe(1);
    }
    expect(await form.textContent()).toContain(`Ganze Zahl von 0 bis ${SCORING.maxPoints}`);
    await expectAccessible(p);

    const [first, ...rest] = SCORING.criteria;
    await form.getByLabel(first?.label.de as string, { exact: true }).fill('11');
    for (const c of rest) await form.getByLabel(c.label.de, { exact: true }).fill('7');
    await form.getByLabel('Empfehlung').fill('Zur Förderung empfohlen.');
    await form.getByRole('button', { name: 'Bewerten und empfehlen' }).click();
    await p.locator('.error-summary').waitFor();
    expect(await p.title()).toMatch(/^Fehler: /);
    const summary = await p.locator('.error-summary').textContent();
    expect(summary).toContain(`${first?.label.de}: Bitte geben Sie höchstens ${SCORING.maxPoints} ein.`);
    expect(await form.getByLabel(first?.label.de as string, { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(p);

    await form.getByLabel(first?.label.de as string, { exact: true }).fill('8');
    await form.getByRole('button', { name: 'Bewerten und empfehlen' }).click();
    await p.waitForURL(/\/aufgaben/);
    const scored = await getProfile(env.deps, await env.actorOf(people.sas), id);
    expect(scored.state).toBe('imag_statement');
    await reviewer.close();
  });

  it('the public Revier pages list confirmed proposals and published RBA minutes, passing axe', async () => {
    const visitor = await browser.newContext({ locale: 'de-DE' });
    const p = await visitor.newPage();
    await p.goto(`${env.url}/reviere/mitteldeutschland`);
    expect(await p.getByRole('main').textContent()).toContain('In diesem Revier ist noch kein Vorhaben bestätigt.');
    expect(await p.getByRole('main').textContent()).toContain(
      'Für dieses Revier ist noch kein Protokoll veröffentlicht.',
    );
    await expectAccessible(p);

    const id = await proposal('Werkstattzentrum Weißwasser');
    await env.send(people.sponsor, id, 'SUBMIT');
    await env.send(people.landkreis, id, 'FORWARD');
    await env.send(people.vorpruefstelle, id, 'PRECHECK');
    await env.send(people.sas, id, 'SCORE', { ratings: RATINGS, recommendation: 'Zur Förderung empfohlen.' });
    await env.send(people.imag, id, 'STATEMENT', { opinion: 'endorse', text: 'Einverstanden.' });
    await env.send(people.rba, id, 'APPROVE');
    await env.send(people.bund, id, 'NO_OBJECTIONS');
    const sas = await env.actorOf(people.sas);
    const session = await createSession(env.deps, sas, {
      workflow: WORKFLOW,
      kind: 'rba',
      scopeValue: 'lausitz',
      date: '2026-02-11',
      title: 'Sitzung des RBA Lausitzer Revier im Februar',
    });
    await publishMinutes(env.deps, sas, session.id);

    await p.goto(`${env.url}/`);
    await p.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Reviere' }).click();
    expect(await p.title()).toBe('Reviere – Steckbrief');
    await expectAccessible(p);
    await p.getByRole('link', { name: /Lausitzer Revier/ }).click();
    expect(await p.title()).toBe('Lausitzer Revier – Steckbrief');
    expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Regionaler Begleitausschuss Lausitzer Revier',
    );
    expect(await p.getByRole('table').textContent()).toContain('Werkstattzentrum Weißwasser');
    expect(await p.getByRole('link', { name: 'Protokoll vom 11. Februar 2026 als PDF' }).getAttribute('href')).toBe(
      `/reviere/lausitz/protokolle/${session.id}.pdf`,
    );
    await expectAccessible(p);
    const pdf = await p.request.get(`${env.url}/reviere/lausitz/protokolle/${session.id}.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-disposition']).toContain('Ergebnisprotokoll Lausitzer Revier 2026-02-11.pdf');
    // The other Revier's address for these minutes is not theirs.
    expect((await p.request.get(`${env.url}/reviere/mitteldeutschland/protokolle/${session.id}.pdf`)).status()).toBe(
      404,
    );
    await visitor.close();
  });
});

describe('a Saxon proposal without JavaScript', () => {
  it('is created, written and submitted with plain forms', async () => {
    const context = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, people.sponsor);
    await page.getByRole('button', { name: 'Neuen Projektvorschlag anlegen' }).click();
    await page.waitForURL(/\/abschnitte$/);
    for (const section of SECTIONS) {
      await page.getByRole('link', { name: section.title, exact: true }).click();
      const answers = section.answers.map((a) =>
        'date' in a && a.date === 'endDate' ? { ...a, year: '2030', month: '12' } : a,
      );
      await answerByForm(page, answers);
      await page.waitForURL(/\/abschnitte$/);
    }
    // axe runs as a script in the page: this run checks behaviour only (the pages are those checked above).
    await page.getByRole('link', { name: 'Angaben prüfen und einreichen' }).click();
    await page.getByRole('button', { name: 'Projektvorschlag einreichen' }).click();
    await page.waitForURL(/\/eingereicht$/);
    expect(await page.getByRole('main').textContent()).toContain('Status: Beim Landkreis');
    await context.close();
  });
});
