import { randomUUID } from 'node:crypto';
import { createDb } from '@steckbrief/db';
import { createTestDatabase, insertBareProfiles, TEST_DATABASE_URL, type TestDatabase } from '@steckbrief/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INBOX_SORTS,
  INBOX_VIEWS,
  type InboxQuery,
  inboxInput,
  inboxPageQuery,
  inboxPageStatement,
  inboxPageWithSummary,
} from '../src/inbox.js';
import { createRegistry } from '../src/registry.js';
import { review } from './fixture.js';

const registry = createRegistry([review]);
// Compiling needs no connection: the pool never connects.
const db = createDb({ url: TEST_DATABASE_URL, schema: 'inbox_statement_unused' });
const deps = { db, registry };
afterAll(() => db.destroy());

const people: Array<{ userId: string; groups: Array<[string, string]> }> = [
  { userId: '00000000-0000-4000-8000-000000000001', groups: [['panel', 'panel:north']] },
  { userId: '00000000-0000-4000-8000-000000000002', groups: [['panel', "panel:so'uth"]] },
  {
    userId: '00000000-0000-4000-8000-000000000003',
    groups: [
      ['panel', 'panel:south'],
      ['office', ''],
    ],
  },
  // Group values that a joined key could confuse with each other's.
  { userId: '00000000-0000-4000-8000-000000000005', groups: [['panel', 'panel:a=b,panel=panel:c']] },
  {
    userId: '00000000-0000-4000-8000-000000000006',
    groups: [
      ['panel', 'panel:a=b'],
      ['panel', 'panel:c'],
    ],
  },
  // An owner-scoped group (one per organisation) is always a parameter.
  { userId: '00000000-0000-4000-8000-000000000004', groups: [['applicant', 'owner:org:org-1']] },
];

const queries: InboxQuery[] = [
  ...INBOX_VIEWS.map((view) => ({ view })),
  ...INBOX_SORTS.flatMap((sort) => [
    { view: 'group' as const, sort },
    { view: 'done' as const, sort, descending: true },
  ]),
  { view: 'group', state: 'review', overdue: true, limit: 10, offset: 20 },
  { view: 'mine', scope: { panel: 'north' }, dueBefore: new Date('2027-01-31T23:00:00Z'), limit: 900, offset: -5 },
  { view: 'unassigned', state: 'submitted', scope: { panel: "north'; drop table tasks; --" } },
];

describe('the inbox page statement', () => {
  it('is the statement a fresh build with the values gives, for every view, order and filter, whoever asked before', () => {
    const at = new Date('2026-12-01T08:00:00Z');
    const literal = new Set<boolean>();
    for (let round = 0; round < 2; round++) {
      for (const q of queries) {
        for (const { userId, groups } of people) {
          const input = inboxInput(q);
          const statement = inboxPageStatement(deps, userId, groups, input, at);
          literal.add(statement.literal);
          const fresh = inboxPageQuery(deps, userId, groups, { ...input, literal: statement.literal }, at).compile();
          expect(statement).toEqual({ sql: fresh.sql, parameters: fresh.parameters, literal: statement.literal });
        }
      }
    }
    expect([...literal].sort()).toEqual([false, true]);
  });

  it('writes the groups into the statement only on a first page of groups that are not one per organisation', () => {
    const at = new Date('2026-12-01T08:00:00Z');
    const [north, , , , , owner] = people;
    if (!north || !owner) throw new Error('missing fixture');
    expect(inboxPageStatement(deps, north.userId, north.groups, inboxInput({ view: 'group' }), at).literal).toBe(true);
    expect(
      inboxPageStatement(deps, north.userId, north.groups, inboxInput({ view: 'group', offset: 25 }), at).literal,
    ).toBe(false);
    expect(inboxPageStatement(deps, owner.userId, owner.groups, inboxInput({ view: 'group' }), at).literal).toBe(false);
  });
});

describe('the inbox page in PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    // One connection: the prepared statement and its plans are that connection's.
    t = await createTestDatabase('inbox_statement', 1);
  });
  afterAll(() => t?.destroy());

  it('keeps one generic plan for a panel’s first page instead of planning every call, and shows the panel’s tasks', async () => {
    const { db } = t;
    // As in a running system: most tasks are the office's and done, a panel's open tasks are few; a group's
    // size is then underestimated from its role's and its scope's frequencies, and its custom plan looks cheap.
    await insertBareProfiles(db, 2000);
    await sql`insert into tasks (profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, status, due_at, created_at)
      select id, 'review', 'old:' || n, 'check', 'submitted', 'office', '', 'done', now(), now()
      from profiles, generate_series(1, 4) n`.execute(db);
    await sql`insert into tasks (profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, status, due_at, created_at)
      select id, 'review', 'decide', 'decide', 'review', 'panel',
             case when row_number() over (order by id) % 10 = 0 then 'panel:north' else 'panel:south' end,
             'open', now() + interval '3 days', now() from profiles`.execute(db);
    await sql`analyze`.execute(db);
    const reader = { userId: randomUUID(), organisation: null, grants: [{ role: 'panel', panel: 'north' }] };
    const engine = { db, registry };
    for (let i = 0; i < 8; i++) {
      const page = await inboxPageWithSummary(engine, reader, { view: 'group', limit: 25 });
      expect(page.counts.group).toBe(200);
      expect(page.items).toHaveLength(25);
      expect(page.items.every((item) => item.scope === 'panel:north')).toBe(true);
    }
    const plans = await sql<{ generic_plans: string; custom_plans: string }>`
      select generic_plans, custom_plans from pg_prepared_statements where statement like '%row_number() over%'`.execute(
      db,
    );
    expect(plans.rows).toHaveLength(1);
    expect(Number(plans.rows[0]?.generic_plans)).toBeGreaterThan(0);
  });
});
