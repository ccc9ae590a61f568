import { exampleProposal, SCORING } from '@steckbrief/workflow-sachsen-strukturentwicklung';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.js';

/**
 * The Saxon proposal procedure (workflow `sachsen-strukturentwicklung`) through the HTTP API, in the same
 * deployment as Brandenburg: Landkreis, Vorprüfstelle, SAS score, IMAG statement, the RBA of the Revier in
 * sessions (approve, set aside, agenda ranked by score) and the Bund.
 */

const SAXONY = 'sachsen-strukturentwicklung';
const CRITERIA = SCORING.criteria.map((c) => c.id);
const ratings = (points: number) => Object.fromEntries(CRITERIA.map((c) => [c, points]));

const proposal = exampleProposal;

let api: TestApi;
const u = {} as Record<
  | 'applicant'
  | 'county'
  | 'landkreis'
  | 'otherLandkreis'
  | 'vorpruefstelle'
  | 'sas'
  | 'imag'
  | 'rba'
  | 'otherRba'
  | 'bund',
  { id: string; token: string }
>;

beforeAll(async () => {
  api = await startTestApi('saxony');
  const [applicant, county, landkreis, otherLandkreis, vorpruefstelle, sas, imag, rba, otherRba, bund] =
    await Promise.all([
      api.user([{ role: 'applicant' }], 'Stadt Weißwasser'),
      api.user([{ role: 'applicant' }], 'Landkreis Bautzen'),
      api.user([{ role: 'landkreis', landkreis: 'goerlitz' }]),
      api.user([{ role: 'landkreis', landkreis: 'bautzen' }]),
      api.user([{ role: 'vorpruefstelle' }]),
      api.user([{ role: 'sas' }]),
      api.user([{ role: 'imag-sachsen' }]),
      api.user([{ role: 'rba', revier: 'lausitz' }]),
      api.user([{ role: 'rba', revier: 'mitteldeutschland' }]),
      api.user([{ role: 'bund' }]),
    ]);
  Object.assign(u, { applicant, county, landkreis, otherLandkreis, vorpruefstelle, sas, imag, rba, otherRba, bund });
});
afterAll(async () => {
  await api?.close();
});

async function send(token: string, id: string, type: string, payload?: Record<string, unknown>) {
  const res = await api.request(token, 'POST', `/api/v1/profiles/${id}/events`, { type, payload });
  expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

async function create(token: string, data: Record<string, unknown>): Promise<string> {
  const res = await api.request(token, 'POST', '/api/v1/profiles', { workflow: SAXONY, data });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.workflow).toBe(SAXONY);
  return res.body.id;
}

/** A municipality's proposal driven through Landkreis, Vorprüfstelle, SAS score and IMAG to the RBA. */
async function beforeRba(points: number, title: string): Promise<string> {
  const id = await create(u.applicant.token, proposal({ title }));
  await send(u.applicant.token, id, 'SUBMIT');
  await send(u.landkreis.token, id, 'FORWARD');
  await send(u.vorpruefstelle.token, id, 'PRECHECK', { findings: 'Genehmigungsfähig.' });
  await send(u.sas.token, id, 'SCORE', { ratings: ratings(points), recommendation: 'Förderempfehlung' });
  const body = await send(u.imag.token, id, 'STATEMENT', { opinion: 'endorse', text: 'Die Ressorts stimmen zu.' });
  expect(body.state).toBe('rba_pending');
  return id;
}

