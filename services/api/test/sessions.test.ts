import ical from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';

let api: TestApi;
const u: Record<string, { id: string; token: string }> = {};

beforeAll(async () => {
  api = await startTestApi('sessions', {
    fundingPeriods: [
      { id: '2020-2026', from: '2020-01-01', to: '2026-12-31', budgetCents: 1_440_000_000_00 },
      { id: '2027-2038', from: '2027-01-01', to: '2038-12-31', budgetCents: 2_160_000_000_00 },
    ],
  });
  u.applicant = await api.user([{ role: 'applicant' }], 'Stadt Cottbus');
  u.wrl = await api.user([{ role: 'wrl' }]);
  u.w4 = await api.user([{ role: 'werkstatt', werkstatt: 4 }]);
  u.w2 = await api.user([{ role: 'werkstatt', werkstatt: 2 }]);
  u.mil = await api.user([{ role: 'ministry', ministry: 'MIL' }]);
  u.mil2 = await api.user([{ role: 'ministry', ministry: 'MIL' }]);
  u.msgiv = await api.user([{ role: 'ministry', ministry: 'MSGIV' }]);
  u.commissioner = await api.user([{ role: 'commissioner' }]);
  u.imag = await api.user([{ role: 'imag' }]);
});
afterAll(async () => {
  await api?.close();
});

