import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';

/**
 * Races found in the reliability review of 2026-11-30. A second connection holds a row lock (as a
 * psql session would) so that the requests under test wait at a known point; the locks only widen
 * windows that exist in production, they do not create them.
 */

type User = { id: string; token: string };
let api: TestApi;
let applicant: User, wrl: User, w4: User, mil: User, commissioner: User, imag: User;

beforeAll(async () => {
  api = await startTestApi('review_races');
  [applicant, wrl, w4, mil, commissioner, imag] = await Promise.all([
    api.user([{ role: 'applicant' }], 'Stadt Cottbus'),
    api.user([{ role: 'wrl' }]),
    api.user([{ role: 'werkstatt', werkstatt: 4 }]),
    api.user([{ role: 'ministry', ministry: 'MIL' }]),
    api.user([{ role: 'commissioner' }]),
    api.user([{ role: 'imag' }]),
  ]);
});
afterAll(async () => {
  await api?.close();
});

async function must(user: User, id: string, type: string, payload?: Record<string, unknown>) {
  const res = await api.request(user.token, 'POST', `/api/v1/profiles/${id}/events`, { type, payload });
  expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

async function profileInImagPending(): Promise<string> {
  const created = await api.request(applicant.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await must(applicant, id, 'SUBMIT');
  await must(wrl, id, 'ACCEPT', { werkstatt: 4 });
  await must(w4, id, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: [] });
  await must(mil, id, 'STATEMENT', { opinion: 'endorse', text: 'Einverstanden.' });
  await must(commissioner, id, 'APPROVE');
  return id;
}

async function createSession(date: string) {
  const res = await api.request(wrl.token, 'POST', '/api/v1/sessions', { kind: 'imag', date, title: `IMAG ${date}` });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function setAgenda(sessionId: string, profileIds: string[]) {
  const res = await api.request(wrl.token, 'PUT', `/api/v1/sessions/${sessionId}/agenda`, { profileIds });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

function decide(sessionId: string, decisions: Array<{ profileId: string; type: string; payload?: unknown }>) {
  return api.request(imag.token, 'POST', `/api/v1/sessions/${sessionId}/decisions`, { decisions });
}

async function agendaOf(sessionId: string) {
  const res = await api.request(wrl.token, 'GET', `/api/v1/sessions/${sessionId}`);
  expect(res.status).toBe(200);
  return res.body.agenda as Array<{
    profileId: string;
    carriedFrom: string | null;
    carriedTo: string | null;
    decision: { event: string } | null;
  }>;
}

/**
 * Holds a row lock on `table` row `id` in a transaction of its own, optionally after running `change`
 * in it, until `release()` commits it. `waiters()` counts requests blocked on that row.
 */
async function holdRowLock(
  table: 'profiles' | 'tasks',
  id: string,
  change?: (trx: typeof api.database.db) => Promise<void>,
) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let ready!: (xid: string) => void;
  const locked = new Promise<string>((resolve) => {
    ready = resolve;
  });
  const done = api.database.db.transaction().execute(async (trx) => {
    await sql`select id from ${sql.table(table)} where id = ${id} for update`.execute(trx);
    if (change) await change(trx);
    const { rows } = await sql<{ xid: string }>`select (txid_current() % 4294967296)::text as xid`.execute(trx);
    ready(rows[0]!.xid);
    await released;
  });
  const xid = await locked;
  /** Blocked on the holder's transaction, or queued behind the first waiter on the row's tuple lock. */
  const waiters = async () => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_locks
      where not granted
        and ((locktype = 'transactionid' and transactionid::text = ${xid})
          or (locktype = 'tuple' and relation = ${table}::regclass))`.execute(api.database.db);
    return rows[0]!.n;
  };
  return {
    async waitForWaiters(n: number) {
      const deadline = Date.now() + 10_000;
      while ((await waiters()) < n) {
        if (Date.now() > deadline) throw new Error(`fewer than ${n} requests waiting on the lock`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async release() {
      release();
      await done;
    },
  };
}

async function sessionDecisions(profileId: string) {
  return api.database.db
    .selectFrom('profile_history')
    .select(['seq', 'event'])
    .where('profile_id', '=', profileId)
    .where('event', 'in', ['DEFER', 'CONFIRM', 'REJECT'])
    .orderBy('seq')
    .execute();
}

describe('overlapping decision batches of one session', () => {
  it('applies only the first of two decisions on one agenda item and answers the other 409 already decided', async () => {
    const id = await profileInImagPending();
    const s1 = await createSession('2040-01-10');
    const s2 = await createSession('2040-02-10');
    await setAgenda(s1, [id]);

    const lock = await holdRowLock('profiles', id);
    const defer = decide(s1, [{ profileId: id, type: 'DEFER', payload: { reason: 'Finanzierung unklar.' } }]);
    await lock.waitForWaiters(1);
    const confirm = decide(s1, [{ profileId: id, type: 'CONFIRM', payload: {} }]);
    await lock.waitForWaiters(2);
    await lock.release();
    const [deferred, confirmed] = await Promise.all([defer, confirm]);

    expect(deferred.status).toBe(200);
    expect(deferred.body.results[0]).toMatchObject({ status: 'applied', state: 'imag_pending' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.results[0]).toMatchObject({
      status: 'failed',
      problem: { status: 409, detail: expect.stringMatching(/bereits entschieden/) },
    });
    expect((await sessionDecisions(id)).map((h) => h.event)).toEqual(['DEFER']);
    const item = (await agendaOf(s1)).find((i) => i.profileId === id);
    expect(item).toMatchObject({ decision: { event: 'DEFER' }, carriedTo: s2 });
    expect((await agendaOf(s2)).map((i) => i.profileId)).toEqual([id]);
    const profile = await api.request(imag.token, 'GET', `/api/v1/profiles/${id}`);
    expect(profile.body.state).toBe('imag_pending');
  });
});

describe('deferrals while the next session is created', () => {
  it('carries every DEFER of a batch to a session created while the batch runs', async () => {
    const [p1, px, p] = [await profileInImagPending(), await profileInImagPending(), await profileInImagPending()];
    const s1 = await createSession('2041-01-10');
    await setAgenda(s1, [p1, px, p]);

    const lock = await holdRowLock('profiles', px);
    const batch = decide(
      s1,
      [p1, px, p].map((profileId) => ({ profileId, type: 'DEFER', payload: { reason: 'Nächste Sitzung.' } })),
    );
    await lock.waitForWaiters(1);
    const s2 = await createSession('2041-02-10');
    await lock.release();
    const res = await batch;

    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const s1Agenda = await agendaOf(s1);
    expect(s1Agenda.map((i) => [i.profileId, i.decision?.event, i.carriedTo])).toEqual([
      [p1, 'DEFER', s2],
      [px, 'DEFER', s2],
      [p, 'DEFER', s2],
    ]);
    const s2Agenda = await agendaOf(s2);
    expect(s2Agenda.map((i) => i.profileId).sort()).toEqual([p1, px, p].sort());
    expect(s2Agenda.every((i) => i.carriedFrom === s1)).toBe(true);
  });
});

describe('claims released while a colleague claims', () => {
  it('answers 409 to a release whose claim changed meanwhile and keeps the colleague’s claim', async () => {
    const mil2 = await api.user([{ role: 'ministry', ministry: 'MIL' }]);
    const created = await api.request(applicant.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
    const id = created.body.id as string;
    await must(applicant, id, 'SUBMIT');
    await must(wrl, id, 'ACCEPT', { werkstatt: 4 });
    await must(w4, id, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: [] });
    const task = await api.database.db
      .selectFrom('tasks')
      .select('id')
      .where('profile_id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    expect((await api.request(mil.token, 'POST', `/api/v1/tasks/${task.id}/claim`)).status).toBe(200);

    // The WRL reads the claim of `mil`; before its release is written, `mil` hands the task to `mil2`.
    const lock = await holdRowLock('tasks', task.id, async (trx) => {
      await trx.updateTable('tasks').set({ claimed_by: mil2.id }).where('id', '=', task.id).execute();
    });
    const release = api.request(wrl.token, 'POST', `/api/v1/tasks/${task.id}/release`);
    await lock.waitForWaiters(1);
    await lock.release();
    const res = await release;

    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toMatch(/inzwischen/);
    const after = await api.database.db
      .selectFrom('tasks')
      .select('claimed_by')
      .where('id', '=', task.id)
      .executeTakeFirstOrThrow();
    expect(after.claimed_by).toBe(mil2.id);
  });
});

describe('a retry with Idempotency-Key and If-Match racing the first request', () => {
  it('replays the first request’s answer to the retry instead of 412', async () => {
    const created = await api.request(applicant.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
    const id = created.body.id as string;
    const submitted = await must(applicant, id, 'SUBMIT');
    const headers = { 'idempotency-key': 'accept-race', 'if-match': `"${submitted.version}"` };
    const send = () =>
      api.request(
        wrl.token,
        'POST',
        `/api/v1/profiles/${id}/events`,
        { type: 'ACCEPT', payload: { werkstatt: 4 } },
        headers,
      );

    const lock = await holdRowLock('profiles', id);
    const first = send();
    await lock.waitForWaiters(1);
    const retry = send();
    await lock.waitForWaiters(2);
    await lock.release();
    const results = await Promise.all([first, retry]);

    expect(
      results.map((r) => r.status),
      JSON.stringify(results.map((r) => r.body)),
    ).toEqual([200, 200]);
    expect(results.map((r) => r.headers.get('idempotent-replayed'))).toEqual([null, 'true']);
    expect(results[1]!.body).toEqual(results[0]!.body);
    const accepts = await api.database.db
      .selectFrom('profile_history')
      .select('seq')
      .where('profile_id', '=', id)
      .where('event', '=', 'ACCEPT')
      .execute();
    expect(accepts).toHaveLength(1);
  });
});
