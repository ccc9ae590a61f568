import { getProfile, getSession } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type HttpClient, httpClient, type Person, startWebTestEnv, type WebTestEnv } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });

const PERIODS = [
  { id: '2020-2026', from: '2020-01-01', to: '2026-12-31', budgetCents: 144_000_000_000 },
  { id: '2027-2038', from: '2027-01-01', to: '2038-12-31', budgetCents: 216_000_000_000 },
];

let env: WebTestEnv;
let wrl: HttpClient;
let ws4: Person;
let ws3: Person;
let sessionId: string;
const waiting: string[] = [];

/** A date `days` from now, as the three fields of the form and as 'YYYY-MM-DD'. */
const future = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  return {
    tag: String(d.getUTCDate()),
    monat: String(d.getUTCMonth() + 1),
    jahr: String(d.getUTCFullYear()),
    iso: d.toISOString().slice(0, 10),
  };
};

async function inQualification(title: string, werkstatt = 4, eur = 1_000_000) {
  const data = exampleProfile({ title, werkstatt, requestedFundingEur: eur, totalCostEur: eur * 1.25 });
  // Only Werkstatt 4 has sub-areas.
  if (werkstatt !== 4) delete data.subArea;
  const id = await env.createProfileFor(env.people.applicant, data);
  await env.send(env.people.applicant, id, 'SUBMIT');
  await env.send(env.people.wrl, id, 'ACCEPT', { werkstatt });
  return id;
}

const stateOf = async (id: string) => (await getProfile(env.deps, await env.actorOf(env.people.wrl), id)).state;

