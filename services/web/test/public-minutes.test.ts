import { applyDecisions, createSession, publishMinutes, setAgenda, unpublishMinutes } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, startWebTestEnv, type WebTestEnv } from './helpers.js';

let env: WebTestEnv;

beforeAll(async () => {
  env = await startWebTestEnv('public-minutes');
});
afterAll(async () => {
  await env?.stop();
});

/** The text of all pages of a PDF, as pdf.js extracts it, whitespace folded. */
async function pdfText(pdf: Uint8Array): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    parts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await doc.destroy();
  return parts.join(' ').replace(/\s+/g, ' ');
}

/** A Werkstatt 4 session on `date` with two profiles on its agenda, the first one decided. */
async function heldSession(date: string, titles: [string, string]) {
  const wrl = await env.actorOf(env.people.wrl);
  const ids: string[] = [];
  for (const title of titles) {
    const id = await env.createProfileFor(env.people.applicant, exampleProfile({ title }));
    await env.send(env.people.applicant, id, 'SUBMIT');
    await env.send(env.people.wrl, id, 'ACCEPT', { werkstatt: 4 });
    ids.push(id);
  }
  const session = await createSession(env.deps, wrl, {
    kind: 'werkstatt',
    scopeValue: '4',
    date,
    title: `Werkstatt 4 am ${date}`,
  });
  await setAgenda(env.deps, wrl, session.id, ids);
  const { results } = await applyDecisions(env.deps, wrl, session.id, [
    { profileId: ids[0] as string, type: 'VOTE', payload: { votum: 'negative', reason: 'Begründung XYZ intern' } },
  ]);
  expect(results.map((r) => r.status)).toEqual(['applied']);
  return { sessionId: session.id, profileIds: ids, wrl };
}

describe('published minutes on the public Werkstatt page', () => {
  it('does not list unpublished minutes, and answers 404 for their PDF and Markdown', async () => {
    const { sessionId } = await heldSession('2026-01-14', ['Entwurf Radweg Forst', 'Entwurf Bürgerhaus Peitz']);
    const visitor = httpClient(env.url);
    const page = await visitor.request('/werkstaetten/4');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(sessionId);
    expect(page.text).toContain('Für diese Werkstatt ist noch kein Protokoll veröffentlicht.');
    for (const ext of ['pdf', 'md']) {
      expect((await visitor.request(`/werkstaetten/4/protokolle/${sessionId}.${ext}`)).status).toBe(404);
    }
  });

  it('lists published minutes with their links, and serves the PDF with the titles as an attachment', async () => {
    const titles: [string, string] = ['Gesundheitslandhaus „Schwarze Pumpe“', 'Trampolinhalle Cottbus'];
    const { sessionId, wrl } = await heldSession('2026-02-11', titles);
    await publishMinutes(env.deps, wrl, sessionId);
    const visitor = httpClient(env.url);
    const page = await visitor.request('/werkstaetten/4');
    expect(page.text).toContain(`href="/werkstaetten/4/protokolle/${sessionId}.pdf"`);
    expect(page.text).toContain(`href="/werkstaetten/4/protokolle/${sessionId}.md"`);
    expect(page.text).toContain('Protokoll vom 11. Februar 2026 als PDF');

    const pdf = await visitor.request(`/werkstaetten/4/protokolle/${sessionId}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="Ergebnisprotokoll Werkstatt 4/);
    expect(pdf.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await pdfText(pdf.bytes);
    for (const title of titles) expect(text).toContain(title);
    expect(text).toContain('Votum: Negatives Votum');
  });

  it('serves the Markdown with titles and decisions only: no profile id, no free text of a decision', async () => {
    const { sessionId, profileIds, wrl } = await heldSession('2026-03-11', ['Sportpark Guben', 'Kita Welzow']);
    await publishMinutes(env.deps, wrl, sessionId);
    const md = await httpClient(env.url).request(`/werkstaetten/4/protokolle/${sessionId}.md`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(md.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(md.headers.get('x-content-type-options')).toBe('nosniff');
    expect(md.text).toContain('Sportpark Guben');
    expect(md.text).toContain('Kita Welzow');
    expect(md.text).toContain('Votum: Negatives Votum');
    expect(md.text).not.toContain('Begründung XYZ intern');
    for (const id of profileIds) expect(md.text).not.toContain(id);
  });

  it('keeps the minutes as published: a decision recorded afterwards is not in them', async () => {
    const { sessionId, profileIds, wrl } = await heldSession('2026-04-15', ['Radweg Drebkau', 'Museum Lübbenau']);
    await publishMinutes(env.deps, wrl, sessionId);
    await applyDecisions(env.deps, wrl, sessionId, [
      {
        profileId: profileIds[1] as string,
        type: 'VOTE',
        payload: { votum: 'positive', leadMinistry: 'MIL', ministries: ['MIL'] },
      },
    ]);
    const md = await httpClient(env.url).request(`/werkstaetten/4/protokolle/${sessionId}.md`);
    expect(md.text).not.toContain('Positives Votum');
    expect(md.text).toContain('offen');
  });

  it('answers 404 for published minutes under another Werkstatt, and after the publication is withdrawn', async () => {
    const { sessionId, wrl } = await heldSession('2026-05-13', ['Hafen Senftenberg', 'Bahnhof Lübben']);
    await publishMinutes(env.deps, wrl, sessionId);
    const visitor = httpClient(env.url);
    expect((await visitor.request(`/werkstaetten/3/protokolle/${sessionId}.pdf`)).status).toBe(404);
    expect((await visitor.request(`/werkstaetten/4/protokolle/${sessionId}.pdf`)).status).toBe(200);
    await unpublishMinutes(env.deps, wrl, sessionId);
    expect((await visitor.request(`/werkstaetten/4/protokolle/${sessionId}.pdf`)).status).toBe(404);
    expect((await visitor.request('/werkstaetten/4')).text).not.toContain(sessionId);
  });
});
