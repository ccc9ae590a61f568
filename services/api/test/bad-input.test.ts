import { setTaskDue } from '@steckbrief/engine';
import { createTestQueues, type TestQueues } from '@steckbrief/queues/testing';
import { buildRegistry } from '@steckbrief/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, completeProfile, type HttpResult, startTestApi, type TestApi } from './helpers.js';

/**
 * SPEC §7: no 5xx for bad input. Every refusal is application/problem+json with type, title, status
 * and detail, and leaves the profile exactly as it was (version, data, history length).
 */

type User = { id: string; token: string };
let api: TestApi;
let owner: User, otherOwner: User, wrl: User;

beforeAll(async () => {
  api = await startTestApi('bad-input');
  [owner, otherOwner, wrl] = await Promise.all([
    api.user([{ role: 'applicant' }], 'Gemeinde Burg'),
    api.user([{ role: 'applicant' }], 'Stadt Cottbus'),
    api.user([{ role: 'wrl' }]),
  ]);
});
afterAll(async () => {
  await api?.close();
});

function expectProblem(res: HttpResult, status: number, type?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.stringMatching(/^\/problems\//),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  if (type) expect(res.body.type).toBe(`/problems/${type}`);
  // Neither stack traces nor SQL reach the client.
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+|select |insert |update profiles/i);
}

/** The issue paths of a validation problem. */
const paths = (res: HttpResult) => (res.body.errors ?? []).map((e: { path: string }) => e.path);

