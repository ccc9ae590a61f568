import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, completeProfile, startTestApi, type TestApi } from './helpers.js';

/**
 * Who may do what (SPEC §2, §6): every event type × every role, each in the state where the event is
 * allowed. 200 = allowed; 403 = the caller sees the profile but may not send the event; 404 = the
 * caller may not even see the profile. Plus authentication and list visibility.
 */

const ROLES = [
  'owner',
  'otherOrg',
  'wrl',
  'werkstatt4',
  'werkstatt2',
  'leadMinistry',
  'otherMinistry',
  'uninvolvedMinistry',
  'commissioner',
  'imag',
  'operator',
  'admin',
] as const;
type Role = (typeof ROLES)[number];

const OWNER_ORG = 'Gemeinde Burg';

let api: TestApi;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  api = await startTestApi('authorization');
  const users = await Promise.all([
    api.user([{ role: 'applicant' }], OWNER_ORG),
    api.user([{ role: 'applicant' }], 'Stadt Cottbus'),
    api.user([{ role: 'wrl' }]),
    api.user([{ role: 'werkstatt', werkstatt: 4 }]),
    api.user([{ role: 'werkstatt', werkstatt: 2 }]),
    api.user([{ role: 'ministry', ministry: 'MIL' }]),
    api.user([{ role: 'ministry', ministry: 'MWAE' }]),
    api.user([{ role: 'ministry', ministry: 'MBJS' }]),
    api.user([{ role: 'commissioner' }]),
    api.user([{ role: 'imag' }]),
    api.user([{ role: 'operator' }]),
  ]);
  ROLES.forEach((role, i) => {
    tokens[role] = users[i]?.token ?? ADMIN_TOKEN;
  });
});
afterAll(async () => {
  await api?.close();
});

async function send(role: Role, id: string, type: string, payload?: unknown) {
  return api.request(tokens[role], 'POST', `/api/v1/profiles/${id}/events`, { type, payload });
}

async function must(role: Role, id: string, type: string, payload?: unknown) {
  const res = await send(role, id, type, payload);
  expect(res.status, `${role} ${type}: ${JSON.stringify(res.body)}`).toBe(200);
}

/**
 * A fresh profile of the owner's organisation in `state`: Werkstatt 4, lead ministry MIL, MWAE
 * involved, MBJS not. `revision` is the one the lead ministry asked for, so ministries still see it.
 */
