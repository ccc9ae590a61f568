import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpClient, startWebTestEnv, type WebTestEnv } from './helpers.js';

let env: WebTestEnv;
let client: HttpClient;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const MB = 1024 * 1024;
/** A valid PDF of exactly `size` bytes: trailing spaces after %%EOF change nothing about its type. */
const pdfOfSize = (size: number) => Buffer.concat([PDF, Buffer.alloc(size - PDF.length, 0x20)]);

beforeAll(async () => {
  env = await startWebTestEnv('attachments');
  client = await env.signIn(env.people.applicant);
});
afterAll(async () => {
  await env?.stop();
});

/** The upload form as a browser sends it: the token first, then the kind and the file. */
async function upload(c: HttpClient, id: string, file: { name: string; bytes: Buffer }, token?: string) {
  const page = await c.request(`/profile/${id}/anlagen`);
  const form = new FormData();
  form.append('_csrf', token ?? /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '');
  form.append('kind', 'lageplan');
  form.append('file', new Blob([new Uint8Array(file.bytes)]), file.name);
  return c.request(`/profile/${id}/anlagen`, { method: 'POST', multipart: form });
}

/** The profile's current (not removed) attachments. */
const attachmentIds = async (id: string) =>
  (
    await env.database.db
      .selectFrom('attachments')
      .select('id')
      .where('profile_id', '=', id)
      .where('removed_at', 'is', null)
      .execute()
  ).map((r) => r.id);

describe('Anlagen', () => {
  it('uploads a PDF, lists it, serves it as a download and records it in the timeline', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    const res = await upload(client, id, { name: 'Lageplan Burg.pdf', bytes: PDF });
    expect(res.status).toBe(303);
    const [attachmentId] = await attachmentIds(id);
    const list = await client.request(`/profile/${id}/anlagen`);
    expect(list.text).toContain('Lageplan Burg.pdf');
    expect(list.text).toContain('Lageplan');
    const download = await client.request(`/profile/${id}/anlagen/${attachmentId}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.bytes.equals(PDF)).toBe(true);
    expect((await client.request(`/profile/${id}`)).text).toContain('Anlage hinzugefügt');
  });

  it('refuses a file whose bytes are HTML though its name says .pdf, with a German message', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    const res = await upload(client, id, {
      name: 'plan.pdf',
      bytes: Buffer.from('<!doctype html><script>alert(1)</script>'),
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Es gibt ein Problem');
    expect(res.text).not.toContain(' / ');
    expect(await attachmentIds(id)).toEqual([]);
  });

  it('refuses an upload without the form token with 403 and stores nothing', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    const res = await upload(client, id, { name: 'plan.pdf', bytes: PDF }, 'falsch');
    expect(res.status).toBe(403);
    expect(await attachmentIds(id)).toEqual([]);
  });

  it('refuses a multipart post to any other form with 403', async () => {
    const form = new FormData();
    form.append('_csrf', 'egal');
    const res = await client.request('/abmelden', { method: 'POST', multipart: form });
    expect(res.status).toBe(403);
    expect((await client.request('/meine-steckbriefe')).status).toBe(200);
  });

  it('answers 404 on the list and the download to an applicant of another organisation', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    await upload(client, id, { name: 'Kosten.pdf', bytes: PDF });
    const [attachmentId] = await attachmentIds(id);
    const other = await env.signIn(env.people.other);
    expect((await other.request(`/profile/${id}/anlagen`)).status).toBe(404);
    const download = await other.request(`/profile/${id}/anlagen/${attachmentId}`);
    expect(download.status).toBe(404);
    expect(download.bytes.includes(PDF)).toBe(false);
  });

  it('removes an attachment', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    await upload(client, id, { name: 'weg.pdf', bytes: PDF });
    const [attachmentId] = await attachmentIds(id);
    const page = await client.request(`/profile/${id}/anlagen`);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const res = await client.request(`/profile/${id}/anlagen/${attachmentId}/entfernen`, {
      method: 'POST',
      form: { _csrf },
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/profile/${id}/anlagen`);
    expect(await attachmentIds(id)).toEqual([]);
    expect((await client.request(`/profile/${id}`)).text).toContain('Anlage entfernt');
  });

  it('accepts a file of exactly 20 MB and refuses one byte more with 413 and the German message, storing nothing', async () => {
    const id = await env.createProfileFor(env.people.applicant);
    const exact = await upload(client, id, { name: 'genau.pdf', bytes: pdfOfSize(20 * MB) });
    expect(exact.status).toBe(303);
    expect(await attachmentIds(id)).toHaveLength(1);
    const over = await upload(client, id, { name: 'gross.pdf', bytes: pdfOfSize(20 * MB + 1) });
    expect(over.status).toBe(413);
    expect(over.text).toContain('<title>Fehler: Anlagen – Steckbrief</title>');
    expect(over.text).toContain('Die Datei darf höchstens 20 MB groß sein.');
    expect(await attachmentIds(id)).toHaveLength(1);
  });
});
