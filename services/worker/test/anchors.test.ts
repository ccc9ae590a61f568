import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { verifyHistory } from '@steckbrief/engine';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorIfDue, startAnchors } from '../src/anchors.js';

let database: TestDatabase;
const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase('worker_anchors');
  const user = await database.db
    .insertInto('users')
    .values({ email: 'a@example.org', name: 'A', roles: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into profiles (workflow_id, workflow_version, state, snapshot, owner_key, created_by)
    select 'review', 1, 'draft', '{}', 'x', ${user.id}::uuid from generate_series(1, 4)`.execute(database.db);
  await sql`insert into profile_history (profile_id, seq, event, to_state, payload, at)
    select p.id, s, 'COMMENT', 'draft', '{}', now() from profiles as p, generate_series(1, 3) as s`.execute(
    database.db,
  );
});
afterAll(() => database?.destroy());

const anchorCount = async () =>
  Number((await sql<{ n: string }>`select count(*) as n from history_anchors`.execute(database.db)).rows[0]?.n);

describe('history anchors', () => {
  it('records the head of every chain at start, then once per interval however many workers check', async () => {
    const start = new Date('2026-11-30T03:00:00Z');
    const logger = pino({ level: 'silent' });
    const workers = [1, 2, 3].map(() => startAnchors({ db: database.db, logger, intervalMs: DAY, now: () => start }));
    await Promise.all(workers.map((w) => w.check()));
    expect(await anchorCount()).toBe(1);
    const anchor = await database.db.selectFrom('history_anchors').selectAll().executeTakeFirstOrThrow();
    expect(Object.keys(anchor.heads)).toHaveLength(4);
    expect(Object.values(anchor.heads).every(([seq, hash]) => seq === 3 && /^[0-9a-f]{64}$/.test(hash))).toBe(true);
    await Promise.all(workers.map((w) => w.stop()));

    expect(await anchorIfDue(database.db, DAY, new Date(start.getTime() + DAY - 1))).toBeUndefined();
    const next = await Promise.all([1, 2].map(() => anchorIfDue(database.db, DAY, new Date(start.getTime() + DAY))));
    expect(next.filter(Boolean)).toHaveLength(1);
    expect(await anchorCount()).toBe(2);
  });

  it('lets audit verify see a tail deleted after the anchor', async () => {
    const id = (await database.db.selectFrom('profiles').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
    await sql`delete from profile_history where profile_id = ${id} and seq = 3`.execute(database.db);
    expect((await verifyHistory(database.db)).firstBroken).toMatchObject({
      profileId: id,
      seq: 3,
      kind: 'anchor-missing',
    });
  });
});
