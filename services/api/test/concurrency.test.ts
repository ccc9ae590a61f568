import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, type HttpResult, startTestApi, type TestApi } from './helpers.js';

/**
 * SPEC §7: concurrent events on one profile — exactly one wins per version; the rest get 412/409
 * (with If-Match) or are retried (without). Idempotency-Key makes a repeated request harmless.
 * Real parallel HTTP requests against real PostgreSQL; no timing assertions.
 */

const MINISTRIES = ['MIL', 'MLUK', 'MBJS', 'MSGIV', 'MWFK', 'MWAE', 'STK'] as const;

type User = { id: string; token: string };
let api: TestApi;
let owner: User, wrl: User, w4: User, imag: User, commissioner: User;
let ministries: Record<(typeof MINISTRIES)[number], User>;

beforeAll(async () => {
  api = await startTestApi('concurrency');
  [owner, wrl, w4, imag, commissioner] = await Promise.all([
    api.user([{ role: 'applicant' }], 'Gemeinde Burg'),
    api.user([{ role: 'wrl' }]),
    api.user([{ role: 'werkstatt', werkstatt: 4 }]),
    api.user([{ role: 'imag' }]),
    api.user([{ role: 'commissioner' }]),
  ]);
  const users = await Promise.all(MINISTRIES.map((ministry) => api.user([{ role: 'ministry', ministry }])));
  ministries = Object.fromEntries(MINISTRIES.map((m, i) => [m, users[i]!])) as typeof ministries;
});
afterAll(async () => {
  await api?.close();
});

function send(user: User, id: string, type: string, payload?: unknown, headers: Record<string, string> = {}) {
  return api.request(user.token, 'POST', `/api/v1/profiles/${id}/events`, { type, payload }, headers);
}

async function must(user: User, id: string, type: string, payload?: unknown) {
  const res = await send(user, id, type, payload);
  expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

async function profileInIntake(): Promise<string> {
  const created = await api.request(owner.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
  expect(created.status).toBe(201);
  await must(owner, created.body.id, 'SUBMIT');
  return created.body.id;
}

/** A profile in ministry_review with every ministry involved (lead: MIL). */
async function profileWithAllMinistries(): Promise<string> {
  const id = await profileInIntake();
  await must(wrl, id, 'ACCEPT', { werkstatt: 4 });
  await must(w4, id, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: [...MINISTRIES] });
  return id;
}

async function profileInImagPending(): Promise<string> {
  const id = await profileInIntake();
  await must(wrl, id, 'ACCEPT', { werkstatt: 4 });
  await must(w4, id, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: [] });
  await must(ministries.MIL, id, 'STATEMENT', { opinion: 'endorse', text: 'Gut.' });
  await must(commissioner, id, 'APPROVE');
  return id;
}

async function history(id: string) {
  return api.database.db
    .selectFrom('profile_history')
    .select(['seq', 'event', 'from_state', 'to_state'])
    .where('profile_id', '=', id)
    .orderBy('seq')
    .execute();
}