async function send(token: string, id: string, type: string, payload?: Record<string, unknown>) {
  const res = await api.request(token, 'POST', `/api/v1/profiles/${id}/events`, { type, payload });
  expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Create a profile and drive it to `target` along the main path. */
async function profileIn(
  target: 'intake' | 'qualification' | 'ministry_review' | 'imag_pending',
  data: Record<string, unknown> = {},
  ministries: { lead: string; others: string[] } = { lead: 'MIL', others: [] },
): Promise<string> {
  const created = await api.request(u.applicant!.token, 'POST', '/api/v1/profiles', { data: completeProfile(data) });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await send(u.applicant!.token, id, 'SUBMIT');
  if (target === 'intake') return id;
  await send(u.wrl!.token, id, 'ACCEPT', { werkstatt: 4 });
  if (target === 'qualification') return id;
  await send(u.w4!.token, id, 'VOTE', {
    votum: 'positive',
    leadMinistry: ministries.lead,
    ministries: ministries.others,
  });
  if (target === 'ministry_review') return id;
  await send(u.mil!.token, id, 'STATEMENT', { opinion: 'endorse', text: 'Einverstanden.' });
  await send(u.commissioner!.token, id, 'APPROVE');
  return id;
}

async function createSession(body: Record<string, unknown>) {
  const res = await api.request(u.wrl!.token, 'POST', '/api/v1/sessions', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('reviewer inbox', () => {
  it('shows a ministry reviewer only the tasks of their own ministry', async () => {
    const forMil = await profileIn(
      'ministry_review',
      { title: 'Zentrum für Medizintechnologien' },
      { lead: 'MIL', others: [] },
    );
    const forMsgiv = await profileIn('ministry_review', { title: 'Pflegeschule Forst' }, { lead: 'MSGIV', others: [] });
    const milInbox = await api.request(u.mil!.token, 'GET', '/api/v1/tasks');
    const msgivInbox = await api.request(u.msgiv!.token, 'GET', '/api/v1/tasks');
    const milProfiles = milInbox.body.items.map((t: any) => t.profileId);
    const msgivProfiles = msgivInbox.body.items.map((t: any) => t.profileId);
    expect(milProfiles).toContain(forMil);
    expect(milProfiles).not.toContain(forMsgiv);
    expect(msgivProfiles).toContain(forMsgiv);
    expect(msgivProfiles).not.toContain(forMil);
    const task = milInbox.body.items.find((t: any) => t.profileId === forMil);
    expect(task).toMatchObject({
      title: 'Zentrum für Medizintechnologien',
      sponsor: 'Gemeinde Burg (Spreewald)',
      state: 'ministry_review',
      stateLabel: { de: 'Ressortabstimmung' },
      label: { de: 'Stellungnahme des Ressorts abgeben' },
      overdue: false,
    });
    expect(task.dueAt).not.toBeNull();
    expect(milInbox.body.counts.byState.ministry_review).toBeGreaterThanOrEqual(1);
    // A MSGIV reviewer cannot claim or even find the MIL task.
    const claim = await api.request(u.msgiv!.token, 'POST', `/api/v1/tasks/${task.id}/claim`);
    expect(claim.status).toBe(404);
  });

  it('lets one reviewer claim a task and refuses a colleague until it is released', async () => {
    const id = await profileIn('ministry_review', {}, { lead: 'MIL', others: [] });
    const inbox = await api.request(u.mil!.token, 'GET', '/api/v1/tasks?ministry=MIL');
    const task = inbox.body.items.find((t: any) => t.profileId === id);
    const first = await api.request(u.mil!.token, 'POST', `/api/v1/tasks/${task.id}/claim`);
    expect(first.status).toBe(200);
    expect(first.body.claimedBy).toBe(u.mil!.id);
    const second = await api.request(u.mil2!.token, 'POST', `/api/v1/tasks/${task.id}/claim`);
    expect(second.status).toBe(409);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    const release = await api.request(u.mil!.token, 'POST', `/api/v1/tasks/${task.id}/release`);
    expect(release.status).toBe(200);
    expect(release.body.claimedBy).toBeNull();
    const third = await api.request(u.mil2!.token, 'POST', `/api/v1/tasks/${task.id}/claim`);
    expect(third.status).toBe(200);
    expect(third.body.claimedBy).toBe(u.mil2!.id);
  });

  it('filters by Werkstatt, overdue and due date and counts per stage', async () => {
    const id = await profileIn('intake');
    const all = await api.request(u.wrl!.token, 'GET', '/api/v1/tasks?werkstatt=4');
    const task = all.body.items.find((t: any) => t.profileId === id);
    expect(task.state).toBe('intake');
    const none = await api.request(u.wrl!.token, 'GET', '/api/v1/tasks?werkstatt=2');
    expect(none.body.items.map((t: any) => t.profileId)).not.toContain(id);
    // Move the due date into the past: the task is overdue now.
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const moved = await api.request(u.wrl!.token, 'PATCH', `/api/v1/tasks/${task.id}`, { dueAt: past });
    expect(moved.status).toBe(200);
    const overdue = await api.request(u.wrl!.token, 'GET', '/api/v1/tasks?overdue=true');
    expect(overdue.body.items.map((t: any) => t.id)).toContain(task.id);
    expect(overdue.body.items.every((t: any) => t.overdue)).toBe(true);
    expect(overdue.body.counts.overdue).toBeGreaterThanOrEqual(1);
    const dueSoon = await api.request(
      u.wrl!.token,
      'GET',
      `/api/v1/tasks?dueBefore=${encodeURIComponent(new Date().toISOString())}`,
    );
    expect(dueSoon.body.items.map((t: any) => t.id)).toContain(task.id);
    const bad = await api.request(u.wrl!.token, 'GET', '/api/v1/tasks?overdue=maybe');
    expect(bad.status).toBe(422);
  });

  it('records a due-date change in the profile history, with who changed it and the old and new date', async () => {
    const id = await profileIn('intake');
    const before = await api.request(u.wrl!.token, 'GET', `/api/v1/profiles/${id}`);
    const task = before.body.tasks[0];
    const dueAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect((await api.request(u.wrl!.token, 'PATCH', `/api/v1/tasks/${task.id}`, { dueAt })).status).toBe(200);
    // The same date again changes nothing.
    expect((await api.request(u.wrl!.token, 'PATCH', `/api/v1/tasks/${task.id}`, { dueAt })).status).toBe(200);
    const after = await api.request(u.wrl!.token, 'GET', `/api/v1/profiles/${id}`);
    expect(after.body.version).toBe(before.body.version + 1);
    const history = await api.request(u.wrl!.token, 'GET', `/api/v1/profiles/${id}/history`);
    const last = history.body.items.at(-1);
    expect(last).toMatchObject({
      seq: before.body.version + 1,
      event: 'DEADLINE',
      from: 'intake',
      to: 'intake',
      actor: { id: u.wrl!.id },
      payload: { taskId: task.id, kind: task.kind, from: task.dueAt, to: dueAt },
    });
    expect(history.body.items.filter((h: any) => h.event === 'DEADLINE')).toHaveLength(1);
  });
});

describe('task ids that are not UUIDs', () => {
  it.each([
    ['POST', `/api/v1/tasks/${'-'.repeat(36)}/claim`, undefined],
    ['POST', `/api/v1/tasks/${'a'.repeat(36)}/claim`, undefined],
    ['POST', `/api/v1/tasks/${'0'.repeat(36)}/release`, undefined],
    ['PATCH', `/api/v1/tasks/${'a'.repeat(36)}`, { dueAt: '2030-01-01T00:00:00Z' }],
  ])('answers %s %s with 404 problem+json', async (method, path, body) => {
    const res = await api.request(u.wrl!.token, method, path, body);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.type).toBe('/problems/not-found');
  });
});

describe('sessions', () => {
  it('refuses an agenda item in the wrong state and names it', async () => {
    const session = await createSession({ kind: 'imag', date: '2027-03-25', title: 'IMAG Lausitz März 2027' });
    const notReady = await profileIn('intake');
    const res = await api.request(u.wrl!.token, 'PUT', `/api/v1/sessions/${session.id}/agenda`, {
      profileIds: [notReady],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].path).toBe('body.profileIds.0');
    const after = await api.request(u.wrl!.token, 'GET', `/api/v1/sessions/${session.id}`);
    expect(after.body.agenda).toEqual([]);
  });

  it('applies 16 of 17 IMAG decisions when one is invalid, each atomically, and totals them in the minutes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 17; i++)
      ids.push(await profileIn('imag_pending', { title: `Projekt Nummer ${i + 1}`, requestedFundingEur: 100_000 + i }));
    const session = await createSession({ kind: 'imag', date: '2027-04-15', title: 'IMAG Lausitz April 2027' });
    const agenda = await api.request(u.wrl!.token, 'PUT', `/api/v1/sessions/${session.id}/agenda`, { profileIds: ids });
    expect(agenda.status).toBe(200);
    expect(agenda.body.agenda).toHaveLength(17);
    const before = await api.request(u.imag!.token, 'GET', `/api/v1/profiles/${ids[7]}`);

    const decisions = ids.map((profileId, i) =>
      i === 7
        ? { profileId, type: 'CONFIRM', payload: { priority: 'hoch' } } // invalid payload
        : i % 5 === 0
          ? { profileId, type: 'REJECT', payload: { reason: 'Nicht förderfähig.' } }
          : { profileId, type: 'CONFIRM', payload: { priority: i + 1 } },
    );
    const res = await api.request(u.imag!.token, 'POST', `/api/v1/sessions/${session.id}/decisions`, { decisions });
    expect(res.status).toBe(200);
    const applied = res.body.results.filter((r: any) => r.status === 'applied');
    const failed = res.body.results.filter((r: any) => r.status === 'failed');
    expect(applied).toHaveLength(16);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ profileId: ids[7], problem: { status: 422 } });
    expect(failed[0].problem.errors[0].path).toBe('payload.priority');

    const after = await api.request(u.imag!.token, 'GET', `/api/v1/profiles/${ids[7]}`);
    expect(after.body.state).toBe('imag_pending');
    expect(after.body.version).toBe(before.body.version);

    const minutes = await api.request(u.imag!.token, 'GET', `/api/v1/sessions/${session.id}/minutes`);
    expect(minutes.status).toBe(200);
    expect(minutes.headers.get('content-type')).toContain('text/markdown');
    const confirmed = decisions.filter((d, i) => i !== 7 && d.type === 'CONFIRM').map((d) => ids.indexOf(d.profileId));
    const volumeCents = confirmed.reduce((sum, i) => sum + (100_000 + i) * 100, 0);
    const volume = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(volumeCents / 100);
    expect(minutes.body).toContain(
      `Positiv entschieden / approved: ${confirmed.length} Projekte mit ${volume} Fördervolumen`,
    );
    expect(minutes.body).toContain('Projekte auf der Tagesordnung / projects on the agenda: 17');
    expect(minutes.body).toContain('Entschieden / decided: 16');
    expect(minutes.body).toContain('Projekt Nummer 1 ');
    expect(minutes.body).toMatch(/Abgelehnt/);

    const pdf = await fetch(`${api.url}/api/v1/sessions/${session.id}/minutes?format=pdf`, {
      headers: { authorization: `Bearer ${u.imag!.token}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    // Deciding the same item twice in one session is refused.
    const again = await api.request(u.imag!.token, 'POST', `/api/v1/sessions/${session.id}/decisions`, {
      decisions: [{ profileId: ids[1], type: 'CONFIRM', payload: {} }],
    });
    expect(again.body.results[0]).toMatchObject({ status: 'failed', problem: { status: 409 } });
  });

  it('puts a deferred profile on the next session’s agenda, whether that session exists yet or not', async () => {
    const a = await profileIn('imag_pending', { title: 'Trampolinhalle Cottbus' });
    const b = await profileIn('imag_pending', { title: 'Gesundheitslandhaus Schwarze Pumpe' });
    const first = await createSession({ kind: 'imag', date: '2028-03-01', title: 'IMAG 1/2028' });
    const second = await createSession({ kind: 'imag', date: '2028-06-01', title: 'IMAG 2/2028' });
    await api.request(u.wrl!.token, 'PUT', `/api/v1/sessions/${first.id}/agenda`, { profileIds: [a, b] });
    const res = await api.request(u.imag!.token, 'POST', `/api/v1/sessions/${first.id}/decisions`, {
      decisions: [{ profileId: a, type: 'DEFER', payload: { reason: 'Finanzierung unklar.' } }],
    });
    expect(res.body.results[0].status).toBe('applied');
    const next = await api.request(u.wrl!.token, 'GET', `/api/v1/sessions/${second.id}`);
    expect(next.body.agenda.map((i: any) => i.profileId)).toEqual([a]);
    expect(next.body.agenda[0].carriedFrom).toBe(first.id);

    // Deferred in the last planned session: it waits for the next session to be created.
    const r2 = await api.request(u.imag!.token, 'POST', `/api/v1/sessions/${second.id}/decisions`, {
      decisions: [{ profileId: a, type: 'DEFER', payload: { reason: 'Weiterhin unklar.' } }],
    });
    expect(r2.body.results[0].status).toBe('applied');
    const third = await createSession({ kind: 'imag', date: '2028-09-01', title: 'IMAG 3/2028' });
    expect(third.agenda.map((i: any) => i.profileId)).toEqual([a]);
    const profile = await api.request(u.imag!.token, 'GET', `/api/v1/profiles/${a}`);
    expect(profile.body.state).toBe('imag_pending');
  });

  it('shows Werkstatt sessions only to that Werkstatt and lets its members record the Votum', async () => {
    const id = await profileIn('qualification');
    const session = await createSession({
      kind: 'werkstatt',
      werkstatt: 4,
      date: '2027-02-10',
      title: 'Werkstatt 4, Februar 2027',
    });
    const agenda = await api.request(u.wrl!.token, 'PUT', `/api/v1/sessions/${session.id}/agenda`, {
      profileIds: [id],
    });
    expect(agenda.status).toBe(200);
    expect((await api.request(u.w2!.token, 'GET', `/api/v1/sessions/${session.id}`)).status).toBe(404);
    const res = await api.request(u.w4!.token, 'POST', `/api/v1/sessions/${session.id}/decisions`, {
      decisions: [
        { profileId: id, type: 'VOTE', payload: { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE'] } },
      ],
    });
    expect(res.body.results[0]).toMatchObject({ status: 'applied', state: 'ministry_review' });
    const minutes = await api.request(u.w4!.token, 'GET', `/api/v1/sessions/${session.id}/minutes`);
    expect(minutes.body).toContain('Positiv entschieden / approved: 1 Projekt mit');
    expect((await api.request(u.w2!.token, 'GET', `/api/v1/sessions/${session.id}/minutes`)).status).toBe(404);
    expect(
      (
        await api.request(u.w4!.token, 'POST', '/api/v1/sessions', {
          kind: 'werkstatt',
          werkstatt: 4,
          date: '2027-05-01',
          title: 'Eigene Sitzung',
        })
      ).status,
    ).toBe(403);
  });

  it('escapes HTML and Markdown from project titles in the minutes', async () => {
    const id = await profileIn('imag_pending', { title: '<script>alert(1)</script> | **fett**' });
    const session = await createSession({ kind: 'imag', date: '2029-01-10', title: 'IMAG 2029' });
    await api.request(u.wrl!.token, 'PUT', `/api/v1/sessions/${session.id}/agenda`, { profileIds: [id] });
    const minutes = await api.request(u.wrl!.token, 'GET', `/api/v1/sessions/${session.id}/minutes`);
    expect(minutes.body).not.toContain('<script>');
    expect(minutes.body).toContain('&lt;script&gt;');
    expect(minutes.body).toContain('\\*\\*fett\\*\\*');
  });
});

describe('calendar feed', () => {
  it('serves sessions and the caller’s due dates as iCalendar behind a secret URL, linking to their web pages', async () => {
    const profileId = await profileIn('intake', { title: 'Projektstudie BMX-Zentrum' });
    const session = await createSession({ kind: 'imag', date: '2030-03-25', title: 'IMAG Kalendertest' });
    const tasks = await api.request(u.wrl!.token, 'GET', '/api/v1/tasks?limit=200');
    const task = tasks.body.items.find((t: any) => t.profileId === profileId);
    const token = await api.request(u.wrl!.token, 'POST', '/api/v1/calendar/token');
    expect(token.status).toBe(201);
    const path = new URL(token.body.url).pathname;
    const res = await fetch(`${api.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const parsed = ical.sync.parseICS(await res.text());
    const events = Object.values(parsed).filter((e: any) => e.type === 'VEVENT') as any[];
    const sessionEvent = events.find((e) => String(e.summary).includes('IMAG Kalendertest'));
    const taskEvent = events.find((e) => String(e.summary).includes('Projektstudie BMX-Zentrum'));
    // node-ical gives a URL property with parameters as { params, val }.
    const urlOf = (e: any) => String(e?.url?.val ?? e?.url);
    expect(urlOf(sessionEvent)).toBe(`https://steckbrief.test/sitzungen/${session.id}`);
    expect(urlOf(taskEvent)).toBe(`https://steckbrief.test/aufgaben/${task.id}`);
    expect(events.map(urlOf).filter((url) => url.includes('/api/'))).toEqual([]);
    // Rotating the secret revokes the old URL.
    await api.request(u.wrl!.token, 'POST', '/api/v1/calendar/token');
    expect((await fetch(`${api.url}${path}`)).status).toBe(404);
    expect((await fetch(`${api.url}/calendar/not-a-real-token-at-all-xx.ics`)).status).toBe(404);
  });
});

describe('budget view', () => {
  it('sums committed and pending funding per Werkstatt and shows what an IMAG batch would commit', async () => {
    const before = await api.request(u.wrl!.token, 'GET', '/api/v1/budget');
    expect(before.status).toBe(200);
    const id = await profileIn('imag_pending', { requestedFundingEur: 2_500_000.55 });
    const session = await createSession({ kind: 'imag', date: '2031-01-15', title: 'IMAG Budgettest' });
    await api.request(u.wrl!.token, 'PUT', `/api/v1/sessions/${session.id}/agenda`, { profileIds: [id] });
    const batch = await api.request(u.wrl!.token, 'GET', `/api/v1/budget?session=${session.id}`);
    expect(batch.body.batch).toMatchObject({ count: 1, amountCents: 250_000_055 });
    await api.request(u.imag!.token, 'POST', `/api/v1/sessions/${session.id}/decisions`, {
      decisions: [{ profileId: id, type: 'CONFIRM', payload: {} }],
    });
    const after = await api.request(u.wrl!.token, 'GET', '/api/v1/budget');
    const period = (body: any) =>
      body.periods.find(
        (p: any) => p.from <= new Date().toISOString().slice(0, 10) && p.to >= new Date().toISOString().slice(0, 10),
      );
    const p0 = period(before.body);
    const p1 = period(after.body);
    expect(p1.committedCents - p0.committedCents).toBe(250_000_055);
    expect(p1.groups['4'].committedCents - (p0.groups['4']?.committedCents ?? 0)).toBe(250_000_055);
    expect(p1.remainingCents).toBe(p1.budgetCents - p1.committedCents);
    expect((await api.request(u.applicant!.token, 'GET', '/api/v1/budget')).status).toBe(403);
    expect((await api.request(u.mil!.token, 'GET', '/api/v1/budget')).status).toBe(403);
  });

  it('leaves a withdrawn agenda profile out of what an IMAG batch would commit', async () => {
    const kept = await profileIn('imag_pending', { requestedFundingEur: 1_000_000 });
    const withdrawn = await profileIn('imag_pending', { requestedFundingEur: 3_000_000 });
    const session = await createSession({ kind: 'imag', date: '2031-06-15', title: 'IMAG Rückzugstest' });
    await api.request(u.wrl!.token, 'PUT', `/api/v1/sessions/${session.id}/agenda`, { profileIds: [kept, withdrawn] });
    await send(u.applicant!.token, withdrawn, 'WITHDRAW', { reason: 'Projekt aufgegeben.' });
    const batch = await api.request(u.wrl!.token, 'GET', `/api/v1/budget?session=${session.id}`);
    expect(batch.status).toBe(200);
    expect(batch.body.batch).toMatchObject({ count: 1, amountCents: 100_000_000 });
  });
});
