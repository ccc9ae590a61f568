import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpClient, pollUntil, startWebTestEnv, type WebTestEnv } from './helpers.js';

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

async function submitFrom(id: string) {
  const page = await client.request(`/profile/${id}/pruefen`);
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';
  const event = /name="event" value="([A-Z_]+)"/.exec(page.text)?.[1] ?? '';
  return client.request(`/profile/${id}/einreichen`, { method: 'POST', form: { _csrf, version, event } });
}

describe('checking answers and submitting', () => {
  it('lists every answer with an "Ändern" link naming its field, and "Nicht angegeben" for a missing one', async () => {
    const id = await newProfile();
    await save(id, 'projekt', { title: 'Trampolinhalle Cottbus', summary: SUMMARY });
    const page = await client.request(`/profile/${id}/pruefen`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Angaben prüfen – Steckbrief</title>');
    expect(page.text).toContain(
      `href="/profile/${id}/abschnitt/projekt#title">Ändern<span class="kern-sr-only"> Titel</span>`,
    );
    expect(page.text).toContain('Nicht angegeben');
    expect(page.text).toContain('Steckbrief einreichen');
  });

  it('refuses an incomplete profile with the reasons, each linking to its field, and keeps it a draft', async () => {
    const id = await newProfile();
    await save(id, 'projekt', { title: 'Trampolinhalle Cottbus', summary: SUMMARY });
    const res = await submitFrom(id);
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Fehler: Angaben prüfen – Steckbrief</title>');
    expect(res.text).toContain(`href="/profile/${id}/abschnitt/kosten-und-foerderung#totalCostEur"`);
    const row = await env.database.db
      .selectFrom('profiles')
      .select('state')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('draft');
  });

  it('submits a complete profile, confirms what happens next, and the status mail links to the profile page', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    const res = await submitFrom(id);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/profile/${id}/eingereicht`);
    const confirmation = await client.request(res.location as string);
    expect(confirmation.text).toContain('<h1 class="kern-title">Steckbrief eingereicht</h1>');
    expect(confirmation.text).toContain('Die Geschäftsstelle der WRL prüft den Steckbrief');
    const mail = await pollUntil(
      () => env.sink.messages.find((m) => m.to === env.people.applicant.email && m.text.includes(`/profile/${id}`)),
      20_000,
      'the status mail',
    );
    expect(mail.subject).toContain('Eingangsprüfung');
    const link = /(http\S+\/profile\/[0-9a-f-]{36})/.exec(mail.text)?.[1] as string;
    const page = await client.request(new URL(link).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Eingangsprüfung');
  });
});

const stateOf = async (id: string) =>
  (await env.database.db.selectFrom('profiles').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

describe('revision and withdrawal', () => {
  it('shows the reason of a revision request, and "Überarbeitung einreichen" resubmits', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    await env.send(env.people.applicant, id, 'SUBMIT');
    await env.send(env.people.wrl, id, 'REQUEST_REVISION', { reason: 'Bitte die Kostenschätzung <b>belegen</b>.' });
    const page = await client.request(`/profile/${id}`);
    expect(page.text).toContain('Grund der Überarbeitung');
    expect(page.text).toContain('Bitte die Kostenschätzung &lt;b>belegen&lt;/b>.');
    expect(page.text).toContain(`href="/profile/${id}/abschnitte"`);
    expect((await save(id, 'projekt', { title: 'Überarbeiteter Titel', summary: SUMMARY })).status).toBe(303);
    const check = await client.request(`/profile/${id}/pruefen`);
    expect(check.text).toContain('Überarbeitung einreichen');
    expect((await submitFrom(id)).status).toBe(303);
    expect(await stateOf(id)).toBe('intake');
  });

  /** The task list's row of each section, by section id. */
  const taskRows = (html: string) =>
    new Map(
      html
        .split('<li class="task-list__item"')
        .slice(1)
        .map((row) => [/id="abschnitt-([a-z-]+)"/.exec(row)?.[1] ?? '', row] as const),
    );

  it('marks the sections a revision request concerns, with its reason, on the task list and the check-answers page, and names them in the timeline', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    await env.send(env.people.applicant, id, 'SUBMIT');
    await env.send(env.people.wrl, id, 'REQUEST_REVISION', {
      reason: 'Bitte Kosten und Zeitplan belegen.',
      sections: ['kosten-und-foerderung', 'zeitplan'],
    });
    const tasks = await client.request(`/profile/${id}/abschnitte`);
    expect(tasks.text).toContain('Bitte Kosten und Zeitplan belegen.');
    expect(tasks.text).toContain('Betroffene Abschnitte: Kosten und Förderung, Zeitplan');
    const rows = taskRows(tasks.text);
    const marked = [...rows].filter(([, row]) => row.includes('Überarbeitung erbeten')).map(([section]) => section);
    expect(marked).toEqual(['kosten-und-foerderung', 'zeitplan']);
    const check = await client.request(`/profile/${id}/pruefen`);
    expect(check.text).toContain('Bitte Kosten und Zeitplan belegen.');
    const profile = await client.request(`/profile/${id}`);
    const timeline = profile.text.slice(profile.text.indexOf('<ol class="timeline">'));
    expect(timeline).toContain('Betroffene Abschnitte: Kosten und Förderung, Zeitplan');
    const headings = [...check.text.matchAll(/<h2 class="kern-heading-medium" id="pruefen-([a-z-]+)">(.*?)<\/h2>/g)];
    expect(headings.filter(([h]) => h.includes('Überarbeitung erbeten')).map(([, section]) => section)).toEqual([
      'kosten-und-foerderung',
      'zeitplan',
    ]);
  });

  it('marks the sections a Votum for further qualification names', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    await env.send(env.people.applicant, id, 'SUBMIT');
    await env.send(env.people.wrl, id, 'ACCEPT', { werkstatt: 4 });
    await env.send(env.people.wrl, id, 'VOTE', {
      votum: 'further_qualification',
      reason: 'Die Wirkung auf Arbeitsplätze bitte beziffern.',
      sections: ['wirkung'],
    });
    const tasks = await client.request(`/profile/${id}/abschnitte`);
    expect(tasks.text).toContain('Die Wirkung auf Arbeitsplätze bitte beziffern.');
    const marked = [...taskRows(tasks.text)].filter(([, row]) => row.includes('Überarbeitung erbeten'));
    expect(marked.map(([section]) => section)).toEqual(['wirkung']);
  });

  it('shows a revision request without sections with its reason and no section marked', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    await env.send(env.people.applicant, id, 'SUBMIT');
    await env.send(env.people.wrl, id, 'REQUEST_REVISION', { reason: 'Bitte insgesamt kürzen.' });
    const tasks = await client.request(`/profile/${id}/abschnitte`);
    expect(tasks.text).toContain('Bitte insgesamt kürzen.');
    expect(tasks.text).not.toContain('Überarbeitung erbeten');
  });

  it('refuses a revision request naming a section the Steckbrief does not have, leaving the state', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    await env.send(env.people.applicant, id, 'SUBMIT');
    await expect(
      env.send(env.people.wrl, id, 'REQUEST_REVISION', { reason: 'Bitte prüfen.', sections: ['finanzen'] }),
    ).rejects.toMatchObject({ code: 'invalid-event' });
    expect(await stateOf(id)).toBe('intake');
  });

  it('withdraws only after confirming on its own page', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    const profilePage = await client.request(`/profile/${id}`);
    expect(profilePage.text).toContain(`href="/profile/${id}/zurueckziehen"`);
    const confirm = await client.request(`/profile/${id}/zurueckziehen`);
    expect(confirm.text).toContain('Wollen Sie den Steckbrief wirklich zurückziehen?');
    expect(await stateOf(id)).toBe('draft');
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.text)?.[1] ?? '';
    const version = /name="version" value="(\d+)"/.exec(confirm.text)?.[1] ?? '';
    const res = await client.request(`/profile/${id}/zurueckziehen`, {
      method: 'POST',
      form: { _csrf, version, reason: 'Das Projekt wird anders finanziert.' },
    });
    expect(res.status).toBe(303);
    expect(await stateOf(id)).toBe('withdrawn');
    const after = await client.request(`/profile/${id}`);
    expect(after.text).toContain('Zurückgezogen');
    expect(after.text).not.toContain(`href="/profile/${id}/zurueckziehen"`);
  });
});

describe('writing a Steckbrief section by section', () => {
  it('creates a draft and shows the task list with every section not started', async () => {
    const id = await newProfile();
    const page = await client.request(`/profile/${id}/abschnitte`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Steckbrief bearbeiten – Steckbrief</title>');
    expect(page.text.match(/Noch nicht begonnen/g)).toHaveLength(7);
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
