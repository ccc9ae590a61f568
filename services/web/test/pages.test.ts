import {
  createSession,
  getProfile,
  listProfiles,
  listProfilesWithNextTask,
  profileHistory,
  profileWithHistory,
} from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, type Person, startWebTestEnv, type WebTestEnv } from './helpers.js';

let env: WebTestEnv;
let signedIn: ReturnType<typeof httpClient>;
const send = (...args: Parameters<WebTestEnv['send']>) => env.send(...args);
const actorOf = (person: Person) => env.actorOf(person);
const confirm = (profileId: string) => env.confirm(profileId);

async function signIn(person: Person) {
  const client = httpClient(env.url);
  const seen = env.signinMailCount(person.email);
  const csrf = await client.csrf('/anmelden');
  await client.request('/anmelden', { method: 'POST', form: { _csrf: csrf, email: person.email } });
  const { code } = await env.signinMail(person.email, seen);
  const codeCsrf = await client.csrf('/anmelden/code');
  const res = await client.request('/anmelden/code', { method: 'POST', form: { _csrf: codeCsrf, code } });
  expect(res.status).toBe(303);
  return client;
}

beforeAll(async () => {
  env = await startWebTestEnv('pages');
  signedIn = await signIn(env.people.applicant);
});
afterAll(async () => {
  await env?.stop();
});

describe('profile page', () => {
  it('shows the data with the workflow labels, German money and dates, and the status with the next step', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    const page = await signedIn.request(`/profile/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Kultur- und Sportzentrum Burg (Spreewald) – Steckbrief</title>');
    expect(page.text).toContain('Gesamtkosten');
    expect(page.text).toContain('12.500.000,50\u00a0€');
    expect(page.text).toContain('11.000.000\u00a0€');
    expect(page.text).toContain('1. März 2027');
    expect(page.text).toContain('Landkreis Spree-Neiße');
    expect(page.text).toContain('Entwurf');
    expect(page.text).toContain('Steckbrief vervollständigen und einreichen');
    expect(page.text).toContain('Steckbrief angelegt');
  });

  it('shows the timeline in plain German without the internal text of a statement', async () => {
    const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title: 'Trampolinhalle Cottbus' }));
    await confirm(id);
    const page = await signedIn.request(`/profile/${id}`);
    expect(page.text).toContain('Stellungnahme abgeben');
    expect(page.text).toContain('Neuer Status: Von der IMAG bestätigt');
    expect(page.text).not.toContain('Interne Stellungnahme XYZ');
  });

  it('shows a revision reason in the timeline, and a statement text to the ministry but not to the applicant', async () => {
    const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title: 'Revisionsprojekt' }));
    await send(env.people.applicant, id, 'SUBMIT');
    await send(env.people.wrl, id, 'REQUEST_REVISION', { reason: 'Bitte Standort genauer angeben.' });
    const page = await signedIn.request(`/profile/${id}`);
    expect(page.text).toContain('Begründung: Bitte Standort genauer angeben.');
    const confirmedId = await env.createProfileFor(
      env.people.applicant,
      exampleProfile({ title: 'Mit Stellungnahme' }),
    );
    await confirm(confirmedId);
    const ministry = await env.signIn(env.people.ministry);
    expect((await ministry.request(`/profile/${confirmedId}`)).text).toContain(
      'Stellungnahme: Interne Stellungnahme XYZ',
    );
    expect((await signedIn.request(`/profile/${confirmedId}`)).text).not.toContain('Interne Stellungnahme XYZ');
  });

  it('answers 404 to an applicant of another organisation', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    const other = await signIn(env.people.other);
    const page = await other.request(`/profile/${id}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('Seite nicht gefunden');
    expect(page.text).not.toContain('Kultur- und Sportzentrum');
  });

  it('renders a <script> title as text', async () => {
    const id = await env.createProfileFor(
      env.people.applicant,
      exampleProfile({ title: '<script>alert("x")</script> Halle' }),
    );
    const page = await signedIn.request(`/profile/${id}`);
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toContain('&lt;script>alert(&quot;x&quot;)&lt;/script> Halle');
  });

  it('sends a visitor to sign-in first, and back to the profile after it', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    const visitor = httpClient(env.url);
    const res = await visitor.request(`/profile/${id}`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/anmelden?weiter=%2Fprofile%2F${id}`);
  });
});

describe('Meine Steckbriefe', () => {
  it("lists the organisation's profiles, a colleague's included, with status, next step and due date", async () => {
    const mine = await env.createProfileFor(env.people.applicant, exampleProfile({ title: 'Gesundheitslandhaus' }));
    const colleagues = await env.createProfileFor(env.people.colleague, exampleProfile({ title: 'Sportpark Burg' }));
    const foreign = await env.createProfileFor(env.people.other, exampleProfile({ title: 'Fremdes Projekt Cottbus' }));
    await send(env.people.applicant, mine, 'SUBMIT');
    const page = await signedIn.request('/meine-steckbriefe');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="/profile/${mine}"`);
    expect(page.text).toContain(`href="/profile/${colleagues}"`);
    expect(page.text).not.toContain(foreign);
    expect(page.text).toContain('Eingangsprüfung');
    expect(page.text).toContain('Eingangsprüfung durchführen');
    const due = new Date(env.clock.now().getTime() + 10 * 86_400_000);
    const dueText = new Intl.DateTimeFormat('de-DE', {
      timeZone: 'Europe/Berlin',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }).format(due);
    expect(page.text).toContain(dueText);
  });
});