async function createDraft(data: Record<string, unknown> = completeProfile()): Promise<string> {
  const res = await api.request(owner.token, 'POST', '/api/v1/profiles', { data });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

async function createInIntake(): Promise<string> {
  const id = await createDraft();
  expect((await api.request(owner.token, 'POST', `/api/v1/profiles/${id}/events`, { type: 'SUBMIT' })).status).toBe(
    200,
  );
  return id;
}

/** What must not change: read straight from PostgreSQL. */
async function facts(id: string) {
  const profile = await api.database.db
    .selectFrom('profiles')
    .select(['version', 'state', 'data'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const history = await api.database.db
    .selectFrom('profile_history')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('profile_id', '=', id)
    .executeTakeFirstOrThrow();
  return { ...profile, history: Number(history.n) };
}

/** Run `attempt` against the profile and check that it answered `status` and changed nothing. */
async function refusedWithoutChange(id: string, status: number, attempt: () => Promise<HttpResult>, type?: string) {
  const before = await facts(id);
  const res = await attempt();
  expectProblem(res, status, type);
  expect(await facts(id)).toEqual(before);
  return res;
}

const postEvent = (id: string, body: unknown, headers: Record<string, string> = {}, token = owner.token) =>
  api.request(token, 'POST', `/api/v1/profiles/${id}/events`, body, headers);
const patch = (id: string, body: unknown, headers: Record<string, string> = {}, token = owner.token) =>
  api.request(token, 'PATCH', `/api/v1/profiles/${id}`, body, headers);

describe('creating a profile with bad data', () => {
  it.each([
    ['a number as title', { title: 123 }, 'data.title', /^Titel: muss ein Text sein\./],
    ['a text as Werkstatt', { werkstatt: 'vier' }, 'data.werkstatt', /^Werkstatt: muss eine Zahl von 1 bis 5 sein\./],
    ['a text as sponsor', { sponsor: 'Gemeinde Burg' }, 'data.sponsor', /./],
    ['an unknown county', { location: { county: 'DD' } }, 'data.location.county', /^Landkreis: muss einer der Werte/],
    ['a negative job count', { jobsCreated: -3 }, 'data.jobsCreated', /^Neue Arbeitsplätze: darf nicht negativ sein\./],
    ['three decimals of euros', { totalCostEur: 10.005 }, 'data.totalCostEur', /höchstens zwei Nachkommastellen/],
    ['a title over 200 characters', { title: 'x'.repeat(201) }, 'data.title', /^Titel: höchstens 200 Zeichen\./],
    ['an unknown field', { budgetNotes: 'x' }, 'data.budgetNotes', /^Unbekanntes Feld/],
    ['an unknown nested field', { sponsor: { name: 'X', vatId: 'DE1' } }, 'data.sponsor.vatId', /^Unbekanntes Feld/],
    [
      '51 partners',
      { partners: Array.from({ length: 51 }, () => ({ name: 'P', kind: 'county' })) },
      'data.partners',
      /./,
    ],
  ])('answers %s with 422 naming the field', async (_name, data, path, message) => {
    const res = await api.request(owner.token, 'POST', '/api/v1/profiles', { data });
    expectProblem(res, 422, 'validation-failed');
    expect(paths(res)).toContain(path);
    expect(res.body.errors.find((e: { path: string }) => e.path === path).message).toMatch(message);
  });

  it.each([
    ['data that is a text', { data: 'Titel' }, 'body.data'],
    ['data that is a list', { data: [1, 2] }, 'body.data'],
    ['an unknown top-level field', { data: {}, owner: 'someone-else' }, 'body.owner'],
    ['a number as workflow', { workflow: 7, data: {} }, 'body.workflow'],
  ])('answers %s with 422', async (_name, body, path) => {
    const res = await api.request(owner.token, 'POST', '/api/v1/profiles', body);
    expectProblem(res, 422);
    expect(paths(res)).toContain(path);
  });

  it('answers an unknown workflow with 404 naming it', async () => {
    const res = await api.request(owner.token, 'POST', '/api/v1/profiles', { workflow: 'sachsen', data: {} });
    expectProblem(res, 404, 'not-found');
    expect(res.body.detail).toMatch(/^Workflow sachsen ist unbekannt/);
  });

  it('answers a number too large for JSON arithmetic with 422', async () => {
    const res = await api.request(owner.token, 'POST', '/api/v1/profiles', '{"data":{"totalCostEur":1e400}}', {
      'content-type': 'application/json',
    });
    expectProblem(res, 422);
    expect(paths(res)).toEqual(['data.totalCostEur']);
  });

  it.each([
    ['a NUL character', 'Halle\u0000Nord'],
    ['a lone surrogate', 'Halle \ud800 Nord'],
  ])('answers a text with %s with 422 naming the field, not 500', async (_name, title) => {
    const res = await api.request(owner.token, 'POST', '/api/v1/profiles', { data: { title } });
    expectProblem(res, 422);
    expect(paths(res)).toEqual(['body.data.title']);
    const key = await api.request(owner.token, 'POST', '/api/v1/profiles', { data: { [title]: 1 } });
    expectProblem(key, 422);
  });

  it('keeps emoji and other characters outside the Basic Multilingual Plane', async () => {
    const title = 'Spreewald 🚲 Radweg 𝔘';
    const res = await api.request(owner.token, 'POST', '/api/v1/profiles', { data: { title } });
    expect(res.status).toBe(201);
    expect(res.body.data.title).toBe(title);
  });

  it('answers a NUL character in an event comment with 422 and changes nothing', async () => {
    const id = await createInIntake();
    const res = await refusedWithoutChange(id, 422, () =>
      postEvent(id, { type: 'REJECT', payload: { reason: 'Grund\u0000' } }, {}, wrl.token),
    );
    expect(paths(res)).toEqual(['body.payload.reason']);
  });

  it('creates nothing when it refuses', async () => {
    const before = await api.database.db
      .selectFrom('profiles')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    await api.request(owner.token, 'POST', '/api/v1/profiles', { data: { title: 5 } });
    await api.request(owner.token, 'POST', '/api/v1/profiles', '{"data":', { 'content-type': 'application/json' });
    const after = await api.database.db
      .selectFrom('profiles')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('bad request bodies', () => {
  it('answers malformed JSON with 400 and changes nothing', async () => {
    const id = await createDraft();
    for (const raw of ['{"type": "SUBMIT"', "{'type': 'SUBMIT'}", '{"type": SUBMIT}', 'null', '"SUBMIT"']) {
      await refusedWithoutChange(
        id,
        400,
        () => postEvent(id, raw, { 'content-type': 'application/json' }),
        'malformed-json',
      );
    }
  });

  it('answers a JSON array instead of an object with 422', async () => {
    const id = await createDraft();
    await refusedWithoutChange(id, 422, () => postEvent(id, [{ type: 'SUBMIT' }]));
  });

  it('answers a body of 2 MiB with 413 and changes nothing', async () => {
    const id = await createDraft();
    const huge = { data: { summary: 'x'.repeat(2 * 1024 * 1024) } };
    const res = await refusedWithoutChange(id, 413, () => patch(id, huge, { 'if-match': '"1"' }), 'payload-too-large');
    expect(res.body.detail).toMatch(/1 MiB/);
  });

  it.each([
    ['text/plain', 'type=SUBMIT'],
    ['application/x-www-form-urlencoded', 'type=SUBMIT'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="type"\r\n\r\nSUBMIT\r\n--x--'],
    ['application/xml', '<event type="SUBMIT"/>'],
  ])('answers a %s body with 415 and changes nothing', async (contentType, raw) => {
    const id = await createDraft();
    await refusedWithoutChange(
      id,
      415,
      () => postEvent(id, raw, { 'content-type': contentType }),
      'unsupported-media-type',
    );
  });

  it('answers JSON in a charset other than UTF-8 with 415', async () => {
    const id = await createDraft();
    await refusedWithoutChange(id, 415, () =>
      postEvent(id, '{"type":"SUBMIT"}', { 'content-type': 'application/json; charset=latin1' }),
    );
  });

  it('accepts the merge-patch media type for PATCH', async () => {
    const id = await createDraft();
    const res = await patch(id, JSON.stringify({ data: { jobsCreated: 5 } }), {
      'content-type': 'application/merge-patch+json',
      'if-match': '"1"',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.jobsCreated).toBe(5);
  });
});

describe('bad events', () => {
  it.each([
    ['no type', {}, 'body.type'],
    ['a number as type', { type: 5 }, 'body.type'],
    ['an empty type', { type: '' }, 'body.type'],
    ['a list as payload', { type: 'ACCEPT', payload: [4] }, 'body.payload'],
    ['a number as comment', { type: 'ACCEPT', payload: { werkstatt: 4 }, comment: 42 }, 'body.comment'],
    ['an unknown top-level field', { type: 'ACCEPT', payload: { werkstatt: 4 }, actor: 'admin' }, 'body.actor'],
    ['an unknown event type', { type: 'PUBLISH' }, 'type'],
    ['a missing payload field', { type: 'ACCEPT', payload: {} }, 'payload.werkstatt'],
    ['a payload field of the wrong type', { type: 'ACCEPT', payload: { werkstatt: '4' } }, 'payload.werkstatt'],
    ['a payload field out of range', { type: 'ACCEPT', payload: { werkstatt: 6 } }, 'payload.werkstatt'],
    ['an unknown payload field', { type: 'ACCEPT', payload: { werkstatt: 4, priority: 1 } }, 'payload.priority'],
    ['a too short reason', { type: 'REJECT', payload: { reason: 'x' } }, 'payload.reason'],
    [
      'a comment over 5000 characters',
      { type: 'ACCEPT', payload: { werkstatt: 4 }, comment: 'k'.repeat(5001) },
      'body.comment',
    ],
  ])('answers %s with 422 naming the field and changes nothing', async (_name, body, path) => {
    const id = await createInIntake();
    const res = await refusedWithoutChange(id, 422, () => postEvent(id, body, {}, wrl.token));
    expect(paths(res)).toContain(path);
  });

  it('names the allowed event types when the type is unknown', async () => {
    const id = await createInIntake();
    const res = await refusedWithoutChange(id, 422, () => postEvent(id, { type: 'submit' }), 'invalid-event');
    expect(res.body.errors[0].message).toMatch(/SUBMIT.*ACCEPT/);
  });

  it.each([
    ['a word', 'latest'],
    ['two versions', '"1", "2"'],
    ['a negative number', '"-1"'],
    ['a huge number', '"12345678901234"'],
  ])('answers an If-Match of %s with a 4xx problem and changes nothing', async (_name, ifMatch) => {
    const id = await createInIntake();
    const before = await facts(id);
    const res = await postEvent(id, { type: 'ACCEPT', payload: { werkstatt: 4 } }, { 'if-match': ifMatch }, wrl.token);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectProblem(res, res.status);
    expect(await facts(id)).toEqual(before);
  });
});

describe('paths', () => {
  it.each([
    ['GET', '/api/v1/profiles/not-a-uuid'],
    ['GET', "/api/v1/profiles/1'%20OR%20'1'='1"],
    ['GET', '/api/v1/profiles/00000000-0000-0000-0000-000000000000'],
    ['GET', '/api/v1/profiles/not-a-uuid/history'],
    ['POST', '/api/v1/profiles/not-a-uuid/events'],
    ['PATCH', '/api/v1/profiles/not-a-uuid'],
    ['POST', '/api/v1/tasks/not-a-uuid/claim'],
    ['DELETE', '/api/v1/profiles'],
    ['GET', '/api/v1/nothing-here'],
  ])('answers %s %s with 404 problem+json', async (method, path) => {
    const body =
      method === 'GET' || method === 'DELETE' ? undefined : method === 'PATCH' ? { data: {} } : { type: 'SUBMIT' };
    const res = await api.request(owner.token, method, path, body, method === 'PATCH' ? { 'if-match': '"1"' } : {});
    expectProblem(res, 404, 'not-found');
  });

  it.each([
    ['state given twice', 'state=draft&state=intake'],
    ['a bracketed parameter', 'state[]=draft'],
    ['an overlong search', `q=${'x'.repeat(201)}`],
    ['a NUL character in the search', 'q=Halle%00Nord'],
  ])('answers a list query with %s with 422', async (_name, query) => {
    expectProblem(await api.request(owner.token, 'GET', `/api/v1/profiles?${query}`), 422);
  });
});

describe('PATCH /profiles/{id}', () => {
  it('requires If-Match: 428 without it, and nothing changes', async () => {
    const id = await createDraft();
    await refusedWithoutChange(id, 428, () => patch(id, { data: { jobsCreated: 7 } }), 'precondition-required');
  });

  it('answers a stale If-Match with 412, and the newer change stays', async () => {
    const id = await createDraft();
    const first = await patch(id, { data: { jobsCreated: 7 } }, { 'if-match': '"1"' });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    await refusedWithoutChange(
      id,
      412,
      () => patch(id, { data: { jobsCreated: 8 } }, { 'if-match': '"1"' }),
      'stale-version',
    );
    expect((await facts(id)).data.jobsCreated).toBe(7);
  });

  it('answers 409 once the profile is no longer editable', async () => {
    const id = await createInIntake();
    await refusedWithoutChange(
      id,
      409,
      () => patch(id, { data: { jobsCreated: 7 } }, { 'if-match': '"2"' }),
      'conflict',
    );
  });

  it('answers another organisation’s applicant with 404: it may not see the draft', async () => {
    const id = await createDraft();
    await refusedWithoutChange(
      id,
      404,
      () => patch(id, { data: { title: 'Übernommen' } }, { 'if-match': '"1"' }, otherOwner.token),
      'not-found',
    );
  });

  it('answers the WRL, which sees but does not own the profile, with 403', async () => {
    const id = await createInIntake();
    await refusedWithoutChange(
      id,
      403,
      () => patch(id, { data: { title: 'Geändert durch WRL' } }, { 'if-match': '"2"' }, wrl.token),
      'forbidden',
    );
  });

  it.each([
    ['a wrong type', { data: { werkstatt: 'vier' } }, 'data.werkstatt'],
    ['an unknown field', { data: { secret: true } }, 'data.secret'],
    ['data as a list', { data: ['title'] }, 'body.data'],
    ['no data', {}, 'body.data'],
    ['an unknown top-level field', { data: {}, version: 9 }, 'body.version'],
  ])('refuses %s with 422 and keeps the data', async (_name, body, path) => {
    const id = await createDraft();
    const res = await refusedWithoutChange(id, 422, () => patch(id, body, { 'if-match': '"1"' }));
    expect(paths(res)).toContain(path);
  });

  it('treats a "__proto__" member as an unknown field, not as a prototype', async () => {
    const id = await createDraft();
    const raw = '{"data":{"__proto__":{"title":"Untergeschoben"},"jobsCreated":9}}';
    const before = await facts(id);
    const res = await patch(id, raw, { 'content-type': 'application/json', 'if-match': '"1"' });
    if (res.status === 200) {
      // Accepted only if the member was dropped: nothing may come in through the prototype.
      expect(res.body.data.title).toBe(before.data.title);
      expect((await facts(id)).data.title).toBe(before.data.title);
    } else {
      expectProblem(res, 422);
      expect(await facts(id)).toEqual(before);
    }
  });

  it('refuses deeply nested data with a 4xx, not a crash', async () => {
    const id = await createDraft();
    const depth = 20_000;
    const raw = `{"data":{"sponsor":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
    const before = await facts(id);
    const res = await patch(id, raw, { 'content-type': 'application/json', 'if-match': '"1"' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectProblem(res, res.status);
    expect(await facts(id)).toEqual(before);
  });
});

describe('SQL and HTML in text fields', () => {
  const hostile = {
    title: "Robert'); DROP TABLE profiles;--",
    summary: '<script>alert("xss")</script> & <img src=x onerror=alert(1)> — eine Zusammenfassung mit genug Zeichen.',
    contact: { name: '"; SELECT pg_sleep(10); --', email: 'a@example.org', phone: '+49 355 1' },
    location: { municipality: "Burg' OR '1'='1", county: 'SPN' },
  };

  it('stores them verbatim as plain text and returns them JSON-escaped', async () => {
    const id = await createDraft(completeProfile(hostile));
    const res = await api.request(owner.token, 'GET', `/api/v1/profiles/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.body.data).toMatchObject(hostile);
    const raw = await (
      await fetch(`${api.url}/api/v1/profiles/${id}`, { headers: { authorization: `Bearer ${owner.token}` } })
    ).text();
    expect(raw).toContain('"summary":"<script>alert(\\"xss\\")</script>');
    const stored = await facts(id);
    expect(stored.data).toMatchObject(hostile);
    // The tables are all still there and the profile count is sane.
    const count = await api.database.db
      .selectFrom('profiles')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBeGreaterThan(0);
  });

  it('finds such a title by a literal search and nothing by an injection', async () => {
    const applicant = await api.user([{ role: 'applicant' }], 'Amt Hostile');
    const created = await api.request(applicant.token, 'POST', '/api/v1/profiles', { data: { title: hostile.title } });
    expect(created.status).toBe(201);
    const search = async (q: string) =>
      (await api.request(applicant.token, 'GET', `/api/v1/profiles?q=${encodeURIComponent(q)}`)).body.items.map(
        (p: { title: string }) => p.title,
      );
    expect(await search("Robert');")).toEqual([hostile.title]);
    expect(await search("' OR '1'='1")).toEqual([]);
    expect(await search('DROP TABLE')).toEqual([hostile.title]);
  });

  it('keeps HTML in an event comment and reason as plain text in the history', async () => {
    const id = await createInIntake();
    const comment = '<b>Bitte</b> <a href="javascript:alert(1)">hier</a> nachbessern';
    const reason = "'; DELETE FROM profile_history; --";
    const res = await postEvent(id, { type: 'REQUEST_REVISION', payload: { reason }, comment }, {}, wrl.token);
    expect(res.status).toBe(200);
    const history = await api.request(owner.token, 'GET', `/api/v1/profiles/${id}/history`);
    const last = history.body.items.at(-1);
    expect(last).toMatchObject({ event: 'REQUEST_REVISION', comment, payload: { reason } });
    expect(history.body.items).toHaveLength(3);
  });
});

describe('values PostgreSQL cannot take (review findings 4 and 9)', () => {
  async function intakeTaskId(): Promise<string> {
    const id = await createInIntake();
    const tasks = await api.request(wrl.token, 'GET', '/api/v1/tasks?status=open');
    const task = tasks.body.items.find((t: { profileId: string }) => t.profileId === id);
    expect(task, JSON.stringify(tasks.body)).toBeDefined();
    return task.id;
  }

  it.each([
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['year 1999', '1999-12-31T23:59:59Z'],
    ['year 2101', '2101-01-01T00:00:00Z'],
    ['year 9999 with an offset', '9999-12-31T23:59:59+14:00'],
  ])('answers a task due date in %s with 422 naming dueAt, and keeps the due date', async (_, dueAt) => {
    const taskId = await intakeTaskId();
    const before = await api.database.db
      .selectFrom('tasks')
      .select('due_at')
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    const res = await api.request(wrl.token, 'PATCH', `/api/v1/tasks/${taskId}`, { dueAt });
    expectProblem(res, 422, 'validation-failed');
    expect(paths(res)).toContain('body.dueAt');
    expect(res.body.errors[0].message).toMatch(/^Frist: .* \/ dueAt /);
    const after = await api.database.db
      .selectFrom('tasks')
      .select('due_at')
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const outbox = await api.database.db
      .selectFrom('outbox')
      .select('payload')
      .where('topic', '!=', 'transition')
      .execute();
    expect(JSON.stringify(outbox)).not.toContain(dueAt.slice(0, 4) === '0000' ? '0000-01-01' : dueAt);
  });

  it('refuses a due date in year 0000 in the engine too, whichever adapter sends it', async () => {
    const taskId = await intakeTaskId();
    const actor = { userId: wrl.id, organisation: null, grants: [{ role: 'wrl' }] };
    const deps = { db: api.database.db, registry: buildRegistry() };
    await expect(setTaskDue(deps, actor, taskId, new Date('0000-01-01T00:00:00Z'))).rejects.toMatchObject({
      code: 'validation-failed',
      issues: [{ path: 'dueAt', message: expect.stringMatching(/^Frist: .* \/ dueAt /) }],
    });
  });

  it('accepts a task due date in 2100', async () => {
    const taskId = await intakeTaskId();
    const res = await api.request(wrl.token, 'PATCH', `/api/v1/tasks/${taskId}`, { dueAt: '2100-06-30T12:00:00Z' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.dueAt).toBe('2100-06-30T12:00:00.000Z');
  });

  it.each([
    ['year 0000', '0000-01-01'],
    ['year 1999', '1999-12-31'],
    ['year 2101', '2101-01-01'],
  ])('answers a session date in %s with 422 naming date, and creates no session', async (_, date) => {
    const count = async () =>
      Number(
        (
          await api.database.db
            .selectFrom('sessions')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const res = await api.request(wrl.token, 'POST', '/api/v1/sessions', {
      kind: 'imag',
      date,
      title: 'IMAG-Sitzung',
    });
    expectProblem(res, 422, 'validation-failed');
    expect(paths(res)).toContain('body.date');
    expect(res.body.errors[0].message).toMatch(/^Datum: .* \/ date /);
    expect(await count()).toBe(before);
  });

  it.each([
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['year 275760', '+275760-09-13T00:00:00.000Z'],
  ])('answers a dueBefore filter in %s without a 5xx', async (_, dueBefore) => {
    const res = await api.request(wrl.token, 'GET', `/api/v1/tasks?dueBefore=${encodeURIComponent(dueBefore)}`);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
  });

  it('answers a token request for a user id of 36 dashes with 404', async () => {
    const res = await api.request(ADMIN_TOKEN, 'POST', `/api/v1/users/${'-'.repeat(36)}/tokens`, {});
    expectProblem(res, 404, 'not-found');
  });

  it('answers a token request for a user id of 36 hex characters with 404', async () => {
    const res = await api.request(ADMIN_TOKEN, 'POST', `/api/v1/users/${'a'.repeat(36)}/tokens`, {});
    expectProblem(res, 404, 'not-found');
  });

  const cursorOf = (at: string) =>
    Buffer.from(JSON.stringify([at, '6f1c0a3e-1b2c-4d5e-8f90-123456789abc'])).toString('base64url');

  it.each([
    ['a six-digit year', '+275760-09-13T00:00:00.000Z'],
    ['year 0000', '0000-01-01T00:00:00.000Z'],
    ['a JavaScript Date.toString() value', 'Tue Nov 30 2026 12:00:00 GMT+0100 (Central European Standard Time)'],
    ['an impossible day', '2026-02-30T00:00:00.000Z'],
  ])('answers a profile-list cursor with %s with 422 naming cursor', async (_, at) => {
    const res = await api.request(owner.token, 'GET', `/api/v1/profiles?cursor=${cursorOf(at)}`);
    expectProblem(res, 422, 'validation-failed');
    expect(paths(res).join(' ')).toMatch(/cursor/);
  });
});

describe('a malformed dashboard cookie (review finding 9)', () => {
  let dashboardApi: TestApi;
  let testQueues: TestQueues;
  beforeAll(async () => {
    testQueues = createTestQueues('bad-input-cookie');
    dashboardApi = await startTestApi('bad-input-cookie', { queues: testQueues.queues });
  });
  afterAll(async () => {
    await dashboardApi?.close();
    await testQueues?.destroy();
  });

  const withBadCookie = (path: string, method: string) =>
    fetch(`${dashboardApi.url}${path}`, {
      method,
      headers: { cookie: 'steckbrief_admin=%E0%A4%A', accept: 'application/json' },
      redirect: 'manual',
    });

  it('answers the queue API with 401 problem+json', async () => {
    const res = await withBadCookie('/admin/queues/api/queues', 'GET');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers a logout with the signed-out redirect', async () => {
    const res = await withBadCookie('/admin/logout', 'POST');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/login?message=signed-out');
  });
});
