import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { minimalPdf, minimalPng } from './attachment-files.js';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';
import { pdfPages } from './pdf-text.js';

const flat = (text: string) => text.replace(/\s+/g, ' ');

let api: TestApi;
type User = { id: string; token: string };
const u = {} as Record<'applicant' | 'wrl' | 'w4' | 'w1' | 'mwae', User>;
let profileId: string;
const TITLE = 'Radweg Spremberg–Trattendorf „Neue Mitte“';
const STATEMENT_TEXT = 'Die Anschlussfinanzierung der Unterhaltung ist noch offen.';
const MESSAGE_ID = '<notify-akte-test@steckbrief.localhost>';
const lageplan = minimalPdf('Lageplan Akte');

async function send(token: string, type: string, payload?: Record<string, unknown>, comment?: string) {
  const res = await api.request(token, 'POST', `/api/v1/profiles/${profileId}/events`, { type, payload, comment });
  expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
}

async function upload(token: string, name: string, bytes: Uint8Array, kind: string) {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  const res = await fetch(`${api.url}/api/v1/profiles/${profileId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

async function fetchAkte(token: string, query = '', headers: Record<string, string> = {}) {
  const res = await fetch(`${api.url}/api/v1/profiles/${profileId}/akte${query}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error);
      const entries = new Map<string, Buffer>();
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(entries));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

beforeAll(async () => {
  api = await startTestApi('akte');
  u.applicant = await api.user([{ role: 'applicant' }], 'Stadt Spremberg');
  u.wrl = await api.user([{ role: 'wrl' }]);
  u.w4 = await api.user([{ role: 'werkstatt', werkstatt: 4 }]);
  u.w1 = await api.user([{ role: 'werkstatt', werkstatt: 1 }]);
  u.mwae = await api.user([{ role: 'ministry', ministry: 'MWAE' }]);
  const created = await api.request(u.applicant.token, 'POST', '/api/v1/profiles', {
    data: completeProfile({ title: TITLE }),
  });
  expect(created.status).toBe(201);
  profileId = created.body.id;
  await upload(u.applicant.token, 'Lageplan Trasse.pdf', lageplan, 'lageplan');
  const photo = await upload(u.applicant.token, 'Foto.png', minimalPng(), 'sonstiges');
  const removed = await fetch(`${api.url}/api/v1/profiles/${profileId}/attachments/${photo.id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${u.applicant.token}` },
  });
  expect(removed.status).toBe(204);
  await send(u.applicant.token, 'SUBMIT');
  await send(u.wrl.token, 'ACCEPT', { werkstatt: 4 });
  await send(u.w4.token, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE'] });
  await send(u.mwae.token, 'STATEMENT', { opinion: 'concerns', text: STATEMENT_TEXT }, 'Bitte vor der IMAG klären.');
  // What the worker records for a notice of the ministries' group (see services/worker/src/effects.ts).
  await sql`insert into mail_deliveries (cause, recipient_id, email, message_id, subject, text_body, html_body, status, delivered_at)
    values (${`notify:${profileId}:7:statement_requested:ministry:attr:ministry:MWAE`}, ${u.mwae.id}::uuid,
      'mwae@example.org', ${MESSAGE_ID}, 'Stellungnahme erbeten', 'Text', '<p>Text</p>', 'delivered', now())`.execute(
    api.database.db,
  );
});
afterAll(async () => {
  await api?.close();
});

