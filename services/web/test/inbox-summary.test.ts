import { inboxSummary } from '@steckbrief/engine';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type HttpClient, startWebTestEnv, type WebTestEnv } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });

let env: WebTestEnv;
let wrl: HttpClient;

beforeAll(async () => {
  env = await startWebTestEnv('inbox-summary');
  for (const title of ['Eins', 'Zwei']) {
    const id = await env.createProfileFor(env.people.applicant);
    await env.send(env.people.applicant, id, 'SUBMIT');
    if (title === 'Zwei') await env.send(env.people.wrl, id, 'ACCEPT', { werkstatt: 4 });
  }
  // 1 001 done intake checks of the office's group, as years of work leave them.
  const [profile] = await env.database.db.selectFrom('profiles').select('id').limit(1).execute();
  await sql`insert into tasks (profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, status, due_at, created_at, closed_at)
    select ${profile?.id}::uuid, 'lausitz-brandenburg', 'old:' || i, 'intake_check', 'intake', 'wrl', '', 'done', now(), now(), now()
    from generate_series(1, 1001) i`.execute(env.database.db);
  wrl = await env.signIn(env.people.wrl);
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

describe('the inbox summary', () => {
  it('counts the views and lists the stages with open tasks, the stage filter left out of the stages', async () => {
    const actor = await env.actorOf(env.people.wrl);
    const all = await inboxSummary(env.deps, actor, {});
    expect(all.counts).toMatchObject({ group: 2, unassigned: 2, mine: 0 });
    expect(all.stages.sort()).toEqual(['intake', 'qualification']);
    const filtered = await inboxSummary(env.deps, actor, { state: 'qualification' });
    expect(filtered.counts).toMatchObject({ group: 1, unassigned: 1, mine: 0 });
    expect(filtered.stages.sort()).toEqual(['intake', 'qualification']);
  });

  it('counts done tasks up to 1000 and the page says 1000+', async () => {
    const actor = await env.actorOf(env.people.wrl);
    expect((await inboxSummary(env.deps, actor, {})).counts.done).toBe(1000);
    const page = await wrl.request('/aufgaben?ansicht=erledigt');
    expect(page.text).toContain('Erledigt <span class="inbox__count">(1000+)</span>');
    expect(page.text).toContain('Erledigt: 1000+ Aufgaben, Seite 1 von 40');
  });
});
