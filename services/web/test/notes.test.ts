import { addNote, getProfile, listTasks, profileHistory } from '@steckbrief/engine';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type HttpClient, startWebTestEnv, type WebTestEnv } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });

let env: WebTestEnv;
let wrl: HttpClient;
let applicant: HttpClient;
let profileId: string;
let taskId: string;

const NOTE = 'Interne Notiz: Träger telefonisch erreicht, Kofinanzierung klärt sich bis Januar.';

beforeAll(async () => {
  env = await startWebTestEnv('notes');
  profileId = await env.createProfileFor(env.people.applicant);
  await env.send(env.people.applicant, profileId, 'SUBMIT');
  const [task] = await listTasks(env.deps, await env.actorOf(env.people.wrl));
  taskId = task?.id ?? '';
  wrl = await env.signIn(env.people.wrl);
  applicant = await env.signIn(env.people.applicant);
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

describe('internal notes', () => {
  it('are written on the task page and shown in the reviewer’s timeline there and on the profile page', async () => {
    const back = `/aufgaben/${taskId}?zurueck=%2Faufgaben`;
    const csrf = await wrl.csrf(back);
    const res = await wrl.request(`/profile/${profileId}/notizen`, {
      method: 'POST',
      form: { _csrf: csrf, text: NOTE, zurueck: back },
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/aufgaben/${taskId}?zurueck=%2Faufgaben&notiz=gespeichert#verlauf`);
    const task = await wrl.request(`/aufgaben/${taskId}?zurueck=%2Faufgaben&notiz=gespeichert`);
    expect(task.text).toContain('Ihre interne Notiz wurde gespeichert.');
    expect(task.text).toContain('Interne Notiz (nur für prüfende Stellen sichtbar)');
    expect(task.text).toContain(NOTE);
    const profile = await wrl.request(`/profile/${profileId}`);
    expect(profile.text).toContain(NOTE);
    expect(profile.text).toContain('name="text"');
  });

  it('are written on the reviewer’s profile page and lead back to it', async () => {
    const csrf = await wrl.csrf(`/profile/${profileId}`);
    const res = await wrl.request(`/profile/${profileId}/notizen`, {
      method: 'POST',
      form: { _csrf: csrf, text: 'Zweite Notiz', zurueck: `/profile/${profileId}` },
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/profile/${profileId}?notiz=gespeichert#verlauf`);
    const page = await wrl.request(`/profile/${profileId}?notiz=gespeichert`);
    expect(page.text).toContain('Ihre interne Notiz wurde gespeichert.');
    expect(page.text).toContain('Zweite Notiz');
  });

  it('never reach the applicant: not on the profile page, not in the history the API serves', async () => {
    const page = await applicant.request(`/profile/${profileId}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(NOTE);
    expect(page.text).not.toContain('Zweite Notiz');
    expect(page.text).not.toContain('Interne Notiz');
    expect(page.text).not.toContain('name="text"');
    const asApplicant = await profileHistory(env.deps, await env.actorOf(env.people.applicant), profileId);
    expect(asApplicant.map((h) => h.event)).not.toContain('NOTE');
    const asOffice = await profileHistory(env.deps, await env.actorOf(env.people.wrl), profileId);
    expect(asOffice.filter((h) => h.event === 'NOTE').map((h) => h.payload)).toEqual([
      { text: NOTE },
      { text: 'Zweite Notiz' },
    ]);
  });

  it('are no mail to anyone', async () => {
    expect(env.sink.messages.filter((m) => m.text.includes(NOTE) || m.text.includes('Zweite Notiz'))).toEqual([]);
  });

  it('cannot be written by the applicant: the page answers 404', async () => {
    const csrf = await applicant.csrf(`/profile/${profileId}`);
    const res = await applicant.request(`/profile/${profileId}/notizen`, {
      method: 'POST',
      form: { _csrf: csrf, text: 'Vom Träger', zurueck: `/profile/${profileId}` },
    });
    expect(res.status).toBe(404);
    const asOffice = await profileHistory(env.deps, await env.actorOf(env.people.wrl), profileId);
    expect(asOffice.some((h) => JSON.stringify(h.payload).includes('Vom Träger'))).toBe(false);
  });

  it('answers an empty note with the form, an error summary and the field’s message', async () => {
    const csrf = await wrl.csrf(`/profile/${profileId}`);
    const res = await wrl.request(`/profile/${profileId}/notizen`, {
      method: 'POST',
      form: { _csrf: csrf, text: '   ', zurueck: `/profile/${profileId}` },
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Fehler: Interne Notiz');
    expect(res.text).toContain('Es gibt ein Problem');
    expect(res.text).toContain('href="#notiz-text"');
    expect(res.text).toContain('Geben Sie den Text der Notiz ein');
    expect(res.text).toContain('aria-invalid="true"');
  });

  it('refuses a note without the form’s CSRF token', async () => {
    const res = await wrl.request(`/profile/${profileId}/notizen`, {
      method: 'POST',
      form: { text: 'Ohne Token', zurueck: `/profile/${profileId}` },
    });
    expect(res.status).toBe(403);
  });

  it('leave an open decision form current: the decision is saved, not answered as stale', async () => {
    const page = await wrl.request(`/aufgaben/${taskId}?zurueck=%2Faufgaben`);
    const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] as string;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    await addNote(env.deps, await env.actorOf(env.people.wrl), profileId, 'Notiz während der Entscheidung');
    const res = await wrl.request(`/aufgaben/${taskId}`, {
      method: 'POST',
      form: { _csrf: csrf, event: 'ACCEPT', version, zurueck: '/aufgaben', werkstatt: '4' },
    });
    expect(res.status).toBe(303);
    const profile = await getProfile(env.deps, await env.actorOf(env.people.wrl), profileId);
    expect(profile.state).toBe('qualification');
  });

  it('returns only to the task or profile page, never elsewhere', async () => {
    const csrf = await wrl.csrf(`/profile/${profileId}`);
    const res = await wrl.request(`/profile/${profileId}/notizen`, {
      method: 'POST',
      form: { _csrf: csrf, text: 'Dritte Notiz', zurueck: 'https://example.org/' },
    });
    expect(res.location).toBe(`/profile/${profileId}?notiz=gespeichert#verlauf`);
  });
});
