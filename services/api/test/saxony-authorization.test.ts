import { exampleProposal, SCORING } from '@steckbrief/workflow-sachsen-strukturentwicklung';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, completeProfile, type HttpResult, startTestApi, type TestApi } from './helpers.js';

/**
 * Who may do what in the Saxon procedure, next to Brandenburg in one deployment: every event type × every
 * role, each in the state where the event is allowed. 200 = allowed; 403 = the caller sees the proposal but
 * may not send the event; 404 = the caller may not even see it. Plus reads, lists and sessions: a Saxon
 * reviewer sees no Brandenburg profile and Brandenburg's office no Saxon one.
 */

const SAXONY = 'sachsen-strukturentwicklung';
const ROLES = [
  'owner',
  'otherOrg',
  'landkreis',
  'otherLandkreis',
  'vorpruefstelle',
  'sas',
  'imag',
  'rba',
  'otherRba',
  'bund',
  'wrl',
  'operator',
  'admin',
] as const;
type Role = (typeof ROLES)[number];

let api: TestApi;
const tokens = {} as Record<Role, string>;
let brandenburgApplicant: string;

beforeAll(async () => {
  api = await startTestApi('saxony-authorization');
  const users = await Promise.all([
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
    api.user([{ role: 'wrl' }]),
    api.user([{ role: 'operator' }]),
  ]);
  ROLES.forEach((role, i) => {
    tokens[role] = users[i]?.token ?? ADMIN_TOKEN;
  });
  brandenburgApplicant = (await api.user([{ role: 'applicant' }], 'Gemeinde Burg')).token;
});
afterAll(async () => {
  await api?.close();
});

const ratings = Object.fromEntries(SCORING.criteria.map((c) => [c.id, 8]));

const proposal = exampleProposal;

async function send(role: Role, id: string, type: string, payload?: unknown) {
  return api.request(tokens[role], 'POST', `/api/v1/profiles/${id}/events`, { type, payload });
}

async function must(role: Role, id: string, type: string, payload?: unknown) {
  const res = await send(role, id, type, payload);
  expect(res.status, `${role} ${type}: ${JSON.stringify(res.body)}`).toBe(200);
}

async function create(role: Role, data = proposal()): Promise<string> {
  const created = await api.request(tokens[role], 'POST', '/api/v1/profiles', { workflow: SAXONY, data });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
}

/** A fresh proposal of the owner (Landkreis Görlitz, Lausitzer Revier) in `state`; `revision` asked by the Landkreis. */
async function profileIn(state: string): Promise<string> {
  const id = await create('owner');
  const path: Array<[string, Role, string, unknown]> = [
    ['landkreis_review', 'owner', 'SUBMIT', undefined],
    ['vorpruefung', 'landkreis', 'FORWARD', {}],
    ['sas_check', 'vorpruefstelle', 'PRECHECK', {}],
    ['imag_statement', 'sas', 'SCORE', { ratings, recommendation: 'Förderempfehlung' }],
    ['rba_pending', 'imag', 'STATEMENT', { opinion: 'endorse', text: 'Zustimmung.' }],
    ['bund_review', 'rba', 'APPROVE', {}],
  ];
  const steps: typeof path =
    state === 'revision'
      ? [path[0] as (typeof path)[number], ['revision', 'landkreis', 'REQUEST_REVISION', { reason: 'Bitte ergänzen.' }]]
      : path;
  let current = 'draft';
  for (const [to, role, type, payload] of steps) {
    if (current === state) break;
    await must(role, id, type, payload);
    current = to;
  }
  expect(current).toBe(state);
  return id;
}

interface Row {
  event: string;
  state: string;
  payload?: unknown;
  expect: Record<Role, number>;
}

const row = (event: string, state: string, payload: unknown, statuses: number[]): Row => ({
  event,
  state,
  payload,
  expect: Object.fromEntries(ROLES.map((r, i) => [r, statuses[i]])) as Record<Role, number>,
});

const reason = { reason: 'Begründung.' };