beforeAll(async () => {
  env = await startWebTestEnv('sessions-http', { fundingPeriods: PERIODS });
  ws4 = await env.addPerson('ws4', [{ role: 'werkstatt', werkstatt: 4 }], null);
  ws3 = await env.addPerson('ws3', [{ role: 'werkstatt', werkstatt: 3 }], null);
  for (const [i, title] of ['Radweg Spremberg', 'Bahnhof Guben', 'Klinikum Forst'].entries()) {
    waiting.push(await inQualification(title, 4, (i + 1) * 1_000_000));
  }
  await inQualification('Hafen Cottbus', 3);
  wrl = await env.signIn(env.people.wrl);
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

describe('the sessions pages over HTTP', () => {
  it('answers 404 to people who neither plan nor take part in sessions, and sends strangers to sign in', async () => {
    const applicant = await env.signIn(env.people.applicant);
    const mil = await env.signIn(env.people.ministry);
    for (const client of [applicant, mil]) {
      expect((await client.request('/sitzungen')).status).toBe(404);
      expect((await client.request('/sitzungen/neu')).status).toBe(404);
      expect((await client.request('/haushalt')).status).toBe(404);
    }
    const stranger = await httpClient(env.url).request('/sitzungen');
    expect(stranger.status).toBe(303);
    expect(stranger.location).toBe('/anmelden?weiter=%2Fsitzungen');
  });

  it('shows the office an empty list with a calendar grid, and the main navigation links Sitzungen and Haushalt', async () => {
    const page = await wrl.request('/sitzungen?monat=2027-02');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Keine Sitzungen.');
    expect(page.text).toContain('<caption class="kern-title">Februar 2027</caption>');
    expect(page.text).toContain('href="/sitzungen?monat=2027-03#kalender-titel"');
    expect(page.text).toContain('<a class="kern-link" href="/sitzungen">Sitzungen</a>');
    expect(page.text).toContain('<a class="kern-link" href="/haushalt">Haushalt</a>');
  });

  it('refuses a new session without the form token', async () => {
    const date = future(20);
    const res = await wrl.request('/sitzungen/neu', {
      method: 'POST',
      form: { art: 'werkstatt', zuordnung: '4', tag: date.tag, monat: date.monat, jahr: date.jahr },
    });
    expect(res.status).toBe(403);
  });

  it('names each wrong field of a new session in German, with the error summary first', async () => {
    const csrf = await wrl.csrf('/sitzungen/neu');
    const res = await wrl.request('/sitzungen/neu', {
      method: 'POST',
      form: { _csrf: csrf, art: 'werkstatt', zuordnung: '', tag: '31', monat: '2', jahr: '2027', titel: 'ab' },
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Fehler: Sitzung anlegen – Steckbrief</title>');
    expect(res.text.indexOf('Es gibt ein Problem')).toBeLessThan(res.text.indexOf('<h1'));
    expect(res.text).toContain('href="#sitzung-zuordnung">Wählen Sie die Werkstatt der Sitzung aus.');
    expect(res.text).toContain('href="#sitzung-datum">Das Datum der Sitzung muss ein echtes Datum sein');
    expect(res.text).toContain('href="#sitzung-titel">Der Titel muss zwischen 3 und 300 Zeichen lang sein.');
    expect(res.text).toContain('id="sitzung-zuordnung-fehler"');
    const unknownKind = await wrl.request('/sitzungen/neu', {
      method: 'POST',
      form: { _csrf: csrf, art: 'gipfel', tag: '1', monat: '1', jahr: '2030' },
    });
    expect(unknownKind.status).toBe(422);
    expect(unknownKind.text).toContain('Wählen Sie die Art der Sitzung aus.');
  });

  it('plans a Werkstatt session, which then lists the profiles waiting for it', async () => {
    const date = future(20);
    const csrf = await wrl.csrf('/sitzungen/neu');
    const res = await wrl.request('/sitzungen/neu', {
      method: 'POST',
      form: { _csrf: csrf, art: 'werkstatt', zuordnung: '4', tag: date.tag, monat: date.monat, jahr: date.jahr },
    });
    expect(res.status).toBe(303);
    sessionId = /^\/sitzungen\/([0-9a-f-]{36})\?meldung=angelegt$/.exec(res.location ?? '')?.[1] as string;
    expect(sessionId).toBeTruthy();
    const created = await wrl.request(res.location as string);
    expect(created.text).toContain('Die Sitzung wurde angelegt.');
    expect(created.text).toContain(`href="/sitzungen/${sessionId}/hinzufuegen"`);
    const page = await wrl.request(`/sitzungen/${sessionId}/hinzufuegen`);
    expect(page.text).toContain('Radweg Spremberg');
    expect(page.text).toContain('Klinikum Forst');
    // Another Werkstatt's profile does not wait for this session.
    expect(page.text).not.toContain('Hafen Cottbus');
    const list = await wrl.request('/sitzungen');
    expect(list.text).toContain(`href="/sitzungen/${sessionId}"`);
    expect(list.text).toContain('Geplant');
  });

  it('builds the agenda: adds waiting profiles, moves one up, removes one, with totals against the budget', async () => {
    const csrf = await wrl.csrf(`/sitzungen/${sessionId}/hinzufuegen`);
    const none = await wrl.request(`/sitzungen/${sessionId}/tagesordnung`, {
      method: 'POST',
      form: { _csrf: csrf, aktion: 'hinzufuegen' },
    });
    expect(none.status).toBe(422);
    expect(none.text).toContain('Wählen Sie mindestens einen wartenden Steckbrief aus.');

    const body = new URLSearchParams({ _csrf: csrf, aktion: 'hinzufuegen' });
    for (const id of waiting) body.append('hinzufuegen', id);
    const added = await fetch(`${env.url}/sitzungen/${sessionId}/tagesordnung`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...wrl.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: body.toString(),
    });
    expect(added.status).toBe(303);
    const actor = await env.actorOf(env.people.wrl);
    expect((await getSession(env.deps, actor, sessionId)).agenda.map((a) => a.profileId)).toEqual(waiting);

    const page = await wrl.request(`/sitzungen/${sessionId}`);
    expect(page.text).toContain('6.000.000\u00a0€ (3 Projekte)');
    expect(page.text).toContain('Budget der Förderperiode 2020-2026');

    const moved = await wrl.request(`/sitzungen/${sessionId}/tagesordnung`, {
      method: 'POST',
      form: { _csrf: csrf, aktion: `hoch:${waiting[2]}` },
    });
    expect(moved.location).toBe(`/sitzungen/${sessionId}/hinzufuegen?meldung=tagesordnung#tagesordnung`);
    expect((await getSession(env.deps, actor, sessionId)).agenda.map((a) => a.profileId)).toEqual([
      waiting[0],
      waiting[2],
      waiting[1],
    ]);
    await wrl.request(`/sitzungen/${sessionId}/tagesordnung`, {
      method: 'POST',
      form: { _csrf: csrf, aktion: `entfernen:${waiting[1]}` },
    });
    expect((await getSession(env.deps, actor, sessionId)).agenda.map((a) => a.profileId)).toEqual([
      waiting[0],
      waiting[2],
    ]);
  });

  it('shows the session to members of its Werkstatt without the agenda builder, and 404 to another Werkstatt', async () => {
    const member = await env.signIn(ws4);
    const page = await member.request(`/sitzungen/${sessionId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Beschlüsse erfassen');
    expect(page.text).not.toContain('Wartende Steckbriefe');
    expect((await member.request(`/sitzungen/${sessionId}/hinzufuegen`)).status).toBe(404);
    const csrf = await member.csrf(`/sitzungen/${sessionId}`);
    const refused = await member.request(`/sitzungen/${sessionId}/tagesordnung`, {
      method: 'POST',
      form: { _csrf: csrf, aktion: `entfernen:${waiting[0]}` },
    });
    expect(refused.status).toBe(404);
    expect((await member.request('/haushalt')).status).toBe(404);

    const other = await env.signIn(ws3);
    expect((await other.request(`/sitzungen/${sessionId}`)).status).toBe(404);
    expect((await other.request(`/sitzungen/${sessionId}/protokoll.pdf`)).status).toBe(404);
    expect((await other.request('/sitzungen/not-a-session')).status).toBe(404);
  });

  it('asks on the details step only the fields of each chosen decision, and goes back to the choices kept', async () => {
    const csrf = await wrl.csrf(`/sitzungen/${sessionId}`);
    const [first, second] = [waiting[0] as string, waiting[2] as string];
    const form = {
      _csrf: csrf,
      [`${first}.entscheidung`]: 'VOTE:positive',
      [`${second}.entscheidung`]: 'VOTE:negative',
    };
    const details = await wrl.request(`/sitzungen/${sessionId}/beschluesse`, {
      method: 'POST',
      form: { ...form, schritt: 'angaben' },
    });
    expect(details.status).toBe(200);
    expect(details.text).toContain('Entscheidung: <strong>Votum abgeben: Positives Votum</strong>');
    expect(details.text).toContain('id="top1-vote-leadMinistry"');
    expect(details.text).not.toContain('id="top1-vote-reason"');
    expect(details.text).toContain('id="top2-vote-reason"');
    expect(details.text).not.toContain('id="top2-vote-leadMinistry"');
    expect(details.text).toContain(`name="${first}.entscheidung" value="VOTE:positive"`);
    const back = await wrl.request(`/sitzungen/${sessionId}/beschluesse`, {
      method: 'POST',
      form: { ...form, schritt: 'auswahl' },
    });
    expect(back.status).toBe(200);
    expect(back.text).toContain('<option value="VOTE:negative" selected>Votum abgeben: Negatives Votum</option>');
    expect(await stateOf(first)).toBe('qualification');
  });

  it('applies the valid decisions of a batch and keeps the invalid one in the form with its error', async () => {
    const csrf = await wrl.csrf(`/sitzungen/${sessionId}`);
    const [first, second] = [waiting[0] as string, waiting[2] as string];
    const res = await wrl.request(`/sitzungen/${sessionId}/beschluesse`, {
      method: 'POST',
      form: {
        _csrf: csrf,
        schritt: 'speichern',
        [`${first}.entscheidung`]: 'VOTE:positive',
        [`${first}.VOTE.leadMinistry`]: 'MIL',
        [`${first}.VOTE.ministries`]: 'MIL',
        [`${second}.entscheidung`]: 'VOTE:negative',
        [`${second}.VOTE.reason`]: '',
      },
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Ergebnis je Tagesordnungspunkt');
    expect(res.text).toContain('Votum abgeben: Positives Votum gespeichert, jetzt „Ressortabstimmung“.');
    expect(res.text).toMatch(/href="#top2-vote-reason">TOP 2: /);
    expect(await stateOf(first)).toBe('ministry_review');
    expect(await stateOf(second)).toBe('qualification');
  });

  it('refuses a decision the workflow does not offer for the item, naming it', async () => {
    const csrf = await wrl.csrf(`/sitzungen/${sessionId}`);
    const res = await wrl.request(`/sitzungen/${sessionId}/beschluesse`, {
      method: 'POST',
      form: { _csrf: csrf, schritt: 'angaben', [`${waiting[2]}.entscheidung`]: 'CONFIRM' },
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Wählen Sie eine der angebotenen Entscheidungen aus.');
    const empty = await wrl.request(`/sitzungen/${sessionId}/beschluesse`, {
      method: 'POST',
      form: { _csrf: csrf, schritt: 'angaben' },
    });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Wählen Sie für mindestens einen Punkt eine Entscheidung.');
  });

  it('serves the minutes as a page, Markdown and PDF to the office and the session’s members only', async () => {
    const page = await wrl.request(`/sitzungen/${sessionId}/protokoll`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Positives Votum');
    const md = await wrl.request(`/sitzungen/${sessionId}/protokoll.md`);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.text).toContain('Radweg Spremberg');
    const pdf = await wrl.request(`/sitzungen/${sessionId}/protokoll.pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain('attachment');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const mil = await env.signIn(env.people.ministry);
    expect((await mil.request(`/sitzungen/${sessionId}/protokoll`)).status).toBe(404);
    expect((await mil.request(`/sitzungen/${sessionId}/protokoll.md`)).status).toBe(404);
  });

  it('publishes the minutes only after the confirmation step, and only for the office', async () => {
    const member = await env.signIn(ws4);
    expect((await member.request(`/sitzungen/${sessionId}/protokoll/veroeffentlichen`)).status).toBe(404);
    const confirm = await wrl.request(`/sitzungen/${sessionId}/protokoll/veroeffentlichen`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Ja, Protokoll veröffentlichen');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.text)?.[1] as string;
    const done = await wrl.request(`/sitzungen/${sessionId}/protokoll/veroeffentlichen`, {
      method: 'POST',
      form: { _csrf: csrf },
    });
    expect(done.status).toBe(303);
    expect((await wrl.request(done.location as string)).text).toContain(
      'Das Ergebnisprotokoll ist jetzt veröffentlicht.',
    );
    const actor = await env.actorOf(env.people.wrl);
    expect((await getSession(env.deps, actor, sessionId)).minutesPublishedAt).not.toBeNull();
  });

  it('refuses to publish the minutes of a future session that decided nothing', async () => {
    const date = future(40);
    const csrf = await wrl.csrf('/sitzungen/neu');
    const created = await wrl.request('/sitzungen/neu', {
      method: 'POST',
      form: { _csrf: csrf, art: 'imag', tag: date.tag, monat: date.monat, jahr: date.jahr, titel: 'IMAG leer' },
    });
    const id = /\/sitzungen\/([0-9a-f-]{36})/.exec(created.location ?? '')?.[1] as string;
    const res = await wrl.request(`/sitzungen/${id}/protokoll/veroeffentlichen`, {
      method: 'POST',
      form: { _csrf: csrf },
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Die Sitzung hat noch nicht stattgefunden und nichts entschieden.');
  });

  it('accepts several profiles into one Werkstatt in one form, and names a missing choice', async () => {
    const ids: string[] = [];
    for (const title of ['Eingang A', 'Eingang B']) {
      const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title }));
      await env.send(env.people.applicant, id, 'SUBMIT');
      ids.push(id);
    }
    const page = await wrl.request('/sitzungen/eingang');
    expect(page.text).toContain('Eingang A');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const cookie = [...wrl.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = (werkstatt: string) => {
      const body = new URLSearchParams({ _csrf: csrf, werkstatt });
      for (const id of ids) body.append('auswahl', id);
      return fetch(`${env.url}/sitzungen/eingang`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
    };
    const missing = await post('');
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('href="#sammel-werkstatt">Werkstatt: Bitte wählen Sie aus.');
    expect(await stateOf(ids[0] as string)).toBe('intake');
    const done = await post('2');
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Gespeichert');
    expect(await stateOf(ids[0] as string)).toBe('qualification');
    expect(await stateOf(ids[1] as string)).toBe('qualification');
    const member = await env.signIn(ws4);
    expect((await member.request('/sitzungen/eingang')).status).toBe(404);
  });

  it('shows the budget per Werkstatt as an SVG chart with a table, including a session’s agenda', async () => {
    const date = future(30);
    const csrf = await wrl.csrf('/sitzungen/neu');
    const created = await wrl.request('/sitzungen/neu', {
      method: 'POST',
      form: { _csrf: csrf, art: 'werkstatt', zuordnung: '4', tag: date.tag, monat: date.monat, jahr: date.jahr },
    });
    const id = /\/sitzungen\/([0-9a-f-]{36})/.exec(created.location ?? '')?.[1] as string;
    await wrl.request(`/sitzungen/${id}/tagesordnung`, {
      method: 'POST',
      form: { _csrf: csrf, aktion: 'hinzufuegen', hinzufuegen: waiting[1] as string },
    });
    const page = await wrl.request(`/haushalt?periode=2020-2026&sitzung=${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(
      /<svg role="img" aria-labelledby="haushalt-diagramm-titel haushalt-diagramm-beschreibung"/,
    );
    expect(page.text).toContain(
      '<title id="haushalt-diagramm-titel">Förderung je Werkstatt, Förderperiode 2020-2026</title>',
    );
    expect(page.text).toContain('<caption class="kern-title">Beträge je Werkstatt</caption>');
    expect(page.text).toContain('Tagesordnung: 2 Mio. €');
    expect(page.text).toContain('Verfügbar, wenn die Tagesordnung bewilligt wird');
    const bad = await wrl.request('/haushalt?periode=nope&sitzung=xyz');
    expect(bad.status).toBe(200);
  });

  it('shows the period figures up to 15 s old, once more while one refresh runs, then the refreshed ones', async () => {
    const confirmedEuros = async () => {
      const page = await wrl.request(`/sitzungen/${sessionId}`);
      const value = /Davon bereits bestätigt<\/dt><dd[^>]*>([^<]+)</.exec(page.text)?.[1] ?? '';
      return Number(value.replace(/\D/g, ''));
    };
    env.clock.advance(31_000);
    const before = await confirmedEuros();
    const id = await inQualification('Bestätigt zwischendurch', 4, 5_000_000);
    await env.send(env.people.wrl, id, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: ['MIL'] });
    await env.send(env.people.ministry, id, 'STATEMENT', { opinion: 'endorse', text: 'Befürwortet.' });
    await env.send(env.people.commissioner, id, 'APPROVE');
    await env.send(env.people.imag, id, 'CONFIRM', { priority: 1 });
    expect(await stateOf(id)).toBe('confirmed');
    expect(await confirmedEuros()).toBe(before);
    env.clock.advance(20_000);
    expect(await confirmedEuros()).toBe(before);
    await vi.waitFor(async () => expect(await confirmedEuros()).toBe(before + 5_000_000), { timeout: 10_000 });
  });

  it('creates a calendar feed address and shows it only in the answer to the button', async () => {
    const csrf = await wrl.csrf('/sitzungen');
    const res = await wrl.request('/sitzungen/kalender', { method: 'POST', form: { _csrf: csrf } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toMatch(new RegExp(`${env.url}/calendar/[A-Za-z0-9_-]{32}\\.ics`));
    expect((await wrl.request('/sitzungen')).text).not.toContain('/calendar/');
  });
});