async function stored(id: string) {
  return api.database.db
    .selectFrom('profiles')
    .select(['state', 'version', 'data'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

const countBy = (results: HttpResult[]) =>
  results.reduce<Record<number, number>>((acc, r) => {
    acc[r.status] = (acc[r.status] ?? 0) + 1;
    return acc;
  }, {});

describe('concurrent events on one profile', () => {
  it('lets exactly one of 20 events sent at the same If-Match version win; the others get 412 or 409', async () => {
    const id = await profileInIntake();
    const { version } = await stored(id);
    const events: Array<[string, unknown]> = [
      ['ACCEPT', { werkstatt: 4 }],
      ['ACCEPT', { werkstatt: 2 }],
      ['REJECT', { reason: 'Nicht förderfähig.' }],
      ['REQUEST_REVISION', { reason: 'Unterlagen fehlen.' }],
    ];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const [type, payload] = events[i % events.length]!;
        return send(wrl, id, type, payload, { 'if-match': `"${version}"` });
      }),
    );
    const counts = countBy(results);
    expect(counts[200]).toBe(1);
    expect((counts[412] ?? 0) + (counts[409] ?? 0)).toBe(19);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const rows = await history(id);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    const winner = results.find((r) => r.status === 200)!;
    expect(rows[2]!.to_state).toBe(winner.body.state);
    expect(await stored(id)).toMatchObject({ version: version + 1, state: winner.body.state });
    // Exactly one set of tasks: the winner's state's tasks, no leftovers of the losers.
    const open = await api.database.db
      .selectFrom('tasks')
      .select('key')
      .where('profile_id', '=', id)
      .where('status', '=', 'open')
      .execute();
    expect(open.map((t) => t.key).sort()).toEqual(winner.body.tasks.map((t: { key: string }) => t.key).sort());
  });

  it('lets every involved ministry give its statement at once without If-Match: lost races are retried', async () => {
    const id = await profileWithAllMinistries();
    const before = await stored(id);
    const results = await Promise.all(
      MINISTRIES.map((m) => send(ministries[m], id, 'STATEMENT', { opinion: 'endorse', text: `Stellungnahme ${m}.` })),
    );
    expect(
      results.map((r) => r.status),
      JSON.stringify(results.map((r) => r.body)),
    ).toEqual(MINISTRIES.map(() => 200));
    const after = await stored(id);
    expect(after.version).toBe(before.version + MINISTRIES.length);
    expect(after.state).toBe('commissioner_approval');
    const rows = (await history(id)).filter((r) => r.seq > before.version);
    expect(rows.map((r) => r.seq)).toEqual(MINISTRIES.map((_, i) => before.version + 1 + i));
    expect(rows.every((r) => r.event === 'STATEMENT')).toBe(true);
    // Only the last statement moves the profile on.
    expect(rows.map((r) => r.to_state)).toEqual([
      ...MINISTRIES.slice(1).map(() => 'ministry_review'),
      'commissioner_approval',
    ]);
    const tasks = await api.database.db
      .selectFrom('tasks')
      .select(['key', 'status'])
      .where('profile_id', '=', id)
      .where('kind', '=', 'ministry_statement')
      .execute();
    expect(tasks).toHaveLength(MINISTRIES.length);
    expect(tasks.every((t) => t.status === 'done')).toBe(true);
  });

  it('applies each of 10 concurrent DEFERs without If-Match exactly once: 10 history rows, 10 deferrals counted', async () => {
    const id = await profileInImagPending();
    const before = await stored(id);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => send(imag, id, 'DEFER', { reason: `Vertagt ${i}.` })),
    );
    expect(
      results.map((r) => r.status),
      JSON.stringify(results.map((r) => r.body.detail)),
    ).toEqual(results.map(() => 200));
    const rows = (await history(id)).filter((r) => r.seq > before.version);
    expect(rows.map((r) => [r.seq, r.event, r.from_state, r.to_state])).toEqual(
      rows.map((_, i) => [before.version + 1 + i, 'DEFER', 'imag_pending', 'imag_pending']),
    );
    expect(rows).toHaveLength(10);
    const reasons = (
      await api.database.db
        .selectFrom('profile_history')
        .select('payload')
        .where('profile_id', '=', id)
        .where('event', '=', 'DEFER')
        .execute()
    ).map((r) => (r.payload as { reason: string }).reason);
    expect(reasons.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `Vertagt ${i}.`).sort());
    const snapshot = await api.database.db
      .selectFrom('profiles')
      .select('snapshot')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect((snapshot.snapshot as { context: { deferrals: number } }).context.deferrals).toBe(10);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for a repeated request, marked Idempotent-Replayed, without a second history row', async () => {
    const id = await profileInIntake();
    const headers = { 'idempotency-key': 'accept-1' };
    const first = await send(wrl, id, 'ACCEPT', { werkstatt: 4 }, headers);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const second = await send(wrl, id, 'ACCEPT', { werkstatt: 4 }, headers);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect((await history(id)).map((r) => r.event)).toEqual(['CREATE', 'SUBMIT', 'ACCEPT']);
    expect((await stored(id)).version).toBe(3);
  });

  it('answers 409 when the same key comes with a different body, and changes nothing', async () => {
    const id = await profileInIntake();
    const headers = { 'idempotency-key': 'accept-2' };
    expect((await send(wrl, id, 'ACCEPT', { werkstatt: 4 }, headers)).status).toBe(200);
    const reused = await send(wrl, id, 'ACCEPT', { werkstatt: 3 }, headers);
    expect(reused.status).toBe(409);
    expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reused.body).toMatchObject({
      type: '/problems/conflict',
      status: 409,
      detail: expect.stringMatching(/Idempotency-Key/),
    });
    const otherProfile = await profileInIntake();
    expect((await send(wrl, otherProfile, 'ACCEPT', { werkstatt: 4 }, headers)).status).toBe(409);
    expect((await history(id)).map((r) => r.event)).toEqual(['CREATE', 'SUBMIT', 'ACCEPT']);
    expect((await history(otherProfile)).map((r) => r.event)).toEqual(['CREATE', 'SUBMIT']);
  });

  it('keeps keys per user: another user’s request with the same key is applied on its own', async () => {
    const id = await profileInImagPending();
    const secondImag = await api.user([{ role: 'imag' }]);
    const headers = { 'idempotency-key': 'defer-shared' };
    expect((await send(imag, id, 'DEFER', { reason: 'Vertagt.' }, headers)).status).toBe(200);
    const other = await send(secondImag, id, 'DEFER', { reason: 'Vertagt.' }, headers);
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect((await history(id)).filter((r) => r.event === 'DEFER')).toHaveLength(2);
  });

  it.each([
    ['ACCEPT', 'intake'],
    ['DEFER', 'imag_pending'],
  ])('turns 10 concurrent %s requests with one key into one transition and ten equal answers', async (type, state) => {
    const id = state === 'intake' ? await profileInIntake() : await profileInImagPending();
    const user = state === 'intake' ? wrl : imag;
    const payload = type === 'ACCEPT' ? { werkstatt: 4 } : { reason: 'Nächste Sitzung.' };
    const before = await stored(id);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => send(user, id, type, payload, { 'idempotency-key': `burst-${type}` })),
    );
    expect(
      results.map((r) => r.status),
      JSON.stringify(results.filter((r) => r.status !== 200).map((r) => r.body)),
    ).toEqual(results.map(() => 200));
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    for (const r of results) expect(r.body).toEqual(results[0]!.body);
    const rows = (await history(id)).filter((r) => r.seq > before.version);
    expect(rows.map((r) => r.event)).toEqual([type]);
    expect((await stored(id)).version).toBe(before.version + 1);
  });

  it('replays instead of refusing when a request with the same key arrives just after the first one committed', async () => {
    // Arrivals spread over a few milliseconds, so some requests read the profile after the winner's
    // commit: ACCEPT is no longer possible then, yet they must get the winner's answer, not a 409.
    const id = await profileInIntake();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        new Promise((resolve) => setTimeout(resolve, i)).then(() =>
          send(wrl, id, 'ACCEPT', { werkstatt: 4 }, { 'idempotency-key': 'staggered' }),
        ),
      ),
    );
    expect(
      results.map((r) => r.status),
      JSON.stringify(results.filter((r) => r.status !== 200).map((r) => r.body.detail)),
    ).toEqual(results.map(() => 200));
    for (const r of results) expect(r.body).toEqual(results[0]!.body);
    expect((await history(id)).map((r) => r.event)).toEqual(['CREATE', 'SUBMIT', 'ACCEPT']);
  });

  it('refuses a malformed key with 400 before doing anything', async () => {
    const id = await profileInIntake();
    const res = await send(wrl, id, 'ACCEPT', { werkstatt: 4 }, { 'idempotency-key': 'ä'.repeat(3) });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/bad-request');
    expect((await stored(id)).version).toBe(2);
  });
});