describe('the engine reads behind the two pages', () => {
  it('answer in one query what getProfile, profileHistory and listProfiles answer, to each viewer', async () => {
    const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title: 'Lesemodell' }));
    await confirm(id);
    for (const person of [env.people.applicant, env.people.ministry, env.people.wrl]) {
      const actor = await actorOf(person);
      const both = await profileWithHistory(env.deps, actor, id);
      expect(both.profile).toEqual(await getProfile(env.deps, actor, id));
      expect(both.history).toEqual(await profileHistory(env.deps, actor, id));
    }
    await expect(profileWithHistory(env.deps, await actorOf(env.people.other), id)).rejects.toThrow(/nicht gefunden/);
    const applicant = await actorOf(env.people.applicant);
    const withTasks = await listProfilesWithNextTask(env.deps, applicant, { limit: 100 });
    const plain = await listProfiles(env.deps, applicant, { limit: 100 });
    expect(withTasks.items.map(({ nextTask: _, ...summary }) => summary)).toEqual(plain.items);
    const draft = withTasks.items.find((p) => p.state === 'draft');
    expect(draft?.nextTask?.label.de).toBe('Steckbrief vervollständigen und einreichen');
    expect(withTasks.items.find((p) => p.id === id)?.nextTask?.kind).toBe('apply_at_ilb');
  });
});

describe('public Werkstatt pages', () => {
  it('list the projects the IMAG confirmed with sponsor, place and date, and the next sessions, to anyone', async () => {
    const confirmed = await env.createProfileFor(
      env.people.applicant,
      exampleProfile({ title: 'Zentrum für Medizintechnologien', location: { municipality: 'Cottbus', county: 'CB' } }),
    );
    await confirm(confirmed);
    await env.createProfileFor(env.people.applicant, exampleProfile({ title: 'Noch ein Entwurf' }));
    await createSession(env.deps, await actorOf(env.people.wrl), {
      kind: 'werkstatt',
      scopeValue: '4',
      date: '2099-05-12',
      title: 'Sitzung der Werkstatt 4',
    });
    const page = await httpClient(env.url).request('/werkstaetten/4');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Werkstatt 4 – Steckbrief</title>');
    expect(page.text).toContain('Daseinsvorsorge, ländliche Entwicklung &amp; smart regions');
    expect(page.text).toContain('Zentrum für Medizintechnologien');
    expect(page.text).toContain('Gemeinde Burg (Spreewald)');
    expect(page.text).toContain('<td class="kern-table__cell">Cottbus</td>');
    expect(page.text).toContain('12. Mai 2099');
    expect(page.text).not.toContain('Noch ein Entwurf');
    expect(page.text).not.toContain('erika.muster@example.org');
  });

  it('answers 404 for a Werkstatt that does not exist', async () => {
    expect((await httpClient(env.url).request('/werkstaetten/9')).status).toBe(404);
  });

  it('serve the legal pages with German titles and the footer links on every page', async () => {
    for (const [path, title] of [
      ['/barrierefreiheit', 'Erklärung zur Barrierefreiheit'],
      ['/datenschutz', 'Datenschutz'],
      ['/impressum', 'Impressum'],
    ]) {
      const page = await httpClient(env.url).request(path as string);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<title>${title} – Steckbrief</title>`);
      expect(page.text).toContain('href="/barrierefreiheit"');
    }
  });

  it('sends a page with its exact length, no-store and without an ETag', async () => {
    const res = await fetch(new URL('/impressum', env.url));
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-length')).toBe(String(body.length));
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('etag')).toBeNull();
    const head = await fetch(new URL('/impressum', env.url), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(body.length));
  });
});
