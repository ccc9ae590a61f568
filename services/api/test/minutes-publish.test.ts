import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';

describe('publishing minutes through the API', () => {
  let api: TestApi;
  const u: Record<string, { id: string; token: string }> = {};

  beforeAll(async () => {
    api = await startTestApi('minutes-publish');
    u.applicant = await api.user([{ role: 'applicant' }], 'Stadt Cottbus');
    u.wrl = await api.user([{ role: 'wrl' }]);
    u.w4 = await api.user([{ role: 'werkstatt', werkstatt: 4 }]);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function session(date: string): Promise<string> {
    const res = await api.request(u.wrl!.token, 'POST', '/api/v1/sessions', {
      kind: 'werkstatt',
      werkstatt: 4,
      date,
      title: `Werkstatt 4 am ${date}`,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function sessionWithDecision(date: string): Promise<string> {
    const created = await api.request(u.applicant!.token, 'POST', '/api/v1/profiles', {
      data: completeProfile({ title: 'Radweg Spremberg' }),
    });
    const pid = created.body.id as string;
    await api.request(u.applicant!.token, 'POST', `/api/v1/profiles/${pid}/events`, { type: 'SUBMIT' });
    await api.request(u.wrl!.token, 'POST', `/api/v1/profiles/${pid}/events`, {
      type: 'ACCEPT',
      payload: { werkstatt: 4 },
    });
    const sid = await session(date);
    expect(
      (await api.request(u.wrl!.token, 'PUT', `/api/v1/sessions/${sid}/agenda`, { profileIds: [pid] })).status,
    ).toBe(200);
    const decided = await api.request(u.w4!.token, 'POST', `/api/v1/sessions/${sid}/decisions`, {
      decisions: [{ profileId: pid, type: 'VOTE', payload: { votum: 'negative', reason: 'Kein Strukturbezug.' } }],
    });
    expect(decided.body.results[0].status).toBe('applied');
    return sid;
  }

  it('publishes for the session manager, shows the instant on the session, and a second publication keeps it', async () => {
    const sid = await sessionWithDecision('2099-03-01');
    const first = await api.request(u.wrl!.token, 'POST', `/api/v1/sessions/${sid}/minutes/publish`);
    expect(first.status).toBe(200);
    expect(first.body.sessionId).toBe(sid);
    expect(typeof first.body.publishedAt).toBe('string');
    const again = await api.request(u.wrl!.token, 'POST', `/api/v1/sessions/${sid}/minutes/publish`);
    expect(again.status).toBe(200);
    expect(again.body.publishedAt).toBe(first.body.publishedAt);
    const view = await api.request(u.w4!.token, 'GET', `/api/v1/sessions/${sid}`);
    expect(view.body.minutesPublishedAt).toBe(first.body.publishedAt);
  });

  it('answers two publications at once with the same instant', async () => {
    const sid = await sessionWithDecision('2099-03-04');
    const both = await Promise.all(
      [0, 1].map(() => api.request(u.wrl!.token, 'POST', `/api/v1/sessions/${sid}/minutes/publish`)),
    );
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both[1]!.body.publishedAt).toBe(both[0]!.body.publishedAt);
  });

  it('answers 403 to a member of the session and 404 to an applicant', async () => {
    const sid = await sessionWithDecision('2099-03-02');
    const member = await api.request(u.w4!.token, 'POST', `/api/v1/sessions/${sid}/minutes/publish`);
    expect(member.status).toBe(403);
    const applicant = await api.request(u.applicant!.token, 'POST', `/api/v1/sessions/${sid}/minutes/publish`);
    expect(applicant.status).toBe(404);
    const unknown = await api.request(
      u.wrl!.token,
      'POST',
      '/api/v1/sessions/00000000-0000-4000-8000-000000000000/minutes/publish',
    );
    expect(unknown.status).toBe(404);
  });

  it('answers 409 for a future session without decisions, and publishes a past one without', async () => {
    const future = await session('2099-04-01');
    const refused = await api.request(u.wrl!.token, 'POST', `/api/v1/sessions/${future}/minutes/publish`);
    expect(refused.status).toBe(409);
    const past = await session('2025-01-15');
    const published = await api.request(u.wrl!.token, 'POST', `/api/v1/sessions/${past}/minutes/publish`);
    expect(published.status).toBe(200);
    expect(published.body.publishedAt).not.toBeNull();
  });

  it('withdraws a publication, twice without error, and the session shows none', async () => {
    const sid = await sessionWithDecision('2099-03-03');
    await api.request(u.wrl!.token, 'POST', `/api/v1/sessions/${sid}/minutes/publish`);
    for (let i = 0; i < 2; i++) {
      const res = await api.request(u.wrl!.token, 'DELETE', `/api/v1/sessions/${sid}/minutes/publish`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sessionId: sid, publishedAt: null });
    }
    expect((await api.request(u.wrl!.token, 'GET', `/api/v1/sessions/${sid}`)).body.minutesPublishedAt).toBeNull();
  });
});
