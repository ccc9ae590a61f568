import { poolOf } from '@steckbrief/db';
import { capturedStatement } from '@steckbrief/db/testing';
import { inboxPageWithSummary, inboxSummary } from '@steckbrief/engine';
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

  it("reads a reviewer's claimed tasks (Meine Aufgaben) as a range of the claimed-tasks index, not every open task of the group", async () => {
    const { db } = env.database;
    const actor = await env.actorOf(env.people.ministry);
    const [profile] = await db.selectFrom('profiles').select('id').limit(1).execute();
    // 3 000 open tasks of the MIL group, two of them claimed by the reviewer.
    await sql`insert into tasks (profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, status, due_at, created_at, claimed_by)
      select ${profile?.id}::uuid, 'lausitz-brandenburg', 'mil:' || i, 'ministry_statement', 'ministry_review', 'ministry', 'ministry:MIL',
             'open', now() + i * interval '1 hour', now(), case when i <= 2 then ${actor.userId}::uuid end
      from generate_series(1, 3000) i`.execute(db);
    await sql`analyze tasks`.execute(db);
    // The worker of the test environment shares the pool: keep the inbox's statement only.
    const statement = await capturedStatement(db, 'row_number() over', async () => {
      const page = await inboxPageWithSummary(env.deps, actor, { view: 'mine', limit: 25, offset: 0 });
      expect(page.items.map((t) => t.claimedBy)).toEqual([actor.userId, actor.userId]);
    });
    const pool = poolOf(db);
    if (!pool) throw new Error('no pool');
    // The plan for these values, as PostgreSQL plans the named prepared statement's executions (a generic
    // plan, with `status` a parameter, could use no partial index and costs more).
    const client = await pool.connect();
    try {
      await client.query('set plan_cache_mode = force_custom_plan');
      await client.query({ name: 'inbox_mine', text: statement.text, values: statement.values });
      const params = statement.values.map((v) => (v instanceof Date ? v.toISOString() : v));
      const literal = params.map((v) => `'${String(v).replaceAll("'", "''")}'`).join(', ');
      const { rows } = await client.query(`explain (format json) execute inbox_mine(${literal})`);
      const plan = JSON.stringify(rows[0]);
      expect(plan).toContain('tasks_open_claimed_due_idx');
    } finally {
      await client.query('reset plan_cache_mode');
      client.release(true);
    }
  });
});
