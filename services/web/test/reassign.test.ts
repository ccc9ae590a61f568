import AxeBuilder from '@axe-core/playwright';
import { listTasks } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type HttpClient, type Person, pollUntil, startWebTestEnv, type WebTestEnv } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
vi.setConfig({ testTimeout: 60_000 });
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let env: WebTestEnv;
let browser: Browser;
let milB: Person;
const contexts: BrowserContext[] = [];

const assignmentMails = (email: string) =>
  env.sink.messages.filter((m) => m.to === email && m.subject.startsWith('Aufgabe zugewiesen'));
const assignmentRows = async (taskId: string) =>
  env.database.db
    .selectFrom('outbox')
    .select(['cause', 'processed_at'])
    .where('topic', '=', 'task.assigned')
    .where('cause', 'like', `assign:${taskId}:%`)
    .execute();

/** A profile in ministry review with MIL alone: one open statement task of MIL. */
async function milTask(title: string): Promise<string> {
  const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title }));
  await env.send(env.people.applicant, id, 'SUBMIT');
  await env.send(env.people.wrl, id, 'ACCEPT', { werkstatt: 4 });
  await env.send(env.people.wrl, id, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: ['MIL'] });
  const tasks = await listTasks(env.deps, await env.actorOf(env.people.ministry));
  const task = tasks.find((t) => t.profileId === id);
  if (!task) throw new Error('no MIL task');
  return task.id;
}

async function signedIn(person: Person, path: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'de-DE' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const seen = env.signinMailCount(person.email);
  await page.goto(`${env.url}${path}`);
  await page.getByLabel('E-Mail-Adresse').fill(person.email);
  await page.getByRole('button', { name: 'Code anfordern' }).click();
  await page.waitForURL(/\/anmelden\/code/);
  const { code } = await env.signinMail(person.email, seen);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(/\/meine-steckbriefe|\/aufgaben/);
  return page;
}

beforeAll(async () => {
  env = await startWebTestEnv('reassign');
  milB = await env.addPerson('mil-b', [{ role: 'ministry', ministry: 'MIL' }], null);
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

describe('reassigning a task', () => {
  it('the office reassigns in the browser and the colleague gets one mail whose link opens the task, passing axe', async () => {
    const taskId = await milTask('Radweg Spremberg');
    const office = await signedIn(env.people.wrl, `/aufgaben/${taskId}`);
    await office.goto(`${env.url}/aufgaben/${taskId}`);
    await office.getByLabel('Aufgabe zuweisen an').selectOption({ label: milB.name });
    await office.getByRole('button', { name: 'Zuweisen' }).click();
    await office.waitForURL(/zugewiesen=ja/);
    expect(await office.getByRole('status').textContent()).toContain(`Die Aufgabe ist jetzt ${milB.name} zugewiesen.`);
    const { violations } = await new AxeBuilder({ page: office }).withTags(WCAG).analyze();
    expect(violations.map((v) => v.id)).toEqual([]);

    const mail = await pollUntil(() => assignmentMails(milB.email)[0], 20_000, 'the reassignment mail');
    expect(mail.subject).toBe(
      'Aufgabe zugewiesen: Stellungnahme des Ressorts abgeben – Radweg Spremberg / Task assigned to you',
    );
    expect(mail.text).toContain(
      `${env.people.wrl.name} hat Ihnen die Aufgabe „Stellungnahme des Ressorts abgeben“ zu „Radweg Spremberg“ zugewiesen.`,
    );
    const link = /(http\S+\/aufgaben\/[0-9a-f-]{36})/.exec(mail.text)?.[1];
    expect(link).toBe(`${env.url}/aufgaben/${taskId}`);

    const colleague = await signedIn(milB, '/anmelden');
    await colleague.goto(link as string);
    expect(await colleague.locator('h1').textContent()).toBe('Radweg Spremberg');
    expect(await colleague.getByRole('main').textContent()).toContain('In Bearbeitung vonIhnen');
    await pollUntil(async () => ((await assignmentRows(taskId))[0]?.processed_at ? true : undefined), 10_000, 'row');
    expect(assignmentMails(milB.email)).toHaveLength(1);
  });

  it('writes one outbox row per reassignment and none when the task is already the colleague’s', async () => {
    const taskId = await milTask('Bahnhof Guben');
    const office: HttpClient = await env.signIn(env.people.wrl);
    const assign = async (to: string) => {
      const csrf = await office.csrf(`/aufgaben/${taskId}`);
      return office.request(`/aufgaben/${taskId}/zuweisen`, { method: 'POST', form: { _csrf: csrf, an: to } });
    };
    expect((await assign(milB.userId)).status).toBe(303);
    expect((await assign(milB.userId)).status).toBe(303);
    expect(await assignmentRows(taskId)).toHaveLength(1);
    expect((await assign(env.people.ministry.userId)).status).toBe(303);
    expect(await assignmentRows(taskId)).toHaveLength(2);
    const toFirst = await pollUntil(
      () => assignmentMails(env.people.ministry.email).find((m) => m.subject.includes('Bahnhof Guben')),
      20_000,
      'the second reassignment mail',
    );
    expect(toFirst.text).toContain(`/aufgaben/${taskId}`);
    await pollUntil(
      async () => ((await assignmentRows(taskId)).every((r) => r.processed_at) ? true : undefined),
      10_000,
      'rows processed',
    );
    // The first colleague's mail for this task came once, although the task was handed on since.
    expect(assignmentMails(milB.email).filter((m) => m.subject.includes('Bahnhof Guben'))).toHaveLength(1);
  });

  it('is refused to a ministry reviewer: no row, no mail', async () => {
    const taskId = await milTask('Klinikum Forst');
    const reviewer = await env.signIn(env.people.ministry);
    const csrf = await reviewer.csrf(`/aufgaben/${taskId}`);
    const res = await reviewer.request(`/aufgaben/${taskId}/zuweisen`, {
      method: 'POST',
      form: { _csrf: csrf, an: milB.userId },
    });
    expect(res.status).toBe(404);
    expect(await assignmentRows(taskId)).toHaveLength(0);
  });
});
