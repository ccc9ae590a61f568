import { createDb } from '@steckbrief/db';
import { TEST_DATABASE_URL } from '@steckbrief/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  INBOX_SORTS,
  INBOX_VIEWS,
  type InboxQuery,
  inboxInput,
  inboxPageQuery,
  inboxPageStatement,
} from '../src/inbox.js';

// Compiling needs no connection: the pool never connects.
const db = createDb({ url: TEST_DATABASE_URL, schema: 'inbox_statement_unused' });
// The statement is built from the query alone; the registry only maps its rows.
const deps = { db, registry: undefined as never };
afterAll(() => db.destroy());

const people: Array<{ userId: string; groups: Array<[string, string]> }> = [
  { userId: '00000000-0000-4000-8000-000000000001', groups: [['panel', 'panel:north']] },
  { userId: '00000000-0000-4000-8000-000000000002', groups: [['panel', 'panel:south']] },
  {
    userId: '00000000-0000-4000-8000-000000000003',
    groups: [
      ['panel', 'panel:south'],
      ['office', ''],
    ],
  },
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
    for (let round = 0; round < 2; round++) {
      for (const q of queries) {
        for (const { userId, groups } of people) {
          const input = inboxInput(q);
          const fresh = inboxPageQuery(deps, userId, groups, input, at).compile();
          expect(inboxPageStatement(deps, userId, groups, input, at)).toEqual({
            sql: fresh.sql,
            parameters: fresh.parameters,
          });
        }
      }
    }
  });
});
