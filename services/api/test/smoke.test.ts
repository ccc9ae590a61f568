import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('smoke');
});
afterAll(async () => {
  await api?.close();
});

describe('smoke', () => {
  it('runs a profile from draft to confirmed', async () => {
    const applicant = await api.user([{ role: 'applicant' }], 'Gemeinde Burg');
    const wrl = await api.user([{ role: 'wrl' }]);
    const w4 = await api.user([{ role: 'werkstatt', werkstatt: 4 }]);
    const mil = await api.user([{ role: 'ministry', ministry: 'MIL' }]);
    const mwae = await api.user([{ role: 'ministry', ministry: 'MWAE' }]);
    const commissioner = await api.user([{ role: 'commissioner' }]);
    const imag = await api.user([{ role: 'imag' }]);

    const created = await api.request(applicant.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    const send = async (token: string, type: string, payload?: unknown) => {
      const res = await api.request(token, 'POST', `/api/v1/profiles/${id}/events`, { type, payload });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    await send(applicant.token, 'SUBMIT');
    await send(wrl.token, 'ACCEPT', { werkstatt: 4 });
    await send(w4.token, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE'] });
    await send(mil.token, 'STATEMENT', { opinion: 'endorse', text: 'Gut.' });
    await send(mwae.token, 'STATEMENT', { opinion: 'concerns', text: 'Kosten prüfen.' });
    await send(commissioner.token, 'APPROVE');
    const final = await send(imag.token, 'CONFIRM', { priority: 1 });
    expect(final.state).toBe('confirmed');
    const history = await api.request(applicant.token, 'GET', `/api/v1/profiles/${id}/history`);
    expect(history.body.items.map((h: any) => h.event)).toEqual([
      'CREATE',
      'SUBMIT',
      'ACCEPT',
      'VOTE',
      'STATEMENT',
      'STATEMENT',
      'APPROVE',
      'CONFIRM',
    ]);
    // One outbox row per history entry, each listing that entry's side effects.
    const outbox = await api.database.db.selectFrom('outbox').select(['topic', 'cause']).orderBy('id').execute();
    expect(outbox.map((o) => o.topic)).toEqual(Array(8).fill('transition'));
  });
});
