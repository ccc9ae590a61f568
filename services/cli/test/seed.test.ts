import { createUser } from '@steckbrief/accounts';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile, publishedMinutes, publishedSessionMinutes } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeedReport, seed } from '../src/seed.js';
import { NAMED_PROJECTS, SEED_USERS, STAGES, seedProfiles } from '../src/seed-data.js';
import { cliRunner } from './helpers.js';

let database: TestDatabase;
const registry = buildRegistry();
let first: SeedReport;
let second: SeedReport;

async function counts(db: TestDatabase['db']) {
  const one = async (table: 'users' | 'profiles' | 'sessions' | 'session_agenda' | 'profile_history' | 'outbox') =>
    Number((await db.selectFrom(table).select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  return {
    users: await one('users'),
    profiles: await one('profiles'),
    sessions: await one('sessions'),
    agenda: await one('session_agenda'),
    history: await one('profile_history'),
    outbox: await one('outbox'),
  };
}

beforeAll(async () => {
  database = await createTestDatabase('cli_seed');
});
afterAll(async () => {
  await database?.destroy();
});

describe('seed', () => {
  it('runs twice without error and without duplicates', async () => {
    const deps = { db: database.db, registry };
    first = await seed(deps);
    const afterFirst = await counts(database.db);
    second = await seed(deps);
    const afterSecond = await counts(database.db);
    expect(afterSecond).toEqual(afterFirst);
    expect(first.profiles.created).toBeGreaterThanOrEqual(40);
    expect(second.profiles).toMatchObject({ created: 0, existing: first.profiles.created, stepsApplied: 0 });
    expect(second.users.every((u) => !u.created)).toBe(true);
    expect(second.sessions.every((s) => !s.created)).toBe(true);
    expect(afterFirst.users).toBe(first.users.length);
    // The second run prints fresh tokens, which work alongside the first ones.
    expect(second.users.map((u) => u.token)).not.toEqual(first.users.map((u) => u.token));
  });

  it('populates every stage of the pipeline', async () => {
    const rows = await database.db
      .selectFrom('profiles')
      .select(['state', sql<string>`count(*)`.as('n')])
      .groupBy('state')
      .execute();
    const byState = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    for (const stage of STAGES) expect(byState[stage], stage).toBeGreaterThanOrEqual(1);
  });

  it('confirms exactly the six named projects in Werkstatt 4', async () => {
    const rows = await database.db
      .selectFrom('profiles')
      .select(['title', 'state', 'scope'])
      .where('title', 'in', [...NAMED_PROJECTS])
      .execute();
    expect(rows.map((r) => r.title).sort()).toEqual([...NAMED_PROJECTS].sort());
    for (const r of rows) expect(r.scope.werkstatt).toEqual(['4']);
    const state = Object.fromEntries(rows.map((r) => [r.title, r.state]));
    for (const title of NAMED_PROJECTS) expect(state[title], title).toBe('confirmed');
    const confirmedInW4 = await database.db
      .selectFrom('profiles')
      .select('title')
      .where('state', '=', 'confirmed')
      .where(sql<boolean>`scope->'werkstatt' ? '4'`)
      .execute();
    expect(confirmedInW4.map((r) => r.title).sort()).toEqual([...NAMED_PROJECTS].sort());
  });

  it('records a past IMAG session with decisions and plans the next one with the deferred profile', async () => {
    const past = second.sessions.find((s) => s.title.includes('abgeschlossen'));
    const next = second.sessions.find((s) => s.title.startsWith('IMAG') && s.title.includes('geplant'));
    expect(past?.decided).toBeGreaterThanOrEqual(3);
    expect(past?.decided).toBe(past?.agenda);
    const decisions = await database.db
      .selectFrom('session_agenda')
      .select(['decision_event', 'profile_id', 'carried_to'])
      .where('session_id', '=', past?.id as string)
      .execute();
    expect(new Set(decisions.map((d) => d.decision_event))).toEqual(new Set(['CONFIRM', 'DEFER', 'REJECT']));
    const deferred = decisions.find((d) => d.decision_event === 'DEFER');
    expect(deferred?.carried_to).toBe(next?.id);
    const nextAgenda = await database.db
      .selectFrom('session_agenda')
      .select('profile_id')
      .where('session_id', '=', next?.id as string)
      .execute();
    expect(nextAgenda.map((a) => a.profile_id)).toContain(deferred?.profile_id);
    const w4 = second.sessions.find((s) => s.title.startsWith('Werkstatt 4'));
    expect(w4?.agenda).toBeGreaterThanOrEqual(1);
  });

  it('records a past Werkstatt 4 session with two Voten and publishes its minutes for the public page', async () => {
    const past = second.sessions.find((s) => s.title.startsWith('Werkstatt 4') && s.title.includes('abgeschlossen'));
    expect(past).toMatchObject({ agenda: 2, decided: 2 });
    const published = await publishedMinutes({ db: database.db, registry }, { scopeValue: '4' });
    expect(published.map((p) => p.id)).toEqual([past?.id]);
    const minutes = await publishedSessionMinutes({ db: database.db, registry }, { sessionId: past?.id as string });
    expect(JSON.stringify(minutes)).toContain('Mehrgenerationenhaus Senftenberg');
    expect(JSON.stringify(minutes)).toContain('Digitale Dorfmitte Herzberg (Elster)');
  });

  it('drives profiles through real transitions: history, open tasks and outbox rows exist', async () => {
    const c = await counts(database.db);
    expect(c.history).toBeGreaterThan(c.profiles * 2);
    const outbox = await database.db
      .selectFrom('outbox')
      .select(['topic', sql<string>`count(*)`.as('n')])
      .groupBy('topic')
      .execute();
    expect(outbox.map((o) => o.topic)).toEqual(['transition']);
    const open = await database.db.selectFrom('tasks').select('kind').distinct().where('status', '=', 'open').execute();
    expect(open.map((t) => t.kind)).toEqual(
      expect.arrayContaining(['intake_check', 'ministry_statement', 'imag_decision']),
    );
  });
});

describe('seed after an interrupted run', () => {
  it('resumes a profile that stopped half-way instead of creating it again', async () => {
    const other = await createTestDatabase('cli_seed_resume');
    try {
      const deps = { db: other.db, registry };
      const burg = SEED_USERS.find((u) => u.key === 'applicant:burg') as (typeof SEED_USERS)[number];
      const { id: userId } = await createUser(other.db, {
        email: burg.email,
        name: burg.name,
        organisation: burg.organisation,
        roles: burg.roles,
      });
      const spec = seedProfiles().find((p) => p.org === 'burg' && NAMED_PROJECTS.includes(p.data.title as never));
      const actor = { userId, organisation: burg.organisation ?? null, grants: burg.roles };
      const draft = await createProfile(deps, actor, { data: spec?.data });
      await applyEvent(deps, actor, { profileId: draft.id, type: 'SUBMIT' });
      const report = await seed(deps);
      const rows = await other.db
        .selectFrom('profiles')
        .select(['id', 'state'])
        .where('title', '=', spec?.data.title as string)
        .execute();
      expect(rows).toEqual([{ id: draft.id, state: 'confirmed' }]);
      expect(report.users.find((u) => u.email === burg.email)?.created).toBe(false);
    } finally {
      await other.destroy();
    }
  });
});

describe('CLI commands', () => {
  it('creates a user from --role options, then lists it and the seeded profiles', async () => {
    const run = cliRunner(database);
    const created = await run(
      'users',
      'create',
      '--email',
      'rita@example.org',
      '--name',
      'Rita',
      '--role',
      'ministry:MIL',
      '--role',
      'werkstatt:3',
    );
    expect(created.find((l) => l.startsWith('token:'))).toMatch(/^token: stb_/);
    const user = await database.db
      .selectFrom('users')
      .select('roles')
      .where('email', '=', 'rita@example.org')
      .executeTakeFirstOrThrow();
    expect(user.roles).toEqual([
      { role: 'ministry', ministry: 'MIL' },
      { role: 'werkstatt', werkstatt: 3 },
    ]);
    const lines = await run('profiles', 'list', '--werkstatt', '4', '--q', 'Branitz');
    expect(lines.join('\n')).toContain('Future Branitz Plant');
    expect(lines.at(-1)).toBe('1 profile(s)');
  });
});