async function rbaSession(date: string, title: string) {
  const res = await api.request(u.sas.token, 'POST', '/api/v1/sessions', {
    workflow: SAXONY,
    kind: 'rba',
    revier: 'lausitz',
    date,
    title,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function decide(sessionId: string, decisions: Array<Record<string, unknown>>) {
  const res = await api.request(u.rba.token, 'POST', `/api/v1/sessions/${sessionId}/decisions`, { decisions });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.results as Array<{ profileId: string; status: string; state?: string; problem?: any }>;
}

const tasksOf = async (token: string, id: string) =>
  ((await api.request(token, 'GET', `/api/v1/profiles/${id}`)).body.tasks as any[]).map((t) =>
    `${t.kind} ${t.role} ${t.scope ?? ''}`.trim(),
  );

describe('a municipality’s proposal', () => {
  it('goes through Landkreis, Vorprüfstelle, SAS, IMAG, an RBA session and the Bund to confirmed', async () => {
    const id = await create(u.applicant.token, proposal());
    const submitted = await send(u.applicant.token, id, 'SUBMIT');
    expect(submitted.state).toBe('landkreis_review');
    expect(await tasksOf(u.landkreis.token, id)).toEqual(['landkreis_review landkreis landkreis:goerlitz']);

    expect((await send(u.landkreis.token, id, 'FORWARD')).state).toBe('vorpruefung');
    expect((await send(u.vorpruefstelle.token, id, 'PRECHECK')).state).toBe('sas_check');
    const scored = await send(u.sas.token, id, 'SCORE', { ratings: ratings(8), recommendation: 'Förderempfehlung' });
    expect(scored.state).toBe('imag_statement');
    const stated = await send(u.imag.token, id, 'STATEMENT', { opinion: 'endorse', text: 'Die Ressorts stimmen zu.' });
    expect(stated.state).toBe('rba_pending');
    expect((await tasksOf(u.sas.token, id)).sort()).toEqual(['plan_rba_agenda sas', 'rba_decision rba revier:lausitz']);

    const session = await rbaSession('2030-03-10', 'RBA Lausitz, März');
    expect(session).toMatchObject({ workflow: SAXONY, kind: 'rba', scopeValue: 'lausitz' });
    const agenda = await api.request(u.sas.token, 'PUT', `/api/v1/sessions/${session.id}/agenda`, { profileIds: [id] });
    expect(agenda.status, JSON.stringify(agenda.body)).toBe(200);
    expect(await decide(session.id, [{ profileId: id, type: 'APPROVE' }])).toMatchObject([
      { profileId: id, status: 'applied', state: 'bund_review' },
    ]);

    const confirmed = await send(u.bund.token, id, 'NO_OBJECTIONS');
    expect(confirmed.state).toBe('confirmed');
    expect(confirmed.stateLabel).toEqual({ de: 'Bestätigt, Antrag bei der SAB', en: 'Confirmed, apply at the SAB' });
    expect(await tasksOf(u.applicant.token, id)).toEqual([expect.stringMatching(/^apply_at_sab applicant owner:/)]);
    const history = await api.request(u.applicant.token, 'GET', `/api/v1/profiles/${id}/history`);
    expect(history.body.items.map((h: any) => h.event)).toEqual([
      'CREATE',
      'SUBMIT',
      'FORWARD',
      'PRECHECK',
      'SCORE',
      'STATEMENT',
      'APPROVE',
      'NO_OBJECTIONS',
    ]);
  });
});

describe('a proposal with a low score', () => {
  it('is ranked below a better one, set aside, carried to the next RBA session and approved there with a reason', async () => {
    const low = await beforeRba(3, 'Bürgerhaus Rietschen');
    const high = await beforeRba(9, 'Technologiezentrum Hoyerswerda');
    const first = await rbaSession('2030-04-14', 'RBA Lausitz, April');
    const agenda = await api.request(u.sas.token, 'PUT', `/api/v1/sessions/${first.id}/agenda`, {
      profileIds: [low, high],
    });
    expect(agenda.body.agenda.map((a: any) => a.profileId)).toEqual([high, low]);

    const results = await decide(first.id, [
      { profileId: high, type: 'APPROVE' },
      { profileId: low, type: 'SET_ASIDE', payload: { reason: 'Mindestpunktzahl nicht erreicht.' } },
    ]);
    expect(results.map((r) => [r.status, r.state])).toEqual([
      ['applied', 'bund_review'],
      ['applied', 'rba_pending'],
    ]);

    const next = await rbaSession('2030-06-16', 'RBA Lausitz, Juni');
    expect(next.agenda).toMatchObject([{ profileId: low, carriedFrom: first.id }]);
    const [refused] = await decide(next.id, [{ profileId: low, type: 'APPROVE' }]);
    expect(refused).toMatchObject({ status: 'failed', problem: { status: 422 } });
    expect(refused?.problem.errors[0].message).toContain('unter der Mindestpunktzahl');
    const [approved] = await decide(next.id, [
      { profileId: low, type: 'APPROVE', payload: { reason: 'Bergbaugemeinde; Mittel im Revier verfügbar.' } },
    ]);
    expect(approved).toMatchObject({ status: 'applied', state: 'bund_review' });

    const minutes = await api.request(u.rba.token, 'GET', `/api/v1/sessions/${next.id}/minutes`);
    expect(minutes.status).toBe(200);
    expect(minutes.body).toContain('Bürgerhaus Rietschen');
  });
});

describe('set-aside proposals', () => {
  it('come onto the next RBA session’s agenda ranked by score, not by when they were set aside', async () => {
    const lower = await beforeRba(3, 'Dorfgemeinschaftshaus Trebendorf');
    const higher = await beforeRba(5, 'Radweg Schleife');
    const first = await rbaSession('2031-02-10', 'RBA Lausitz, Februar 2031');
    await api.request(u.sas.token, 'PUT', `/api/v1/sessions/${first.id}/agenda`, { profileIds: [lower, higher] });
    await decide(first.id, [
      { profileId: lower, type: 'SET_ASIDE', payload: { reason: 'Mindestpunktzahl nicht erreicht.' } },
    ]);
    await decide(first.id, [
      { profileId: higher, type: 'SET_ASIDE', payload: { reason: 'Mindestpunktzahl nicht erreicht.' } },
    ]);
    const next = await rbaSession('2031-04-14', 'RBA Lausitz, April 2031');
    expect(next.agenda.map((a: any) => a.profileId)).toEqual([higher, lower]);
  });
});

describe('the cut-off before an RBA session', () => {
  it('keeps a proposal submitted within six weeks of the session off its agenda, and names the cut-off', async () => {
    const id = await beforeRba(8, 'Schulcampus Boxberg');
    const soon = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const session = await rbaSession(soon, 'RBA Lausitz, Sondersitzung');
    const expected = new Date(Date.parse(soon) - 42 * 86_400_000).toISOString().slice(0, 10);
    expect(session.cutOffDate).toBe(expected);
    const res = await api.request(u.sas.token, 'PUT', `/api/v1/sessions/${session.id}/agenda`, { profileIds: [id] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'body.profileIds.0', message: expect.stringContaining(`nach dem Stichtag ${expected}`) },
    ]);
  });
});

describe('an objection of the Bund', () => {
  it('returns the proposal to the SAS for a new score, or ends it as rejected', async () => {
    const returned = await beforeRba(8, 'Hafen Mühlrose');
    const session = await rbaSession('2030-05-12', 'RBA Lausitz, Mai');
    await api.request(u.sas.token, 'PUT', `/api/v1/sessions/${session.id}/agenda`, { profileIds: [returned] });
    await decide(session.id, [{ profileId: returned, type: 'APPROVE' }]);
    const back = await send(u.bund.token, returned, 'OBJECTION', {
      consequence: 'return',
      reason: 'Abgrenzung zu Bundesprogrammen darlegen.',
    });
    expect(back.state).toBe('sas_check');
    expect(await tasksOf(u.sas.token, returned)).toEqual(['sas_check sas']);

    const ended = await send(u.sas.token, returned, 'SCORE', {
      ratings: ratings(7),
      recommendation: 'Erneut empfohlen',
    });
    expect(ended.state).toBe('imag_statement');
    await send(u.imag.token, returned, 'STATEMENT', { opinion: 'endorse', text: 'Weiterhin Zustimmung.' });
    const again = await rbaSession('2030-07-14', 'RBA Lausitz, Juli');
    await api.request(u.sas.token, 'PUT', `/api/v1/sessions/${again.id}/agenda`, { profileIds: [returned] });
    await decide(again.id, [{ profileId: returned, type: 'APPROVE' }]);
    const rejected = await send(u.bund.token, returned, 'OBJECTION', {
      consequence: 'end',
      reason: 'Doppelförderung durch ein Bundesprogramm.',
    });
    expect(rejected.state).toBe('rejected');
    expect(rejected.tasks).toEqual([]);
  });
});

describe('a county-owned project', () => {
  it('skips the Landkreis: straight to the pre-check, unseen by the Landkreis reviewers', async () => {
    const id = await create(
      u.county.token,
      proposal({
        title: 'Kreisstraße K 7217 Ausbau',
        sponsor: { name: 'Landkreis Bautzen', kind: 'county' },
        location: { municipality: 'Bautzen', landkreis: 'bautzen' },
      }),
    );
    const submitted = await send(u.county.token, id, 'SUBMIT');
    expect(submitted.state).toBe('vorpruefung');
    expect(submitted.tasks.map((t: any) => t.kind)).toEqual(['precheck']);
    expect((await api.request(u.otherLandkreis.token, 'GET', `/api/v1/profiles/${id}`)).status).toBe(404);
    expect((await api.request(u.vorpruefstelle.token, 'GET', `/api/v1/profiles/${id}`)).status).toBe(200);
    expect((await send(u.vorpruefstelle.token, id, 'PRECHECK')).state).toBe('sas_check');
  });
});

describe('submission rules', () => {
  it('refuses a proposal in a flood area, longer than five years or below 25 000 EUR, naming each field', async () => {
    const id = await create(
      u.applicant.token,
      proposal({ outsideFloodArea: false, endDate: '2032-04-02', requestedFundingEur: 20_000 }),
    );
    const res = await api.request(u.applicant.token, 'POST', `/api/v1/profiles/${id}/events`, { type: 'SUBMIT' });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: any) => e.path).sort()).toEqual([
      'data.endDate',
      'data.outsideFloodArea',
      'data.requestedFundingEur',
    ]);
  });

  it('filters the list by Revier and refuses an unknown Revier with 422', async () => {
    const lausitz = await api.request(u.sas.token, 'GET', '/api/v1/profiles?revier=lausitz&limit=100');
    expect(lausitz.status).toBe(200);
    expect(lausitz.body.items.length).toBeGreaterThan(0);
    const other = await api.request(u.sas.token, 'GET', '/api/v1/profiles?revier=mitteldeutschland');
    expect(other.body.items).toEqual([]);
    expect((await api.request(u.sas.token, 'GET', '/api/v1/profiles?revier=ruhr')).status).toBe(422);
  });
});

describe('the Saxon budget', () => {
  it('counts against the definition’s own period, grouped by Revier, for the roles that see every Saxon proposal', async () => {
    await beforeRba(8, 'Stadtbad Niesky');
    const res = await api.request(u.sas.token, 'GET', `/api/v1/budget?workflow=${SAXONY}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.workflow).toBe(SAXONY);
    expect(res.body.periods).toEqual([
      expect.objectContaining({ id: '2020-2038', from: '2020-01-01', to: '2038-12-31', budgetCents: 3_530_000_000_00 }),
    ]);
    expect(Object.keys(res.body.periods[0].groups)).toEqual(['lausitz']);
    expect((await api.request(u.rba.token, 'GET', `/api/v1/budget?workflow=${SAXONY}`)).status).toBe(403);
  });
});
