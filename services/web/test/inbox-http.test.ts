import { getProfile } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type HttpClient, httpClient, startWebTestEnv, type WebTestEnv } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });

let env: WebTestEnv;
let wrl: HttpClient;
const ids: string[] = [];

const titles = (html: string) => [...html.matchAll(/<th scope="row"[^>]*><a[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  env = await startWebTestEnv('inbox-http');
  // 26 submitted profiles: 26 intake tasks of the WRL office, one more than a page holds.
  for (let i = 0; i < 26; i++) {
    const id = await env.createProfileFor(
      env.people.applicant,
      exampleProfile({ title: `Projekt ${String(i + 1).padStart(2, '0')}` }),
    );
    await env.send(env.people.applicant, id, 'SUBMIT');
    ids.push(id);
  }
  wrl = await env.signIn(env.people.wrl);
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

describe('the inbox over HTTP', () => {
  it('pages 25 tasks at a time with links to the other page', async () => {
    const first = await wrl.request('/aufgaben');
    expect(first.status).toBe(200);
    expect(titles(first.text)).toHaveLength(25);
    expect(first.text).toContain('Meine Gruppe: 26 Aufgaben, Seite 1 von 2');
    expect(first.text).toContain('href="/aufgaben?seite=2"');
    const second = await wrl.request('/aufgaben?seite=2');
    expect(titles(second.text)).toEqual(['Projekt 26']);
    expect(second.text).toContain('Vorherige Seite');
  });

  it('filters by due date and stage from the URL', async () => {
    const none = await wrl.request(`/aufgaben?faellig-vor=${day(1)}`);
    expect(titles(none.text)).toEqual([]);
    expect(none.text).toContain('Meine Gruppe <span class="inbox__count">(0)</span>');
    const all = await wrl.request(`/aufgaben?faellig-vor=${day(20)}&stufe=intake`);
    expect(all.text).toContain('Meine Gruppe <span class="inbox__count">(26)</span>');
    const otherStage = await wrl.request('/aufgaben?stufe=ministry_review');
    expect(titles(otherStage.text)).toEqual([]);
  });

  it('sorts descending when asked and says so with aria-sort', async () => {
    const page = await wrl.request('/aufgaben?sortierung=projekt&richtung=ab');
    expect(titles(page.text)[0]).toBe('Projekt 26');
    expect(page.text).toMatch(/<th scope="col" class="kern-table__header" aria-sort="descending"><a[^>]*>Projekt/);
  });

  it('falls back to the defaults for unknown or malformed parameters', async () => {
    const page = await wrl.request('/aufgaben?ansicht=xyz&seite=-3&ministry=NOPE&faellig-vor=morgen&sortierung=x');
    expect(page.status).toBe(200);
    expect(titles(page.text)).toHaveLength(25);
  });

  it('counts a claimed task under Meine Aufgaben and an accepted one under Erledigt', async () => {
    const csrf = await wrl.csrf('/aufgaben');
    const list = await wrl.request('/aufgaben?sortierung=projekt');
    const taskId = /href="\/aufgaben\/([0-9a-f-]{36})\?/.exec(list.text)?.[1] as string;
    const claimed = await wrl.request(`/aufgaben/${taskId}/uebernehmen`, {
      method: 'POST',
      form: { _csrf: csrf, zurueck: '/aufgaben' },
    });
    expect(claimed.status).toBe(303);
    expect(claimed.location).toBe(`/aufgaben/${taskId}?zurueck=%2Faufgaben`);
    const mine = await wrl.request('/aufgaben?ansicht=meine');
    expect(titles(mine.text)).toEqual(['Projekt 01']);
    expect(mine.text).toContain('Nicht zugewiesen <span class="inbox__count">(25)</span>');

    await env.send(env.people.wrl, ids[1] as string, 'ACCEPT', { werkstatt: 2 });
    const done = await wrl.request('/aufgaben?ansicht=erledigt');
    expect(titles(done.text)).toEqual(['Projekt 02']);
    expect(done.text).toContain('erledigt am');
  });

  it('refuses a claim without the form token', async () => {
    const res = await wrl.request(`/aufgaben/${ids[0]}/uebernehmen`, {
      method: 'POST',
      form: { zurueck: '/aufgaben' },
    });
    expect(res.status).toBe(403);
  });

  it('puts every row button in one form that holds the form token once', async () => {
    const page = await wrl.request('/aufgaben');
    const table = /<form method="post" action="\/aufgaben">([\s\S]*?)<\/form>/.exec(page.text)?.[1] ?? '';
    expect(table.match(/name="_csrf"/g)).toHaveLength(1);
    expect(table.match(/name="zurueck"/g)).toHaveLength(1);
    expect(table.match(/formaction="\/aufgaben\/[0-9a-f-]{36}\/(uebernehmen|freigeben)"/g)).toHaveLength(
      titles(page.text).length,
    );
  });

  it('sends the table form submitted without a row button back to its inbox address', async () => {
    const csrf = await wrl.csrf('/aufgaben');
    const res = await wrl.request('/aufgaben', {
      method: 'POST',
      form: { _csrf: csrf, zurueck: '/aufgaben?ansicht=offen' },
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/aufgaben?ansicht=offen');
  });

  it('sends a return address outside the inbox back to the inbox', async () => {
    const csrf = await wrl.csrf('/aufgaben');
    const list = await wrl.request('/aufgaben?ansicht=offen');
    const taskId = /href="\/aufgaben\/([0-9a-f-]{36})\?/.exec(list.text)?.[1] as string;
    const res = await wrl.request(`/aufgaben/${taskId}/uebernehmen`, {
      method: 'POST',
      form: { _csrf: csrf, zurueck: 'https://example.org/aufgaben' },
    });
    expect(res.location).toBe(`/aufgaben/${taskId}?zurueck=%2Faufgaben`);
  });

  it('answers 404 for a task of a profile the reviewer cannot see', async () => {
    const mil = await env.signIn(env.people.ministry);
    const list = await wrl.request('/aufgaben');
    const taskId = /href="\/aufgaben\/([0-9a-f-]{36})\?/.exec(list.text)?.[1] as string;
    expect((await mil.request(`/aufgaben/${taskId}`)).status).toBe(404);
    expect(titles((await mil.request('/aufgaben')).text)).toEqual([]);
  });

  it('sends someone who is not signed in to the sign-in page, and back afterwards', async () => {
    const res = await httpClient(env.url).request('/aufgaben');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/anmelden?weiter=%2Faufgaben');
  });

  it('the office hands a task to a colleague of its group, and no one outside it', async () => {
    const colleague = await env.addPerson('wrl-b', [{ role: 'wrl' }], null);
    const taskId = /href="\/aufgaben\/([0-9a-f-]{36})\?/.exec(
      (await wrl.request('/aufgaben?ansicht=offen')).text,
    )?.[1] as string;
    const page = await wrl.request(`/aufgaben/${taskId}`);
    expect(page.text).toContain('Aufgabe zuweisen an');
    expect(page.text).toContain(`<option value="${colleague.userId}">Person wrl-b</option>`);
    expect(page.text).not.toContain(env.people.ministry.userId);
    const csrf = await wrl.csrf(`/aufgaben/${taskId}`);

    const outside = await wrl.request(`/aufgaben/${taskId}/zuweisen`, {
      method: 'POST',
      form: { _csrf: csrf, zurueck: '/aufgaben', an: env.people.ministry.userId },
    });
    expect(outside.status).toBe(422);
    expect(outside.text).toContain('Diese Person gehört nicht zur Gruppe der Aufgabe.');

    const done = await wrl.request(`/aufgaben/${taskId}/zuweisen`, {
      method: 'POST',
      form: { _csrf: csrf, zurueck: '/aufgaben', an: colleague.userId },
    });
    expect(done.status).toBe(303);
    expect((await wrl.request(done.location as string)).text).toContain(
      'Die Aufgabe ist jetzt Person wrl-b zugewiesen.',
    );
    const theirs = await (await env.signIn(colleague)).request('/aufgaben?ansicht=meine');
    expect(titles(theirs.text)).toHaveLength(1);

    const mil = await env.signIn(env.people.ministry);
    const milCsrf = await mil.csrf('/aufgaben');
    const refused = await mil.request(`/aufgaben/${taskId}/zuweisen`, {
      method: 'POST',
      form: { _csrf: milCsrf, zurueck: '/aufgaben', an: env.people.ministry.userId },
    });
    expect(refused.status).toBe(404);
  });

  it('asks for confirmation of a negative Votum, which ends the profile, and not of a positive one', async () => {
    const member = await env.addPerson('ws4', [{ role: 'werkstatt', werkstatt: 4 }], null);
    const client = await env.signIn(member);
    const profiles: string[] = [];
    for (const title of ['Votum negativ', 'Votum positiv']) {
      const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title }));
      await env.send(env.people.applicant, id, 'SUBMIT');
      await env.send(env.people.wrl, id, 'ACCEPT', { werkstatt: 4 });
      profiles.push(id);
    }
    const list = await client.request('/aufgaben?sortierung=projekt');
    expect(titles(list.text)).toEqual(['Votum negativ', 'Votum positiv']);
    const [negative, positive] = [...list.text.matchAll(/href="\/aufgaben\/([0-9a-f-]{36})\?/g)].map(
      (m) => m[1] as string,
    );
    const csrf = await client.csrf(`/aufgaben/${negative}`);
    const version = /name="version" value="(\d+)"/.exec(
      (await client.request(`/aufgaben/${negative}`)).text,
    )?.[1] as string;
    const vote = {
      _csrf: csrf,
      event: 'VOTE',
      version,
      zurueck: '/aufgaben',
      votum: 'negative',
      reason: 'Kein Strukturbezug.',
    };

    const asked = await client.request(`/aufgaben/${negative}`, { method: 'POST', form: vote });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Entscheidung bestätigen');
    expect(asked.text).toContain('name="bestaetigt" value="ja"');
    const confirmed = await client.request(`/aufgaben/${negative}`, {
      method: 'POST',
      form: { ...vote, bestaetigt: 'ja' },
    });
    expect(confirmed.status).toBe(303);
    const actor = await env.actorOf(env.people.wrl);
    expect((await getProfile(env.deps, actor, profiles[0] as string)).state).toBe('rejected');

    const positiveVersion = /name="version" value="(\d+)"/.exec(
      (await client.request(`/aufgaben/${positive}`)).text,
    )?.[1] as string;
    const direct = await client.request(`/aufgaben/${positive}`, {
      method: 'POST',
      form: {
        _csrf: csrf,
        event: 'VOTE',
        version: positiveVersion,
        zurueck: '/aufgaben',
        votum: 'positive',
        leadMinistry: 'MIL',
      },
    });
    expect(direct.status).toBe(303);
    expect((await getProfile(env.deps, actor, profiles[1] as string)).state).toBe('ministry_review');
  });

  it('releases a claimed task back to the group and says so; a done task offers no form', async () => {
    const csrf = await wrl.csrf('/aufgaben');
    const taskId = /href="\/aufgaben\/([0-9a-f-]{36})\?/.exec(
      (await wrl.request('/aufgaben?ansicht=offen')).text,
    )?.[1] as string;
    await wrl.request(`/aufgaben/${taskId}/uebernehmen`, {
      method: 'POST',
      form: { _csrf: csrf, zurueck: '/aufgaben' },
    });
    expect((await wrl.request(`/aufgaben/${taskId}`)).text).toContain('Aufgabe freigeben');
    const released = await wrl.request(`/aufgaben/${taskId}/freigeben`, {
      method: 'POST',
      form: { _csrf: csrf, zurueck: '/aufgaben?ansicht=meine' },
    });
    expect(released.status).toBe(303);
    expect(released.location).toBe(`/aufgaben?ansicht=meine&meldung=freigegeben&aufgabe=${taskId}`);
    expect((await wrl.request(released.location as string)).text).toContain('ist wieder frei für Ihre Gruppe.');

    const doneId = /href="\/aufgaben\/([0-9a-f-]{36})\?/.exec(
      (await wrl.request('/aufgaben?ansicht=erledigt')).text,
    )?.[1] as string;
    const donePage = await wrl.request(`/aufgaben/${doneId}`);
    expect(donePage.text).toContain('Diese Aufgabe ist erledigt.');
    expect(donePage.text).not.toContain('name="event"');
  });
});