describe('GET /api/v1/profiles/{id}/akte', () => {
  it('gives the WRL office a German PDF by default with every history entry, the statement, the mail, the attachments and the verification, and the title, date and page number on every page', async () => {
    const res = await fetchAkte(u.wrl.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="foerderakte-${profileId}.pdf"`);
    const pages = await pdfPages(res.bytes);
    const text = flat(pages.join('\n'));

    const json = (await api.request(u.wrl.token, 'GET', `/api/v1/profiles/${profileId}/akte?format=json`)).body;
    const history = await api.database.db
      .selectFrom('profile_history')
      .select(['seq', 'event'])
      .where('profile_id', '=', profileId)
      .orderBy('seq')
      .execute();
    expect(history.map((h) => h.event)).toEqual([
      'CREATE',
      'ATTACH',
      'ATTACH',
      'DETACH',
      'SUBMIT',
      'ACCEPT',
      'VOTE',
      'STATEMENT',
    ]);
    for (const entry of json.history) {
      const who = entry.actor ? entry.actor.name : 'System';
      expect(text, `entry ${entry.seq}`).toContain(flat(`Nr. ${entry.seq} · `));
      expect(text).toContain(who);
      expect(text).toContain(entry.eventLabel);
    }
    expect(json.history).toHaveLength(history.length);
    expect(text).toContain(STATEMENT_TEXT);
    expect(text).toContain('Bitte vor der IMAG klären.');
    expect(text).toContain('Stellungnahmen und Entscheidungen');
    // A long Message-ID wraps inside its table cell.
    expect(text.replace(/\s/g, '')).toContain(MESSAGE_ID);
    expect(text).toContain('Stellungnahme erbeten');
    expect(text).toContain('Lageplan Trasse.pdf');
    expect(text).toMatch(/Foto\.png \(entfernt am \d\d\.\d\d\.\d{4}\)/);
    expect(text).toContain(`Die Hash-Kette der Historie ist unversehrt: ${history.length} Einträge geprüft.`);
    pages.forEach((page, i) => {
      expect(flat(page)).toContain(`Förderakte · ${TITLE}`);
      expect(flat(page)).toMatch(/Stand: \d\d\.\d\d\.\d{4}/);
      expect(flat(page)).toContain(`Seite ${i + 1} von ${pages.length}`);
    });
  });

  it('answers JSON for Accept: application/json, with who (name and roles), when and what, the decisions with reasons and the mails by recipient role', async () => {
    const res = await api.request(u.w4.token, 'GET', `/api/v1/profiles/${profileId}/akte`, undefined, {
      accept: 'application/json',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const statement = res.body.history.find((h: { event: string }) => h.event === 'STATEMENT');
    expect(statement.actor.roles).toEqual(['Ressort (MWAE)']);
    expect(statement.details).toContainEqual({ label: 'Stellungnahme', value: STATEMENT_TEXT });
    expect(res.body.decisions.map((d: { event: string }) => d.event)).toEqual(['ACCEPT', 'VOTE', 'STATEMENT']);
    expect(res.body.mails).toEqual([
      expect.objectContaining({ recipientRole: 'ministry', subject: 'Stellungnahme erbeten', messageId: MESSAGE_ID }),
    ]);
    expect(res.body.verification).toMatchObject({ ok: true, profiles: 1 });
    // The data under the question pages' German labels, chosen values by their names.
    const fields = new Map(res.body.profile.fields.map((f: { label: string; value: string }) => [f.label, f.value]));
    expect(fields.get('Titel')).toBe(TITLE);
    expect([...fields.keys()]).not.toContain('sponsor.kind');
  });

  it('answers a ZIP with the PDF, the JSON and the files of the attachments not removed', async () => {
    const res = await fetchAkte(u.wrl.token, '?format=zip');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const entries = await unzip(res.bytes);
    expect([...entries.keys()]).toEqual(['foerderakte.pdf', 'foerderakte.json', 'anlagen/01-Lageplan Trasse.pdf']);
    expect(entries.get('anlagen/01-Lageplan Trasse.pdf')?.equals(lageplan)).toBe(true);
    expect(JSON.parse(entries.get('foerderakte.json')?.toString() ?? '{}').profile.id).toBe(profileId);
    expect((await pdfPages(entries.get('foerderakte.pdf') as Buffer)).join(' ')).toContain('Förderakte');
  });

  it('is documented in the OpenAPI document with its formats and its 200, 401, 403, 404 and 422 answers', async () => {
    const doc = (await api.request(null, 'GET', '/api/openapi.json')).body;
    const op = doc.paths['/api/v1/profiles/{id}/akte'].get;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404', '422']));
    expect(Object.keys(op.responses['200'].content)).toEqual([
      'application/json',
      'application/pdf',
      'application/zip',
    ]);
  });

  it('answers 403 to the applicant who sees the profile only as its owner', async () => {
    const res = await api.request(u.applicant.token, 'GET', `/api/v1/profiles/${profileId}/akte?format=json`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers 404 to a role that may not see the profile, and for an unknown or malformed id', async () => {
    expect((await api.request(u.w1.token, 'GET', `/api/v1/profiles/${profileId}/akte`)).status).toBe(404);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await api.request(u.wrl.token, 'GET', `/api/v1/profiles/${unknown}/akte`)).status).toBe(404);
    expect((await api.request(u.wrl.token, 'GET', '/api/v1/profiles/kein-steckbrief/akte')).status).toBe(404);
  });

  it('answers 401 without a token and 422 naming query.format for an unknown format', async () => {
    expect((await api.request(null, 'GET', `/api/v1/profiles/${profileId}/akte`)).status).toBe(401);
    const res = await api.request(u.wrl.token, 'GET', `/api/v1/profiles/${profileId}/akte?format=docx`);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.format']);
  });

  it('reports a history entry changed behind the application as a broken chain', async () => {
    await sql`update profile_history set comment = 'geändert' where profile_id = ${profileId} and seq = 6`.execute(
      api.database.db,
    );
    try {
      const json = await api.request(u.wrl.token, 'GET', `/api/v1/profiles/${profileId}/akte?format=json`);
      expect(json.body.verification).toMatchObject({ ok: false, firstBroken: { seq: 6, kind: 'content' } });
      const text = flat((await pdfPages((await fetchAkte(u.wrl.token)).bytes)).join(' '));
      expect(text).toContain('Die Hash-Kette der Historie ist NICHT unversehrt: Eintrag 6: Inhalt geändert.');
    } finally {
      await sql`update profile_history set comment = null where profile_id = ${profileId} and seq = 6`.execute(
        api.database.db,
      );
    }
  });
});
