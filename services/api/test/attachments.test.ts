import { createHash } from 'node:crypto';
import { type Actor, addAttachment, postgresAttachmentStore } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compoundFile, htmlPage, minimalDocx, minimalPdf, minimalPng, plainZip } from './attachment-files.js';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';

const MB = 1024 * 1024;

let api: TestApi;
let owner: { id: string; token: string };
let colleague: { id: string; token: string };
let stranger: { id: string; token: string };
let wrl: { id: string; token: string };

beforeAll(async () => {
  api = await startTestApi('attachments');
  [owner, colleague, stranger, wrl] = await Promise.all([
    api.user([{ role: 'applicant' }], 'Gemeinde Burg'),
    api.user([{ role: 'applicant' }], 'Gemeinde Burg'),
    api.user([{ role: 'applicant' }], 'Stadt Cottbus'),
    api.user([{ role: 'wrl' }]),
  ]);
});
afterAll(async () => {
  await api?.close();
});

async function draft(): Promise<string> {
  const res = await api.request(owner.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function send(token: string, id: string, type: string, payload?: unknown) {
  const res = await api.request(token, 'POST', `/api/v1/profiles/${id}/events`, { type, payload });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

interface Sent {
  status: number;
  headers: Headers;
  body: any;
}

async function upload(
  token: string,
  id: string,
  file: { name: string; bytes: Uint8Array; type?: string },
  kind = 'lageplan',
): Promise<Sent> {
  const form = new FormData();
  form.append('kind', kind);
  form.append(
    'file',
    new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type ?? 'application/octet-stream' }),
    file.name,
  );
  const res = await fetch(`${api.url}/api/v1/profiles/${id}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function download(token: string, id: string, attachmentId: string) {
  const res = await fetch(`${api.url}/api/v1/profiles/${id}/attachments/${attachmentId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Rows of attachments and blobs in this test's schema, to show that a refusal stores nothing. */
async function stored() {
  const db = api.database.db;
  const [attachments, blobs] = await Promise.all([
    db.selectFrom('attachments').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    db.selectFrom('attachment_blobs').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { attachments: Number(attachments.n), blobs: Number(blobs.n) };
}

/** Attachments of `total` bytes recorded for a profile without their bytes, which do not matter to the limit. */
async function recordAttachments(profileId: string, total: number) {
  await api.database.db
    .insertInto('attachments')
    .values(
      [1, 2, 3, 4].map(() => ({
        profile_id: profileId,
        kind: 'sonstiges',
        file_name: 'gross.pdf',
        media_type: 'application/pdf',
        size: total / 4,
        sha256: '0'.repeat(64),
        storage_key: '00000000-0000-4000-8000-000000000000',
        uploaded_by: owner.id,
        uploaded_at: new Date(),
      })),
    )
    .execute();
}

/** A valid PDF of exactly `size` bytes: trailing spaces after %%EOF change nothing about its type. */
const pdfOfSize = (size: number) => {
  const pdf = minimalPdf();
  return Buffer.concat([pdf, Buffer.alloc(size - pdf.length, 0x20)]);
};

describe('uploading and downloading', () => {
  it('stores a PDF with its detected type, size and SHA-256, and downloads the same bytes with type, length, attachment disposition and nosniff', async () => {
    const id = await draft();
    const pdf = minimalPdf();
    // The client's content type is ignored: the bytes decide.
    const res = await upload(owner.token, id, { name: 'Lageplan Straße.pdf', bytes: pdf, type: 'text/html' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      profileId: id,
      kind: 'lageplan',
      kindLabel: { de: 'Lageplan', en: 'Site plan' },
      fileName: 'Lageplan Straße.pdf',
      mediaType: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      uploadedBy: { id: owner.id },
      profileVersion: 2,
    });
    expect(res.headers.get('location')).toBe(`/api/v1/profiles/${id}/attachments/${res.body.id}`);

    const file = await download(owner.token, id, res.body.id);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(pdf)).toBe(true);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-length')).toBe(String(pdf.length));
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="Lageplan Strasse.pdf"; filename*=UTF-8''Lageplan%20Stra%C3%9Fe.pdf`,
    );
  });

  it('accepts a PNG image and a DOCX document and lists them with their detected types', async () => {
    const id = await draft();
    const png = await upload(owner.token, id, { name: 'foto.png', bytes: minimalPng() }, 'sonstiges');
    const docx = await upload(owner.token, id, { name: 'Kosten.docx', bytes: minimalDocx() }, 'kostenschaetzung');
    expect(png.status, JSON.stringify(png.body)).toBe(201);
    expect(docx.status, JSON.stringify(docx.body)).toBe(201);
    const list = await api.request(owner.token, 'GET', `/api/v1/profiles/${id}/attachments`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({
      items: [
        { fileName: 'foto.png', mediaType: 'image/png', kind: 'sonstiges' },
        {
          fileName: 'Kosten.docx',
          mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          kind: 'kostenschaetzung',
          kindLabel: { de: 'Kostenschätzung', en: 'Cost estimate' },
        },
      ],
      totalBytes: minimalPng().length + minimalDocx().length,
      maxFileBytes: 20 * MB,
      maxTotalBytes: 100 * MB,
      canChange: true,
    });
    const file = await download(colleague.token, id, docx.body.id);
    expect(file.bytes.equals(minimalDocx())).toBe(true);
  });

  it('accepts a legacy Word file (a compound file with a WordDocument stream)', async () => {
    const id = await draft();
    const res = await upload(owner.token, id, { name: 'Antrag.doc', bytes: compoundFile(['WordDocument', '1Table']) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.mediaType).toBe('application/msword');
  });

  it('offers a file under an extension of its detected type', async () => {
    const id = await draft();
    const res = await upload(owner.token, id, { name: 'plan.pdf', bytes: minimalPng() });
    expect(res.body).toMatchObject({ fileName: 'plan.png', mediaType: 'image/png' });
  });
});

describe('refused uploads', () => {
  const refusals: Array<[string, () => { name: string; bytes: Uint8Array; type?: string }]> = [
    ['HTML bytes named .pdf', () => ({ name: 'lageplan.pdf', bytes: htmlPage(), type: 'application/pdf' })],
    ['a plain zip named .docx', () => ({ name: 'kosten.docx', bytes: plainZip() })],
    ['a compound file without a Word or Excel stream', () => ({ name: 'setup.doc', bytes: compoundFile(['Foo']) })],
  ];
  for (const [what, file] of refusals) {
    it(`refuses ${what} with 422 naming the field file, and stores nothing`, async () => {
      const id = await draft();
      const before = await stored();
      const res = await upload(owner.token, id, file());
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toBe('/problems/validation-failed');
      expect(res.body.detail).toMatch(/^Dieser Dateityp ist nicht erlaubt\. .* \/ This file type is not allowed\./);
      expect(res.body.errors).toEqual([{ path: 'file', message: expect.stringContaining('PDF') }]);
      expect(await stored()).toEqual(before);
    });
  }

  it('refuses an empty file with 422 naming the field file, and stores nothing', async () => {
    const id = await draft();
    const before = await stored();
    const res = await upload(owner.token, id, { name: 'leer.pdf', bytes: new Uint8Array(0) });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'file', message: 'Die Datei ist leer. / The file is empty.' }]);
    expect(await stored()).toEqual(before);
  });

  it('refuses a kind outside the list with 422 naming the field kind', async () => {
    const id = await draft();
    const res = await upload(owner.token, id, { name: 'a.pdf', bytes: minimalPdf() }, 'geheim');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'kind', message: expect.stringContaining('Lageplan, Kostenschätzung') }]);
  });

  it('refuses a file one byte over 20 MB with 413 naming the limit, and stores nothing', async () => {
    const id = await draft();
    const before = await stored();
    const res = await upload(owner.token, id, { name: 'gross.pdf', bytes: pdfOfSize(20 * MB + 1) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      type: '/problems/payload-too-large',
      detail: 'Die Datei ist größer als 20 MB. / The file is larger than 20 MB.',
      errors: [{ path: 'file' }],
    });
    expect(await stored()).toEqual(before);
  });

  it('refuses a body whose Content-Length is far over 20 MB with 413, and stores nothing', async () => {
    const id = await draft();
    const before = await stored();
    const res = await upload(owner.token, id, { name: 'riesig.pdf', bytes: pdfOfSize(30 * MB) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ type: '/problems/payload-too-large', errors: [{ path: 'file' }] });
    expect(await stored()).toEqual(before);
  });

  it('refuses a streamed upload without Content-Length with 413 once its file passes 20 MB, and stores nothing', async () => {
    const id = await draft();
    const before = await stored();
    const boundary = 'steckbrief-test-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nlageplan\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="endlos.pdf"\r\n` +
        'Content-Type: application/pdf\r\n\r\n',
    );
    let sent = 0;
    const chunk = Buffer.concat([minimalPdf(), Buffer.alloc(MB - minimalPdf().length, 0x20)]);
    // At most 40 MB, so the test ends even if the server read everything.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
      },
      pull(controller) {
        if (sent >= 40) {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${api.url}/api/v1/profiles/${id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ type: '/problems/payload-too-large', errors: [{ path: 'file' }] });
    expect(sent).toBeLessThan(40);
    expect(await stored()).toEqual(before);
  });

  it('accepts a file of exactly 20 MB', async () => {
    const id = await draft();
    const res = await upload(owner.token, id, { name: 'genau.pdf', bytes: pdfOfSize(20 * MB) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.size).toBe(20 * MB);
  });

  it('refuses a file that would take the profile over 100 MB with 422 naming the limit, stores nothing, and accepts one that fills it exactly', async () => {
    const id = await draft();
    await recordAttachments(id, 96 * MB);
    const before = await stored();
    const refused = await upload(owner.token, id, { name: 'fuenf.pdf', bytes: pdfOfSize(4 * MB + 1) });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/^Die Anlagen eines Steckbriefs dürfen zusammen höchstens 100 MB .*100 MB/);
    expect(refused.body.errors).toEqual([{ path: 'file', message: expect.stringContaining('100 MB') }]);
    expect(await stored()).toEqual(before);
    const fits = await upload(owner.token, id, { name: 'passt.pdf', bytes: pdfOfSize(4 * MB) });
    expect(fits.status, JSON.stringify(fits.body)).toBe(201);
  });

  it('accepts only one of two parallel uploads that would each fit the 100 MB but not both, and keeps one blob', async () => {
    const id = await draft();
    await recordAttachments(id, 92 * MB);
    const before = await stored();
    const results = await Promise.all(
      ['a.pdf', 'b.pdf'].map((name) => upload(owner.token, id, { name, bytes: pdfOfSize(5 * MB) })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(await stored()).toEqual({ attachments: before.attachments + 1, blobs: before.blobs + 1 });
  });

  it('answers 415 to an upload that is not multipart/form-data', async () => {
    const id = await draft();
    const res = await api.request(owner.token, 'POST', `/api/v1/profiles/${id}/attachments`, { kind: 'lageplan' });
    expect(res.status).toBe(415);
    expect(res.body.detail).toMatch(/multipart\/form-data/);
  });
});

describe('who may do what', () => {
  it('answers 404 to an applicant of another organisation on list, download, upload and delete', async () => {
    const id = await draft();
    const { body } = await upload(owner.token, id, { name: 'plan.pdf', bytes: minimalPdf() });
    const base = `/api/v1/profiles/${id}/attachments`;
    expect((await api.request(stranger.token, 'GET', base)).status).toBe(404);
    expect((await download(stranger.token, id, body.id)).status).toBe(404);
    expect((await upload(stranger.token, id, { name: 'x.pdf', bytes: minimalPdf() })).status).toBe(404);
    expect((await api.request(stranger.token, 'DELETE', `${base}/${body.id}`)).status).toBe(404);
    expect((await download(owner.token, id, body.id)).status).toBe(200);
  });

  it('answers 404 to a download of an attachment id that does not exist, is not a UUID or belongs to another profile', async () => {
    const id = await draft();
    const other = await draft();
    const { body } = await upload(owner.token, other, { name: 'plan.pdf', bytes: minimalPdf() });
    expect((await download(owner.token, id, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await download(owner.token, id, 'not-a-uuid')).status).toBe(404);
    expect((await download(owner.token, id, body.id)).status).toBe(404);
  });

  it('lets the WRL list and download a submitted profile’s attachments, and answers 403 to its upload and delete', async () => {
    const id = await draft();
    const { body } = await upload(owner.token, id, { name: 'plan.pdf', bytes: minimalPdf() });
    await send(owner.token, id, 'SUBMIT');
    const list = await api.request(wrl.token, 'GET', `/api/v1/profiles/${id}/attachments`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([body.id]);
    expect(list.body.canChange).toBe(false);
    const file = await download(wrl.token, id, body.id);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(minimalPdf())).toBe(true);
    const before = await stored();
    const refused = await upload(wrl.token, id, { name: 'wrl.pdf', bytes: minimalPdf() });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/^Nur der Projektträger darf Anlagen/);
    const removal = await api.request(wrl.token, 'DELETE', `/api/v1/profiles/${id}/attachments/${body.id}`);
    expect(removal.status).toBe(403);
    expect(await stored()).toEqual(before);
  });

  it('answers 409 to an upload or removal after submission, and accepts both again in revision', async () => {
    const id = await draft();
    const first = await upload(owner.token, id, { name: 'plan.pdf', bytes: minimalPdf() });
    await send(owner.token, id, 'SUBMIT');
    const before = await stored();
    const refused = await upload(owner.token, id, { name: 'spaet.pdf', bytes: minimalPdf() });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/^Im Status "Eingangsprüfung" können keine Anlagen/);
    const removal = await api.request(owner.token, 'DELETE', `/api/v1/profiles/${id}/attachments/${first.body.id}`);
    expect(removal.status).toBe(409);
    expect(await stored()).toEqual(before);

    await send(wrl.token, id, 'REQUEST_REVISION', { reason: 'Bitte den Lageplan ergänzen.' });
    const added = await upload(colleague.token, id, { name: 'lageplan-neu.pdf', bytes: minimalPdf('Neu') });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const removed = await api.request(owner.token, 'DELETE', `/api/v1/profiles/${id}/attachments/${first.body.id}`);
    expect(removed.status).toBe(204);
  });
});

describe('history', () => {
  it('records ATTACH and DETACH with the file name, kind, size and type, each as a new profile version', async () => {
    const id = await draft();
    const pdf = minimalPdf();
    const added = await upload(owner.token, id, { name: 'Genehmigung.pdf', bytes: pdf }, 'genehmigung');
    const removed = await api.request(owner.token, 'DELETE', `/api/v1/profiles/${id}/attachments/${added.body.id}`);
    expect(removed.status).toBe(204);
    const own = await api.request(colleague.token, 'GET', `/api/v1/profiles/${id}/history`);
    const entry = {
      attachmentId: added.body.id,
      fileName: 'Genehmigung.pdf',
      kind: 'genehmigung',
      size: pdf.length,
      mediaType: 'application/pdf',
    };
    expect(own.body.items.slice(1)).toMatchObject([
      { seq: 2, event: 'ATTACH', from: 'draft', to: 'draft', actor: { id: owner.id }, payload: entry },
      { seq: 3, event: 'DETACH', from: 'draft', to: 'draft', actor: { id: owner.id }, payload: entry },
    ]);
    const profile = await api.request(owner.token, 'GET', `/api/v1/profiles/${id}`);
    expect(profile.body.version).toBe(3);
  });

  it('makes a removed attachment unreachable (404 on download and on a second removal, which bumps no version) and deletes its bytes', async () => {
    const id = await draft();
    const added = await upload(owner.token, id, { name: 'weg.pdf', bytes: minimalPdf() });
    const key = await api.database.db
      .selectFrom('attachments')
      .select('storage_key')
      .where('id', '=', added.body.id)
      .executeTakeFirstOrThrow();
    await api.request(owner.token, 'DELETE', `/api/v1/profiles/${id}/attachments/${added.body.id}`);
    expect((await download(owner.token, id, added.body.id)).status).toBe(404);
    const again = await api.request(owner.token, 'DELETE', `/api/v1/profiles/${id}/attachments/${added.body.id}`);
    expect(again.status).toBe(404);
    const list = await api.request(owner.token, 'GET', `/api/v1/profiles/${id}/attachments`);
    expect(list.body.items).toEqual([]);
    const blob = await api.database.db
      .selectFrom('attachment_blobs')
      .select('key')
      .where('key', '=', key.storage_key)
      .executeTakeFirst();
    expect(blob).toBeUndefined();
    // The failed second removal changed no version.
    const profile = await api.request(owner.token, 'GET', `/api/v1/profiles/${id}`);
    expect(profile.body.version).toBe(3);
  });
});

describe('storage', () => {
  it('removes the blob it wrote when the profile left draft before the attachment was recorded', async () => {
    const id = await draft();
    const db = api.database.db;
    const inner = postgresAttachmentStore(db);
    // The profile is submitted while the bytes are being stored: the transaction that follows refuses.
    const store = {
      ...inner,
      async put(bytes: Uint8Array) {
        await send(owner.token, id, 'SUBMIT');
        return inner.put(bytes);
      },
    };
    const actor: Actor = { userId: owner.id, organisation: 'Gemeinde Burg', grants: [{ role: 'applicant' }] };
    const before = await stored();
    const attempt = addAttachment({ db, registry: buildRegistry(), attachmentStore: store }, actor, {
      profileId: id,
      kind: 'lageplan',
      fileName: 'knapp.pdf',
      bytes: minimalPdf(),
    });
    await expect(attempt).rejects.toMatchObject({ status: 409 });
    expect(await stored()).toEqual(before);
  });

  it('removes orphan blobs older than the given time and keeps those an attachment names', async () => {
    const id = await draft();
    const { body } = await upload(owner.token, id, { name: 'bleibt.pdf', bytes: minimalPdf() });
    const store = postgresAttachmentStore(api.database.db);
    const orphan = await store.put(minimalPng());
    const named = await api.database.db
      .selectFrom('attachments')
      .select('storage_key')
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(await store.removeOrphans(new Date(Date.now() - 60_000))).toBe(0);
    expect(await store.removeOrphans(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await store.get(orphan)).toBeUndefined();
    expect(Buffer.from((await store.get(named.storage_key)) ?? []).equals(minimalPdf())).toBe(true);
  });
});

describe('OpenAPI document', () => {
  it('describes the list and the created attachment as the API answers them', async () => {
    const doc = (await api.request(null, 'GET', '/api/openapi.json')).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(doc, 'doc');
    const id = await draft();
    const created = await upload(owner.token, id, { name: 'plan.pdf', bytes: minimalPdf() });
    const list = await api.request(owner.token, 'GET', `/api/v1/profiles/${id}/attachments`);
    for (const [name, body] of [
      ['CreatedAttachment', created.body],
      ['AttachmentList', list.body],
    ] as const) {
      const validate = ajv.compile({ $ref: `doc#/components/schemas/${name}` });
      expect(validate(body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
    const post = doc.paths['/api/v1/profiles/{id}/attachments'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(Object.keys(post.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '500',
    ]);
  });
});