// The columns follow ROLES.
// biome-ignore format: the matrix reads as a table
const MATRIX: Row[] = [
  //                                                                                                 owner othOrg lk  othLk  vp   sas  imag rba othRba bund wrl  oper admin
  row('SUBMIT',           'draft',            undefined,                                            [200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
  row('RESUBMIT',         'revision',         undefined,                                            [200, 404, 403, 404, 403, 403, 403, 403, 404, 403, 404, 404, 404]),
  row('WITHDRAW',         'draft',            {},                                                   [200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
  row('WITHDRAW',         'rba_pending',      {},                                                   [200, 404, 403, 404, 403, 403, 403, 403, 404, 403, 404, 404, 404]),
  row('FORWARD',          'landkreis_review', {},                                                   [403, 404, 200, 404, 403, 403, 403, 403, 404, 403, 404, 404, 404]),
  row('REQUEST_REVISION', 'landkreis_review', reason,                                               [403, 404, 200, 404, 403, 403, 403, 403, 404, 403, 404, 404, 404]),
  row('REQUEST_REVISION', 'vorpruefung',      reason,                                               [403, 404, 403, 404, 200, 403, 403, 403, 404, 403, 404, 404, 404]),
  row('REQUEST_REVISION', 'sas_check',        reason,                                               [403, 404, 403, 404, 403, 200, 403, 403, 404, 403, 404, 404, 404]),
  row('PRECHECK',         'vorpruefung',      { findings: 'Keine Bedenken.' },                      [403, 404, 403, 404, 200, 403, 403, 403, 404, 403, 404, 404, 404]),
  row('REJECT',           'vorpruefung',      reason,                                               [403, 404, 403, 404, 200, 403, 403, 403, 404, 403, 404, 404, 404]),
  row('REJECT',           'sas_check',        reason,                                               [403, 404, 403, 404, 403, 200, 403, 403, 404, 403, 404, 404, 404]),
  row('REJECT',           'rba_pending',      reason,                                               [403, 404, 403, 404, 403, 403, 403, 200, 404, 403, 404, 404, 404]),
  row('SCORE',            'sas_check',        { ratings, recommendation: 'Empfohlen.' },            [403, 404, 403, 404, 403, 200, 403, 403, 404, 403, 404, 404, 404]),
  row('STATEMENT',        'imag_statement',   { opinion: 'endorse', text: 'Ja.' },                  [403, 404, 403, 404, 403, 403, 200, 403, 404, 403, 404, 404, 404]),
  row('APPROVE',          'rba_pending',      {},                                                   [403, 404, 403, 404, 403, 403, 403, 200, 404, 403, 404, 404, 404]),
  row('SET_ASIDE',        'rba_pending',      reason,                                               [403, 404, 403, 404, 403, 403, 403, 200, 404, 403, 404, 404, 404]),
  row('NO_OBJECTIONS',    'bund_review',      {},                                                   [403, 404, 403, 404, 403, 403, 403, 403, 404, 200, 404, 404, 404]),
  row('OBJECTION',        'bund_review',      { consequence: 'end', ...reason },                    [403, 404, 403, 404, 403, 403, 403, 403, 404, 200, 404, 404, 404]),
];

describe.each(MATRIX)('$event in $state', ({ event, state, payload, expect: statuses }) => {
  // Refusals change nothing, so they share one proposal; each allowed send gets a fresh one.
  let shared: string;
  beforeAll(async () => {
    shared = await profileIn(state);
  });

  it.each(ROLES.map((role) => [role, statuses[role]] as const))('%s → %i', async (role, status) => {
    const id = status === 200 ? await profileIn(state) : shared;
    const before = await api.request(tokens.owner, 'GET', `/api/v1/profiles/${id}`);
    const res = await send(role, id, event, payload);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    const after = await api.request(tokens.owner, 'GET', `/api/v1/profiles/${id}`);
    if (status === 200) {
      expect(after.body.version).toBe(before.body.version + 1);
      return;
    }
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.state).toBe(state);
  });
});

describe('reading a proposal', () => {
  // biome-ignore format: the matrix reads as a table
  const READ: Array<[string, number[]]> = [
    //                    owner othOrg lk othLk vp  sas  imag rba othRba bund wrl oper admin
    ['draft',            [200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]],
    ['landkreis_review', [200, 404, 200, 404, 200, 200, 200, 200, 404, 200, 404, 404, 404]],
    ['bund_review',      [200, 404, 200, 404, 200, 200, 200, 200, 404, 200, 404, 404, 404]],
  ];

  it.each(READ)(
    'in %s answers each role with its visibility, for the proposal and its history alike',
    async (state, statuses) => {
      const id = await profileIn(state);
      for (const [i, role] of ROLES.entries()) {
        const profile = await api.request(tokens[role], 'GET', `/api/v1/profiles/${id}`);
        expect(profile.status, `${role} GET profile`).toBe(statuses[i]);
        const history = await api.request(tokens[role], 'GET', `/api/v1/profiles/${id}/history`);
        expect(history.status, `${role} GET history`).toBe(statuses[i]);
      }
    },
  );
});

async function listAll(token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const params: URLSearchParams = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const res: HttpResult = await api.request(token, 'GET', `/api/v1/profiles?${params}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.items.map((p: { id: string }) => p.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

describe('listing proposals next to Brandenburg profiles', () => {
  const ids = {} as Record<'goerlitz' | 'countyOwned' | 'leipzig' | 'draft' | 'brandenburg', string>;
  beforeAll(async () => {
    ids.goerlitz = await profileIn('landkreis_review');
    ids.draft = await profileIn('draft');
    ids.leipzig = await create(
      'owner',
      proposal({ location: { municipality: 'Markkleeberg', landkreis: 'leipzig_land' }, revier: 'mitteldeutschland' }),
    );
    await must('owner', ids.leipzig, 'SUBMIT');
    ids.countyOwned = await create(
      'otherOrg',
      proposal({
        sponsor: { name: 'Landkreis Bautzen', kind: 'county' },
        location: { municipality: 'Bautzen', landkreis: 'bautzen' },
      }),
    );
    await must('otherOrg', ids.countyOwned, 'SUBMIT');
    const bb = await api.request(brandenburgApplicant, 'POST', '/api/v1/profiles', { data: completeProfile() });
    ids.brandenburg = bb.body.id;
    const submitted = await api.request(brandenburgApplicant, 'POST', `/api/v1/profiles/${ids.brandenburg}/events`, {
      type: 'SUBMIT',
    });
    expect(submitted.body.state).toBe('intake');
  });

  // biome-ignore format: the list reads as a table
  const VISIBLE: Array<[Role, Array<keyof typeof ids>]> = [
    ['owner',          ['goerlitz', 'leipzig', 'draft']],
    ['otherOrg',       ['countyOwned']],
    ['landkreis',      ['goerlitz']],
    ['otherLandkreis', []],
    ['vorpruefstelle', ['goerlitz', 'leipzig', 'countyOwned']],
    ['sas',            ['goerlitz', 'leipzig', 'countyOwned']],
    ['imag',           ['goerlitz', 'leipzig', 'countyOwned']],
    ['rba',            ['goerlitz', 'countyOwned']],
    ['otherRba',       ['leipzig']],
    ['bund',           ['goerlitz', 'leipzig', 'countyOwned']],
    ['wrl',            ['brandenburg']],
    ['operator',       []],
    ['admin',          []],
  ];

  it.each(VISIBLE)('shows %s exactly the profiles it may see', async (role, visible) => {
    const listed = new Set(await listAll(tokens[role]));
    const seen = (Object.keys(ids) as Array<keyof typeof ids>).filter((k) => listed.has(ids[k]));
    expect(seen.sort()).toEqual([...visible].sort());
  });

  it('answers a Saxon reviewer’s read of a Brandenburg profile, and the WRL office’s read of a Saxon one, with 404', async () => {
    expect((await api.request(tokens.sas, 'GET', `/api/v1/profiles/${ids.brandenburg}`)).status).toBe(404);
    expect((await api.request(tokens.bund, 'GET', `/api/v1/profiles/${ids.brandenburg}`)).status).toBe(404);
    expect((await api.request(tokens.wrl, 'GET', `/api/v1/profiles/${ids.goerlitz}`)).status).toBe(404);
  });
});

describe('RBA sessions', () => {
  it('are planned by the SAS only, and seen by the RBA of their Revier only', async () => {
    const body = {
      workflow: SAXONY,
      kind: 'rba',
      revier: 'lausitz',
      date: '2030-09-08',
      title: 'RBA Lausitz, September',
    };
    expect((await api.request(tokens.wrl, 'POST', '/api/v1/sessions', body)).status).toBe(403);
    expect((await api.request(tokens.rba, 'POST', '/api/v1/sessions', body)).status).toBe(403);
    const created = await api.request(tokens.sas, 'POST', '/api/v1/sessions', body);
    expect(created.status).toBe(201);
    const path = `/api/v1/sessions/${created.body.id}`;
    expect((await api.request(tokens.rba, 'GET', path)).status).toBe(200);
    expect((await api.request(tokens.otherRba, 'GET', path)).status).toBe(404);
    expect((await api.request(tokens.wrl, 'GET', path)).status).toBe(404);
  });

  it('refuses a session for an unknown Revier with 422', async () => {
    const res = await api.request(tokens.sas, 'POST', '/api/v1/sessions', {
      workflow: SAXONY,
      kind: 'rba',
      revier: 'ruhr',
      date: '2030-09-08',
      title: 'RBA Ruhr',
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.revier' })]);
  });

  it('keeps Brandenburg’s sessions to the WRL office', async () => {
    const body = { kind: 'werkstatt', werkstatt: 4, date: '2030-09-08', title: 'Werkstatt 4, September' };
    expect((await api.request(tokens.sas, 'POST', '/api/v1/sessions', body)).status).toBe(403);
    expect((await api.request(tokens.wrl, 'POST', '/api/v1/sessions', body)).status).toBe(201);
  });
});
