/**
 * Screenshots of the reviewers' inbox and a task page for the README (docs/screenshots/posteingang.png,
 * docs/screenshots/aufgabe.png): the browser tests' set-up (own schema, SMTP sink, the real worker), a
 * few profiles in ministry review, a MIL reviewer in Chromium.
 * Run: pnpm --filter @steckbrief/web exec tsx scripts/screenshots-inbox.ts
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { addNote, claimTask, listTasks } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { chromium } from 'playwright-core';
import { startWebTestEnv } from '../test/helpers.js';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const env = await startWebTestEnv('screenshots-inbox');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  await mkdir(OUT, { recursive: true });
  const { applicant, wrl, ministry } = env.people;
  const colleague = await env.addPerson('mil-kollegin', [{ role: 'ministry', ministry: 'MIL' }], null);
  const projects: Array<[string, string, string[]]> = [
    ['Radweg Spremberg–Schwarze Pumpe', 'MIL', ['MIL', 'MWAE']],
    ['Bahnhofsumfeld Guben', 'MIL', ['MIL']],
    ['Klinikum Forst, Erweiterung', 'MSGIV', ['MSGIV', 'MIL']],
    ['Gewerbegebiet Schwarzheide Ost', 'MWAE', ['MWAE', 'MIL', 'MLUK']],
    ['Kultur- und Sportzentrum Burg (Spreewald)', 'MIL', ['MIL']],
  ];
  const ids: string[] = [];
  for (const [title, lead, ministries] of projects) {
    const id = await env.createProfileFor(applicant, exampleProfile({ title }));
    await env.send(applicant, id, 'SUBMIT');
    await env.send(wrl, id, 'ACCEPT', { werkstatt: 4 });
    await env.send(wrl, id, 'VOTE', { votum: 'positive', leadMinistry: lead, ministries });
    ids.push(id);
    env.clock.advance(3 * 86_400_000);
  }
  const tasks = await listTasks(env.deps, await env.actorOf(ministry));
  const byProfile = (id: string) => tasks.find((t) => t.profileId === id);
  const first = byProfile(ids[0] as string);
  const claimed = byProfile(ids[1] as string);
  if (!first || !claimed) throw new Error('no MIL tasks');
  await claimTask(env.deps, await env.actorOf(colleague), claimed.id);
  await addNote(
    env.deps,
    await env.actorOf(ministry),
    ids[0] as string,
    'Mit dem Landesbetrieb Straßenwesen abgestimmt: Trassenführung entlang der B 97 ist machbar.',
  );

  const page = await (await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } })).newPage();
  const seen = env.signinMailCount(ministry.email);
  await page.goto(`${env.url}/aufgaben`);
  await page.getByLabel('E-Mail-Adresse').fill(ministry.email);
  await page.getByRole('button', { name: 'Code anfordern' }).click();
  await page.waitForURL(/\/anmelden\/code/);
  const { code } = await env.signinMail(ministry.email, seen);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${env.url}/aufgaben`);
  await page.getByLabel('Diese Ansicht speichern als').fill('Meine Gruppe nach Fälligkeit');
  await page.getByRole('button', { name: 'Ansicht speichern' }).click();
  await page.waitForURL(/meldung=ansicht-gespeichert/);
  await page.goto(`${env.url}/aufgaben`);
  await page.screenshot({ path: `${OUT}posteingang.png`, fullPage: true });
  await page.getByRole('button', { name: /^Übernehmen\W+Radweg/ }).click();
  await page.waitForURL(new RegExp(`/aufgaben/${first.id}`));
  await page.screenshot({ path: `${OUT}aufgabe.png`, fullPage: true });
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await env.stop();
}
