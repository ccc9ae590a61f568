import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpClient, startWebTestEnv, type WebTestEnv } from './helpers.js';

let env: WebTestEnv;
let client: HttpClient;

beforeAll(async () => {
  env = await startWebTestEnv('forms');
  client = await env.signIn(env.people.applicant);
});
afterAll(async () => {
  await env?.stop();
});

async function newProfile(): Promise<string> {
  const _csrf = await client.csrf('/meine-steckbriefe');
  const res = await client.request('/steckbrief/neu', { method: 'POST', form: { _csrf } });
  expect(res.status).toBe(303);
  const id = /^\/profile\/([0-9a-f-]{36})\/abschnitte$/.exec(res.location ?? '')?.[1];
  if (!id) throw new Error(`unexpected location ${res.location}`);
  return id;
}

async function save(id: string, section: string, form: Record<string, string>, version?: number) {
  const page = await client.request(`/profile/${id}/abschnitt/${section}`);
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const current = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';
  return client.request(`/profile/${id}/abschnitt/${section}`, {
    method: 'POST',
    form: { _csrf, version: String(version ?? current), ...form },
  });
}

const dataOf = async (id: string) =>
  (await env.database.db.selectFrom('profiles').select('data').where('id', '=', id).executeTakeFirstOrThrow()).data;

const SUMMARY = 'Neubau einer Trampolinhalle für Vereine, Schulen und Familien in der Stadt Cottbus.';

describe('writing a Steckbrief section by section', () => {
  it('creates a draft and shows the task list with every section not started', async () => {
    const id = await newProfile();
    const page = await client.request(`/profile/${id}/abschnitte`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Steckbrief bearbeiten – Steckbrief</title>');
    expect(page.text.match(/Noch nicht begonnen/g)).toHaveLength(6);
  });

  it('saves a section on "Weiter" and marks it done', async () => {
    const id = await newProfile();
    const res = await save(id, 'projekt', { title: 'Trampolinhalle Cottbus', summary: SUMMARY });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/profile/${id}/abschnitte`);
    expect(await dataOf(id)).toMatchObject({ title: 'Trampolinhalle Cottbus', summary: SUMMARY });
    const list = await client.request(`/profile/${id}/abschnitte`);
    expect(list.text).toMatch(/Projekt<\/a><\/span><span[^>]*>.*?Erledigt/s);
  });

  it("shows the workflow's German message in the error summary and at the field, keeping what was typed", async () => {
    const id = await newProfile();
    const res = await save(id, 'projekt', { title: 'x'.repeat(201), summary: 'kurz' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Fehler: Projekt – Steckbrief</title>');
    expect(res.text).toContain('Es gibt ein Problem');
    expect(res.text).toContain('<a class="kern-link" href="#title">Titel: höchstens 200 Zeichen.</a>');
    expect(res.text).toContain('id="title-fehler"');
    expect(res.text).toContain('x'.repeat(201));
    expect(res.text).not.toContain('Title: at most');
    expect(await dataOf(id)).toEqual({});
  });

  it('reads German amounts and three-part dates, and removes an emptied field', async () => {
    const id = await newProfile();
    await save(id, 'kosten-und-foerderung', {
      fundingArea: 'verkehr',
      totalCostEur: '1.250.000,50 €',
      requestedFundingEur: '1000000',
    });
    await save(id, 'zeitplan', {
      startDate: '1',
      'startDate-monat': '3',
      'startDate-jahr': '2027',
      measureStarted: 'nein',
    });
    expect(await dataOf(id)).toMatchObject({
      fundingArea: 'verkehr',
      totalCostEur: 1_250_000.5,
      requestedFundingEur: 1_000_000,
      startDate: '2027-03-01',
      measureStarted: false,
    });
    const page = await client.request(`/profile/${id}/abschnitt/kosten-und-foerderung`);
    expect(page.text).toContain('value="1.250.000,50"');
    await save(id, 'kosten-und-foerderung', {
      fundingArea: 'verkehr',
      totalCostEur: '',
      requestedFundingEur: '1000000',
    });
    expect(await dataOf(id)).not.toHaveProperty('totalCostEur');
  });

  it('names an unreadable amount with the workflow message', async () => {
    const id = await newProfile();
    const res = await save(id, 'kosten-und-foerderung', { totalCostEur: 'zwölf' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Gesamtkosten (EUR): muss ein Betrag in Euro sein.');
  });

  it('shows a conflict page and saves nothing when a colleague saved in between', async () => {
    const id = await newProfile();
    await save(id, 'projekt', { title: 'Erster Stand', summary: SUMMARY });
    const colleague = await env.signIn(env.people.colleague);
    const page = await colleague.request(`/profile/${id}/abschnitt/projekt`);
    const stale = Number(/name="version" value="(\d+)"/.exec(page.text)?.[1]);
    await save(id, 'projekt', { title: 'Zweiter Stand', summary: SUMMARY });
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const res = await colleague.request(`/profile/${id}/abschnitt/projekt`, {
      method: 'POST',
      form: { _csrf, version: String(stale), title: 'Stand der Kollegin', summary: SUMMARY },
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Der Steckbrief wurde inzwischen geändert');
    expect((await dataOf(id)).title).toBe('Zweiter Stand');
  });

  it('sends a submitted profile’s section page to the profile page', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    await env.send(env.people.applicant, id, 'SUBMIT');
    const res = await client.request(`/profile/${id}/abschnitt/projekt`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/profile/${id}`);
  });

  it('answers 404 on a section page of another organisation’s profile', async () => {
    const id = await newProfile();
    const other = await env.signIn(env.people.other);
    expect((await other.request(`/profile/${id}/abschnitt/projekt`)).status).toBe(404);
    expect((await other.request(`/profile/${id}/abschnitte`)).status).toBe(404);
  });
});
