/**
 * Screenshots of the Saxon pipeline's pages for the README (docs/screenshots/sachsen-*.png): check answers
 * of a proposal, the SAS's score form and the public page of the Lausitzer Revier, set up as the browser
 * tests are (own schema, SMTP sink, the real worker).
 * Run: pnpm --filter @steckbrief/web exec tsx scripts/saxony-screenshots.ts
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createProfile, createSession, publishMinutes } from '@steckbrief/engine';
import { exampleProposal, SCORING } from '@steckbrief/workflow-sachsen-strukturentwicklung';
import { chromium, type Page } from 'playwright-core';
import { type Person, startWebTestEnv } from '../test/helpers.js';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const WORKFLOW = 'sachsen-strukturentwicklung';
const env = await startWebTestEnv('saxony-screenshots');
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

try {
  await mkdir(OUT, { recursive: true });
  const sponsor = await env.addPerson('sponsor', [{ role: 'applicant' }], 'Stadt Weißwasser/O.L.');
  const landkreis = await env.addPerson('county', [{ role: 'landkreis', landkreis: 'goerlitz' }], null);
  const vorpruefstelle = await env.addPerson('precheck', [{ role: 'vorpruefstelle' }], null);
  const sas = await env.addPerson('agency', [{ role: 'sas' }], null);
  const imag = await env.addPerson('imag-sx', [{ role: 'imag-sachsen' }], null);
  const rba = await env.addPerson('committee', [{ role: 'rba', revier: 'lausitz' }], null);
  const bund = await env.addPerson('federal', [{ role: 'bund' }], null);
  const proposal = async (title: string, municipality: string) =>
    (
      await createProfile(env.deps, await env.actorOf(sponsor), {
        workflow: WORKFLOW,
        data: exampleProposal({ title, location: { municipality, landkreis: 'goerlitz' } }),
      })
    ).id;

  const draft = await proposal('Gründer- und Innovationszentrum Weißwasser', 'Weißwasser/O.L.');
  const scored = await proposal('Kulturbahnhof Niesky', 'Niesky');
  await env.send(sponsor, scored, 'SUBMIT');
  await env.send(landkreis, scored, 'FORWARD');
  await env.send(vorpruefstelle, scored, 'PRECHECK', { findings: 'Keine Bedenken.' });
  const confirmed = await proposal('Technologiepark Boxberg', 'Boxberg/O.L.');
  await env.send(sponsor, confirmed, 'SUBMIT');
  await env.send(landkreis, confirmed, 'FORWARD');
  await env.send(vorpruefstelle, confirmed, 'PRECHECK');
  await env.send(sas, confirmed, 'SCORE', {
    ratings: Object.fromEntries(SCORING.criteria.map((c) => [c.id, 8])),
    recommendation: 'Zur Förderung empfohlen.',
  });
  await env.send(imag, confirmed, 'STATEMENT', { opinion: 'endorse', text: 'Einverstanden.' });
  await env.send(rba, confirmed, 'APPROVE');
  await env.send(bund, confirmed, 'NO_OBJECTIONS');
  const manager = await env.actorOf(sas);
  const past = await createSession(env.deps, manager, {
    workflow: WORKFLOW,
    kind: 'rba',
    scopeValue: 'lausitz',
    date: '2026-09-23',
    title: 'Sitzung des RBA Lausitzer Revier im September',
  });
  await publishMinutes(env.deps, manager, past.id);
  await createSession(env.deps, manager, {
    workflow: WORKFLOW,
    kind: 'rba',
    scopeValue: 'lausitz',
    date: '2027-02-10',
    title: 'Sitzung des RBA Lausitzer Revier im Februar',
  });

  const context = () => browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
  const visitor = await (await context()).newPage();
  await visitor.goto(`${env.url}/reviere/lausitz`);
  await visitor.screenshot({ path: `${OUT}sachsen-revier-lausitz.png`, fullPage: true });

  const applicant = await (await context()).newPage();
  await signIn(applicant, sponsor);
  await applicant.goto(`${env.url}/profile/${draft}/pruefen`);
  await applicant.screenshot({ path: `${OUT}sachsen-angaben-pruefen.png`, fullPage: true });

  const agency = await (await context()).newPage();
  await signIn(agency, sas);
  await agency.goto(`${env.url}/aufgaben`);
  await agency.getByRole('link', { name: 'Kulturbahnhof Niesky' }).click();
  await agency.screenshot({ path: `${OUT}sachsen-bewertung.png`, fullPage: true });
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await env.stop();
}
