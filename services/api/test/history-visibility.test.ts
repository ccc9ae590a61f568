import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';

/**
 * docs/decisions/006-history-visibility.md: a ministry's statement text and opinion are internal. The applicant
 * sees in the history that a statement was given, not what it says; the reviewing roles see all of it.
 */

type User = { id: string; token: string };
let api: TestApi;
let owner: User, wrl: User, w4: User, mil: User, mwae: User, ownerAndWrl: User;
let profileId: string;

const STATEMENT_TEXT = 'Interne Bedenken: Träger finanziell schwach';
const STATEMENT_COMMENT = 'Rücksprache mit dem Landkreis steht aus.';
const VOTE_REASON = 'Bitte die Finanzierung nachweisen.';

async function send(user: User, type: string, payload?: Record<string, unknown>) {
  const res = await api.request(user.token, 'POST', `/api/v1/profiles/${profileId}/events`, { type, payload });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const history = async (user: User) => {
  const res = await api.request(user.token, 'GET', `/api/v1/profiles/${profileId}/history`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as Array<{ event: string; payload: Record<string, unknown>; actor: unknown; comment: unknown }>;
};
const statementOf = async (user: User) => (await history(user)).find((h) => h.event === 'STATEMENT');

beforeAll(async () => {
  api = await startTestApi('history-visibility');
  [owner, wrl, w4, mil, mwae] = await Promise.all([
    api.user([{ role: 'applicant' }], 'Gemeinde Burg'),
    api.user([{ role: 'wrl' }]),
    api.user([{ role: 'werkstatt', werkstatt: 4 }]),
    api.user([{ role: 'ministry', ministry: 'MIL' }]),
    api.user([{ role: 'ministry', ministry: 'MWAE' }]),
  ]);
  // Someone in the applicant's organisation who also works in the WRL office sees it as the office does.
  ownerAndWrl = await api.user([{ role: 'applicant' }, { role: 'wrl' }], 'Gemeinde Burg');
  const created = await api.request(owner.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
  expect(created.status).toBe(201);
  profileId = created.body.id;
  await send(owner, 'SUBMIT');
  await send(wrl, 'ACCEPT', { werkstatt: 4 });
  await send(w4, 'VOTE', { votum: 'further_qualification', reason: VOTE_REASON });
  await send(owner, 'RESUBMIT');
  await send(w4, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE'] });
  const res = await api.request(mwae.token, 'POST', `/api/v1/profiles/${profileId}/events`, {
    type: 'STATEMENT',
    payload: { opinion: 'concerns', text: STATEMENT_TEXT },
    comment: STATEMENT_COMMENT,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
});
afterAll(async () => {
  await api?.close();
});

describe('the history of a profile with a ministry statement', () => {
  it('shows the applicant that a statement was given, without its text, opinion or comment', async () => {
    const statement = await statementOf(owner);
    expect(statement).toMatchObject({ event: 'STATEMENT', actor: { id: mwae.id }, comment: null });
    expect(statement?.payload).not.toHaveProperty('text');
    expect(statement?.payload).not.toHaveProperty('opinion');
    const all = JSON.stringify(await history(owner));
    expect(all).not.toContain(STATEMENT_TEXT);
    expect(all).not.toContain(STATEMENT_COMMENT);
  });

  it('shows the applicant the reason of a Votum that asks for revision', async () => {
    const vote = (await history(owner)).find((h) => h.event === 'VOTE');
    expect(vote?.payload).toEqual({ votum: 'further_qualification', reason: VOTE_REASON });
  });

  it.each([
    ['the WRL office', () => wrl],
    ['the Werkstatt', () => w4],
    ['another involved ministry', () => mil],
    ['an applicant who also holds the WRL role', () => ownerAndWrl],
  ])('shows %s the statement text, opinion and comment', async (_, user) => {
    const statement = await statementOf(user());
    expect(statement?.payload).toMatchObject({ opinion: 'concerns', text: STATEMENT_TEXT });
    expect(statement).toMatchObject({ comment: STATEMENT_COMMENT });
  });
});