async function profileIn(state: string, data = completeProfile()): Promise<string> {
  const created = await api.request(tokens.owner, 'POST', '/api/v1/profiles', { data });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const path: Array<[string, Role, string, unknown]> = [
    ['intake', 'owner', 'SUBMIT', undefined],
    ['qualification', 'wrl', 'ACCEPT', { werkstatt: 4 }],
    ['ministry_review', 'werkstatt4', 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE'] }],
    ['revision', 'leadMinistry', 'REQUEST_REVISION', { reason: 'Bitte überarbeiten.' }],
  ];
  const happy: Array<[string, Role, string, unknown]> = [
    ...path.slice(0, 3),
    ['ministry_review', 'leadMinistry', 'STATEMENT', { opinion: 'endorse', text: 'Gut.' }],
    ['commissioner_approval', 'otherMinistry', 'STATEMENT', { opinion: 'endorse', text: 'Gut.' }],
    ['imag_pending', 'commissioner', 'APPROVE', undefined],
  ];
  const steps = state === 'revision' ? path : happy;
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

/** One row per event and state; the columns follow ROLES. */
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
  //                                                                                owner othOrg wrl  w4   w2   lead othM unin comm imag oper admin
  row('SUBMIT',           'draft',                 undefined,                         [200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
  row('RESUBMIT',         'revision',              undefined,                         [200, 404, 403, 403, 404, 403, 403, 404, 403, 403, 404, 404]),
  row('WITHDRAW',         'draft',                 {},                                [200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
  row('WITHDRAW',         'ministry_review',       {},                                [200, 404, 403, 403, 404, 403, 403, 404, 403, 403, 404, 404]),
  row('ACCEPT',           'intake',                { werkstatt: 4 },                  [403, 404, 200, 403, 404, 404, 404, 404, 403, 403, 404, 404]),
  row('REQUEST_REVISION', 'intake',                reason,                            [403, 404, 200, 403, 404, 404, 404, 404, 403, 403, 404, 404]),
  // A non-lead ministry passes every role check; the lead-ministry guard refuses it (422).
  row('REQUEST_REVISION', 'ministry_review',       reason,                            [403, 404, 403, 403, 404, 200, 422, 404, 403, 403, 404, 404]),
  row('REJECT',           'intake',                reason,                            [403, 404, 200, 403, 404, 404, 404, 404, 403, 403, 404, 404]),
  row('REJECT',           'imag_pending',          reason,                            [403, 404, 403, 403, 404, 403, 403, 404, 403, 200, 404, 404]),
  row('VOTE',             'qualification',         { votum: 'negative', ...reason },  [403, 404, 200, 200, 404, 404, 404, 404, 403, 403, 404, 404]),
  row('STATEMENT',        'ministry_review',       { opinion: 'endorse', text: 'Ja.' }, [403, 404, 403, 403, 404, 200, 200, 404, 403, 403, 404, 404]),
  row('APPROVE',          'commissioner_approval', undefined,                         [403, 404, 403, 403, 404, 403, 403, 404, 200, 403, 404, 404]),
  row('RETURN',           'commissioner_approval', reason,                            [403, 404, 403, 403, 404, 403, 403, 404, 200, 403, 404, 404]),
  row('CONFIRM',          'imag_pending',          { priority: 1 },                   [403, 404, 403, 403, 404, 403, 403, 404, 403, 200, 404, 404]),
  row('DEFER',            'imag_pending',          reason,                            [403, 404, 403, 403, 404, 403, 403, 404, 403, 200, 404, 404]),
];

describe.each(MATRIX)('$event in $state', ({ event, state, payload, expect: statuses }) => {
  // Refusals change nothing, so they share one profile; each allowed send gets a fresh one.
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
    expect(res.body).toMatchObject({
      status,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.state).toBe(state);
  });
});

describe('reading a profile', () => {
  // biome-ignore format: the matrix reads as a table
  const READ: Array<[string, number[]]> = [
    //                   owner othOrg wrl  w4   w2   lead othM unin comm imag oper admin
    ['draft',           [200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]],
    ['intake',          [200, 404, 200, 200, 404, 404, 404, 404, 200, 200, 404, 404]],
    ['ministry_review', [200, 404, 200, 200, 404, 200, 200, 404, 200, 200, 404, 404]],
  ];

  it.each(READ)(
    'in %s answers each role with its visibility, for the profile and its history alike',
    async (state, statuses) => {
      const id = await profileIn(state);
      for (const [i, role] of ROLES.entries()) {
        const profile = await api.request(tokens[role], 'GET', `/api/v1/profiles/${id}`);
        expect(profile.status, `${role} GET profile`).toBe(statuses[i]);
        const history = await api.request(tokens[role], 'GET', `/api/v1/profiles/${id}/history`);
        expect(history.status, `${role} GET history`).toBe(statuses[i]);
        if (statuses[i] === 404) expect(profile.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    },
  );

  it('answers a draft read by the WRL with 404, not 403', async () => {
    const id = await profileIn('draft');
    const res = await api.request(tokens.wrl, 'GET', `/api/v1/profiles/${id}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, type: '/problems/not-found' });
  });
});

describe('authentication', () => {
  it('answers a request without a token with 401 problem+json and a Bearer challenge', async () => {
    const res = await api.request(null, 'GET', '/api/v1/profiles');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body).toMatchObject({
      type: '/problems/unauthenticated',
      status: 401,
      title: expect.any(String),
      detail: expect.any(String),
    });
  });

  it.each([
    ['an unknown token', 'Bearer stb_this-token-does-not-exist'],
    ['a basic credential', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
    ['two tokens', 'Bearer a b'],
  ])('answers %s with 401', async (_name, authorization) => {
    const res = await api.request(null, 'GET', '/api/v1/profiles', undefined, { authorization });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ type: '/problems/unauthenticated', status: 401 });
  });

  it('answers 401 before it looks at a write’s body', async () => {
    const res = await api.request(null, 'POST', '/api/v1/profiles', '{not json', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(401);
  });

  it.each(['owner', 'wrl', 'operator', 'imag'] as const)('refuses user creation by %s with 403', async (role) => {
    const res = await api.request(tokens[role], 'POST', '/api/v1/users', {
      email: `new-${role}@example.org`,
      name: 'Neu',
      roles: [{ role: 'admin' }],
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: '/problems/forbidden', status: 403 });
  });

  it('lets the admin token create a user whose token works at once', async () => {
    const res = await api.request(ADMIN_TOKEN, 'POST', '/api/v1/users', {
      email: 'neue.pruefer@example.org',
      name: 'Neue Prüferin',
      roles: [{ role: 'wrl' }],
    });
    expect(res.status).toBe(201);
    const me = await api.request(res.body.token, 'GET', '/api/v1/users/me');
    expect(me.body).toMatchObject({ id: res.body.id, roles: [{ role: 'wrl' }] });
  });

  it('refuses profile creation by anyone but an applicant with 403', async () => {
    for (const role of ['wrl', 'werkstatt4', 'leadMinistry', 'commissioner', 'imag', 'operator', 'admin'] as const) {
      const res = await api.request(tokens[role], 'POST', '/api/v1/profiles', { data: completeProfile() });
      expect(res.status, role).toBe(403);
    }
  });
});

/** Every id the caller can list, following the cursor to the end. */
async function listAll(
  role: Role | string,
  query = '',
): Promise<Array<{ id: string; state: string; title: string | null }>> {
  const token = role in tokens ? tokens[role as Role] : role;
  const items: Array<{ id: string; state: string; title: string | null }> = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams(query);
    params.set('limit', '100');
    if (cursor) params.set('cursor', cursor);
    const res = await api.request(token, 'GET', `/api/v1/profiles?${params}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('listing profiles', () => {
  const ids = {} as Record<'ownDraft' | 'ownIntake' | 'ownW2' | 'ownReview' | 'otherDraft' | 'otherIntake', string>;

  beforeAll(async () => {
    ids.ownDraft = await profileIn('draft');
    ids.ownIntake = await profileIn('intake');
    ids.ownReview = await profileIn('ministry_review');
    ids.ownW2 = await profileIn('intake');
    await must('wrl', ids.ownW2, 'ACCEPT', { werkstatt: 2 });
    const other = (data: Record<string, unknown>) => api.request(tokens.otherOrg, 'POST', '/api/v1/profiles', { data });
    ids.otherDraft = (await other({ title: 'Entwurf der Stadt Cottbus' })).body.id;
    ids.otherIntake = (
      await other(completeProfile({ title: 'Ostsee Cottbus', werkstatt: 1, subArea: undefined }))
    ).body.id;
    await must('otherOrg', ids.otherIntake, 'SUBMIT');
  });

  // biome-ignore format: the list reads as a table
  const VISIBLE: Array<[Role, Array<keyof typeof ids>]> = [
    ['owner',              ['ownDraft', 'ownIntake', 'ownW2', 'ownReview']],
    ['otherOrg',           ['otherDraft', 'otherIntake']],
    ['wrl',                ['ownIntake', 'ownW2', 'ownReview', 'otherIntake']],
    ['werkstatt4',         ['ownIntake', 'ownReview']],
    ['werkstatt2',         ['ownW2']],
    ['leadMinistry',       ['ownReview']],
    ['otherMinistry',      ['ownReview']],
    ['uninvolvedMinistry', []],
    ['commissioner',       ['ownIntake', 'ownW2', 'ownReview', 'otherIntake']],
    ['imag',               ['ownIntake', 'ownW2', 'ownReview', 'otherIntake']],
    ['operator',           []],
    ['admin',              []],
  ];

  it.each(VISIBLE)('shows %s exactly the profiles it may see', async (role, visible) => {
    const listed = new Set((await listAll(role)).map((p) => p.id));
    const seen = (Object.keys(ids) as Array<keyof typeof ids>).filter((k) => listed.has(ids[k]));
    expect(seen.sort()).toEqual([...visible].sort());
  });

  it('lists nothing at all for roles without profile access', async () => {
    expect(await listAll('operator')).toEqual([]);
    expect(await listAll('admin')).toEqual([]);
    expect(await listAll('uninvolvedMinistry')).toEqual([]);
  });

  it('filters by state', async () => {
    const items = await listAll('wrl', 'state=intake');
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((p) => p.state === 'intake')).toBe(true);
    const listed = items.map((p) => p.id);
    expect(listed).toEqual(expect.arrayContaining([ids.ownIntake, ids.otherIntake]));
    expect(listed).not.toContain(ids.ownReview);
  });

  it('filters by Werkstatt', async () => {
    const w2 = (await listAll('wrl', 'werkstatt=2')).map((p) => p.id);
    expect(w2).toContain(ids.ownW2);
    expect(w2).not.toContain(ids.ownIntake);
    const w1 = (await listAll('wrl', 'werkstatt=1')).map((p) => p.id);
    expect(w1).toContain(ids.otherIntake);
    expect(w1).not.toContain(ids.ownW2);
    // The filter narrows what the caller may see; it never widens it.
    expect((await listAll('werkstatt4', 'werkstatt=2')).map((p) => p.id)).toEqual([]);
  });

  it('filters by a case-insensitive text search in the title, with % and _ taken literally', async () => {
    const owner = await api.user([{ role: 'applicant' }], 'Amt Peitz');
    for (const title of ['Radweg am Hafen', 'Hafenbecken Peitz', '100% Ökostrom für Peitz', 'Brücke_Nord']) {
      expect((await api.request(owner.token, 'POST', '/api/v1/profiles', { data: { title } })).status).toBe(201);
    }
    const titles = async (q: string) =>
      (await listAll(owner.token, `q=${encodeURIComponent(q)}`)).map((p) => p.title).sort();
    expect(await titles('hafen')).toEqual(['Hafenbecken Peitz', 'Radweg am Hafen']);
    expect(await titles('%')).toEqual(['100% Ökostrom für Peitz']);
    expect(await titles('_')).toEqual(['Brücke_Nord']);
    expect(await titles('PEITZ')).toEqual(['100% Ökostrom für Peitz', 'Hafenbecken Peitz']);
    expect(await titles('Spreewald')).toEqual([]);
  });

  it('pages through 25 profiles with limit=10: 10, 10 and 5, newest first, without duplicates or gaps', async () => {
    const owner = await api.user([{ role: 'applicant' }], 'Amt Burg');
    const created: string[] = [];
    // Created five at a time, so several share a creation millisecond and the id must break the tie.
    for (let batch = 0; batch < 5; batch++) {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          api.request(owner.token, 'POST', '/api/v1/profiles', { data: { title: `Seite ${batch * 5 + i}` } }),
        ),
      );
      for (const r of results) {
        expect(r.status).toBe(201);
        created.push(r.body.id);
      }
    }
    const pages: Array<Array<{ id: string; createdAt: string }>> = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const res = await api.request(owner.token, 'GET', `/api/v1/profiles?limit=10${query}`);
      expect(res.status).toBe(200);
      pages.push(res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const all = pages.flat();
    expect(new Set(all.map((p) => p.id)).size).toBe(25);
    expect(all.map((p) => p.id).sort()).toEqual([...created].sort());
    const order = all.map((p) => [p.createdAt, p.id].join(' '));
    expect(order).toEqual([...order].sort().reverse());
  });

  it('answers a malformed cursor and an out-of-range limit with 422', async () => {
    for (const query of [
      'cursor=bm90LWEtY3Vyc29y',
      'cursor=%%%',
      'limit=0',
      'limit=101',
      'limit=zehn',
      'werkstatt=6',
      'sort=title',
    ]) {
      const res = await api.request(tokens.wrl, 'GET', `/api/v1/profiles?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});
