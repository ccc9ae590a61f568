/**
 * Screenshots of the main pages for the README (docs/screenshots/): the same set-up as the browser
 * tests (own schema, SMTP sink, the real worker), a few demo profiles, then Chromium.
 * Run: pnpm --filter @steckbrief/web screenshots
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createSession } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { chromium } from 'playwright-core';
import { startWebTestEnv } from '../test/helpers.js';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const env = await startWebTestEnv('screenshots');
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
try {
  await mkdir(OUT, { recursive: true });
  const { applicant } = env.people;
  const projects = [
    ['Kultur- und Sportzentrum Burg (Spreewald)', 'Burg (Spreewald)', 'Gemeinde Burg (Spreewald)'],
    ['Trampolinhalle', 'Cottbus', 'Stadt Cottbus'],
  ];
  for (const [title, municipality, sponsor] of projects) {
    const id = await env.createProfileFor(
      applicant,
      exampleProfile({
        title,
        location: { municipality, county: 'SPN' },
        sponsor: { name: sponsor, kind: 'municipality' },
      }),
    );
    await env.confirm(id);
  }
  const submitted = await env.createProfileFor(
    applicant,
    exampleProfile({ title: 'Gesundheitslandhaus Schwarze Pumpe' }),
  );
  await env.send(applicant, submitted, 'SUBMIT');
  await env.createProfileFor(applicant, { title: 'Projektstudie BMX-Zentrum' });
  const revision = await env.createProfileFor(applicant, exampleProfile({ title: 'Trampolinhalle Spremberg' }));
  await env.send(applicant, revision, 'SUBMIT');
  await env.send(env.people.wrl, revision, 'REQUEST_REVISION', {
    reason: 'Bitte die Kostenschätzung belegen und den Zeitplan mit dem Bauantrag abstimmen.',
    sections: ['kosten-und-foerderung', 'zeitplan'],
  });
  await createSession(env.deps, await env.actorOf(env.people.wrl), {
    kind: 'werkstatt',
    scopeValue: '4',
    date: '2027-03-17',
    title: 'Sitzung der Werkstatt 4',
  });

  const page = await (await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } })).newPage();
  const shot = (name: string) => page.screenshot({ path: `${OUT}${name}.png`, fullPage: true });
  await page.goto(`${env.url}/werkstaetten/4`);
  await shot('werkstatt-4');
  await page.goto(`${env.url}/anmelden`);
  await shot('anmelden');
  const seen = env.signinMailCount(applicant.email);
  await page.getByLabel('E-Mail-Adresse').fill(applicant.email);
  await page.getByRole('button', { name: 'Code anfordern' }).click();
  await page.waitForURL(`${env.url}/anmelden/code`);
  const { code } = await env.signinMail(applicant.email, seen);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${env.url}/meine-steckbriefe`);
  await shot('meine-steckbriefe');
  await page.goto(`${env.url}/profile/${submitted}`);
  await shot('profil');
  await page.goto(`${env.url}/meine-steckbriefe`);
  await page.getByRole('link', { name: 'Projektstudie BMX-Zentrum' }).click();
  await page.getByRole('link', { name: 'Steckbrief bearbeiten' }).click();
  await shot('aufgabenliste');
  await page.getByRole('link', { name: 'Kosten und Förderung' }).click();
  await page.getByLabel('Gesamtkosten').fill('zwölf Millionen');
  await page.getByRole('button', { name: 'Weiter' }).click();
  await page.locator('.error-summary').waitFor();
  await shot('abschnitt-mit-fehler');
  await page.goto(`${env.url}/profile/${revision}/abschnitte`);
  await shot('ueberarbeitung');
  await page.goto(`${env.url}/profile/${revision}/pruefen`);
  await shot('angaben-pruefen');
  await page.goto(`${env.url}/profile/${submitted}/eingereicht`);
  await shot('eingereicht');
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`${env.url}/meine-steckbriefe`);
  await shot('meine-steckbriefe-320px');
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await env.stop();
}
