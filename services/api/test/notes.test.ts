import { addNote } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';

/**
 * Internal notes (issue 11): `NOTE` history entries written by reviewers (the web pages' note form,
 * engine `addNote`). The API's history shows them to the reviewing roles and never to the applicant.
 */

type User = { id: string; token: string };
let api: TestApi;
let owner: User, wrl: User, w4: User;
let profileId: string;
const NOTE = 'Interne Notiz: Kofinanzierung des Landkreises noch offen.';

const history = async (user: User) => {
  const res = await api.request(user.token, 'GET', `/api/v1/profiles/${profileId}/history`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as Array<{ event: string; payload: Record<string, unknown> }>;
};

beforeAll(async () => {
  api = await startTestApi('notes');
  [owner, wrl, w4] = await Promise.all([
    api.user([{ role: 'applicant' }], 'Gemeinde Burg'),
    api.user([{ role: 'wrl' }]),
    api.user([{ role: 'werkstatt', werkstatt: 4 }]),
  ]);
  const created = await api.request(owner.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
  profileId = created.body.id;
  await api.request(owner.token, 'POST', `/api/v1/profiles/${profileId}/events`, { type: 'SUBMIT' });
  await api.request(wrl.token, 'POST', `/api/v1/profiles/${profileId}/events`, {
    type: 'ACCEPT',
    payload: { werkstatt: 4 },
  });
  const deps = { db: api.database.db, registry: buildRegistry() };
  await addNote(deps, { userId: wrl.id, organisation: null, grants: [{ role: 'wrl' }] }, profileId, NOTE);
});
afterAll(async () => {
  await api?.close();
});

describe('internal notes in the API history', () => {
  it('are shown to the reviewing roles with their text', async () => {
    for (const user of [wrl, w4]) {
      const notes = (await history(user)).filter((h) => h.event === 'NOTE');
      expect(notes.map((h) => h.payload)).toEqual([{ text: NOTE }]);
    }
  });

  it('are left out of the applicant’s history entirely', async () => {
    const items = await history(owner);
    expect(items.map((h) => h.event)).toEqual(['CREATE', 'SUBMIT', 'ACCEPT']);
    expect(JSON.stringify(items)).not.toContain('Kofinanzierung');
  });

  it('are left out of the applicant’s profile view', async () => {
    const res = await api.request(owner.token, 'GET', `/api/v1/profiles/${profileId}`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('Kofinanzierung');
  });
});
