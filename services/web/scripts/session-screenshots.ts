/**
 * Screenshots of the session pages for the README (docs/screenshots/): the sessions list with its
 * calendar, a session with agenda, totals and a decision chosen per item (`sitzung`), the details step for the
 * chosen items (`sitzung-angaben`), its result with one decision refused and kept in the form
 * (`sitzung-beschluesse`), the budget page and the minutes. The same set-up as the browser tests (own schema, SMTP sink, the real worker), then Chromium.
 * Run: pnpm --filter @steckbrief/web exec tsx scripts/session-screenshots.ts
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { applyDecisions, createSession, setAgenda } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { chromium } from 'playwright-core';
import { startWebTestEnv } from '../test/helpers.js';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const env = await startWebTestEnv('session-screenshots', {
  fundingPeriods: [
    { id: '2020-2026', from: '2020-01-01', to: '2026-12-31', budgetCents: 144_000_000_000 },
    { id: '2027-2038', from: '2027-01-01', to: '2038-12-31', budgetCents: 216_000_000_000 },
  ],
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
try {
  await mkdir(OUT, { recursive: true });
  const { applicant, wrl } = env.people;
  const profile = async (title: string, werkstatt: number, eur: number, sponsor: string) => {
    const data = exampleProfile({
      title,
      werkstatt,
      requestedFundingEur: eur,
      totalCostEur: Math.round(eur * 1.25),
      sponsor: { name: sponsor, kind: 'municipality' },
    });
    if (werkstatt !== 4) delete data.subArea;
    const id = await env.createProfileFor(applicant, data);
    await env.send(applicant, id, 'SUBMIT');
    await env.send(wrl, id, 'ACCEPT', { werkstatt });
    return id;
  };
  for (const [title, eur] of [
    ['Kultur- und Sportzentrum Burg (Spreewald)', 11_000_000],
    ['Gesundheitscampus Lübbenau', 7_500_000],
  ] as const) {
    const id = await env.createProfileFor(applicant, exampleProfile({ title, requestedFundingEur: eur }));
    await env.confirm(id);
  }
  const agenda = [
    await profile('Radweg Spree-Neiße', 4, 2_400_000, 'Landkreis Spree-Neiße'),
    await profile('Dorfgemeinschaftshaus Turnow', 4, 850_000, 'Gemeinde Turnow-Preilack'),
    await profile('Bahnhof Guben: Mobilitätsdrehscheibe', 4, 6_200_000, 'Stadt Guben'),
    await profile('Ärztehaus Welzow', 4, 3_100_000, 'Stadt Welzow'),
  ];
  await profile('Medienhaus Spremberg', 4, 1_900_000, 'Stadt Spremberg');
  await profile('Innovationshafen Schwarze Pumpe', 2, 14_000_000, 'Zweckverband Industriepark');
  const office = await env.actorOf(wrl);
  const session = await createSession(env.deps, office, {
    kind: 'werkstatt',
    scopeValue: '4',
    date: day(9),
    title: 'Sitzung der Werkstatt 4 im Dezember',
  });
  await setAgenda(env.deps, office, session.id, agenda);
  await applyDecisions(env.deps, office, session.id, [
    {
      profileId: agenda[0] as string,
      type: 'VOTE',
      payload: { votum: 'positive', leadMinistry: 'MIL', ministries: ['MIL', 'MLUK'] },
    },
  ]);
  await createSession(env.deps, office, { kind: 'imag', date: day(23), title: 'IMAG-Sitzung Dezember' });
  await createSession(env.deps, office, {
    kind: 'werkstatt',
    scopeValue: '2',
    date: day(16),
    title: 'Sitzung der Werkstatt 2',
  });

  const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const shot = (name: string) => page.screenshot({ path: `${OUT}${name}.png`, fullPage: true });
  const seen = env.signinMailCount(wrl.email);
  await page.goto(`${env.url}/anmelden`);
  await page.getByLabel('E-Mail-Adresse').fill(wrl.email);
  await page.getByRole('button', { name: 'Code anfordern' }).click();
  await page.waitForURL(`${env.url}/anmelden/code`);
  const { code } = await env.signinMail(wrl.email, seen);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(/\/meine-steckbriefe|\/aufgaben/);

  await page.goto(`${env.url}/sitzungen`);
  await shot('sitzungen');
  await page.goto(`${env.url}/sitzungen/${session.id}`);
  // Two decisions, one of them missing its reason: the other is saved, the refused one stays in the form.
  const choose = (n: number, label: string) =>
    page.getByLabel(`Entscheidung zu TOP ${n}`, { exact: true }).selectOption({ label });
  await choose(2, 'Votum abgeben: Weitere Qualifizierung nötig');
  await choose(3, 'Votum abgeben: Negatives Votum');
  await shot('sitzung');
  await page.getByRole('button', { name: 'Weiter zu den Angaben' }).click();
  await page.waitForURL(/\/beschluesse$/);
  const top = (n: number) => page.getByRole('group', { name: new RegExp(`^TOP ${n}:`) });
  await top(2).getByLabel('Begründung').fill('Bitte Betriebskonzept und Folgekosten ergänzen.');
  await shot('sitzung-angaben');
  await page.getByRole('button', { name: 'Beschlüsse speichern' }).click();
  await page.locator('.error-summary').waitFor();
  await shot('sitzung-beschluesse');
  await page.goto(`${env.url}/haushalt?sitzung=${session.id}`);
  await shot('haushalt');
  await page.goto(`${env.url}/sitzungen/${session.id}/protokoll`);
  await shot('sitzung-protokoll');
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await env.stop();
}
