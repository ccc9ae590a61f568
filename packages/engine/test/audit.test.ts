import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordHistoryAnchor, verifyHistory } from '../src/audit.js';

let t: TestDatabase;
let userId: string;

beforeAll(async () => {
  t = await createTestDatabase('audit');
  const user = await t.db
    .insertInto('users')
    .values({ email: 'pruefer@example.org', name: 'Petra Prüfer', roles: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  userId = user.id;
});
afterAll(() => t.destroy());

beforeEach(async () => {
  await sql`delete from history_anchors`.execute(t.db);
  await sql`delete from profile_tombstones`.execute(t.db);
  await sql`delete from profiles`.execute(t.db);
});

/** A profile with `entries` history rows (seq 1..entries), inserted one statement each as the engine does. */
async function profileWith(entries: number): Promise<string> {
  const { id } = await t.db
    .insertInto('profiles')
    .values({
      workflow_id: 'review',
      workflow_version: 1,
      state: 'draft',
      snapshot: '{}',
      owner_key: `u:${userId}`,
      created_by: userId,
      data: JSON.stringify({ title: 'Radweg' }),
      version: 1,
      scope: '{}',
      summary: '{}',
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let seq = 1; seq <= entries; seq++) {
    await t.db
      .insertInto('profile_history')
      .values({
        profile_id: id,
        seq,
        event: seq === 1 ? 'CREATE' : 'COMMENT',
        from_state: seq === 1 ? null : 'draft',
        to_state: 'draft',
        actor_id: userId,
        payload: JSON.stringify({ note: `Eintrag ${seq}`, amount: 1.5, nested: { b: 1, a: [1, 2] } }),
        comment: seq % 2 ? `Kommentar „${seq}“` : null,
        at: new Date(Date.UTC(2026, 10, 30, 10, seq, 0, 123)),
      })
      .execute();
  }
  return id;
}

describe('verifyHistory', () => {
  it('verifies a clean database and counts its profiles and entries', async () => {
    await profileWith(5);
    await profileWith(3);
    expect(await verifyHistory(t.db)).toMatchObject({ ok: true, profiles: 2, entries: 8 });
  });

  it('computes the same hashes whatever the session time zone and date style', async () => {
    const id = await profileWith(2);
    await t.db.transaction().execute(async (trx) => {
      await sql`set local timezone = 'Pacific/Auckland'`.execute(trx);
      await sql`set local datestyle = 'SQL, DMY'`.execute(trx);
      await trx
        .insertInto('profile_history')
        .values({ profile_id: id, seq: 3, event: 'COMMENT', to_state: 'draft', payload: '{}', at: new Date() })
        .execute();
    });
    expect(await verifyHistory(t.db)).toMatchObject({ ok: true, entries: 3 });
  });

  it('writes its own hashes over any a writer supplies', async () => {
    const id = await profileWith(1);
    await sql`insert into profile_history (profile_id, seq, event, to_state, payload, at, content_hash, chain_hash)
      values (${id}, 2, 'COMMENT', 'draft', '{}', now(), '\\x00', '\\x00')`.execute(t.db);
    const { rows } = await sql<{
      n: number;
    }>`select length(content_hash) as n from profile_history where seq = 2`.execute(t.db);
    expect(rows[0]?.n).toBe(32);
    expect(await verifyHistory(t.db)).toMatchObject({ ok: true, entries: 2 });
  });

  it('names a row whose payload was changed by an UPDATE', async () => {
    await profileWith(4);
    const id = await profileWith(5);
    await sql`update profile_history set payload = '{"note": "anders"}' where profile_id = ${id} and seq = 3`.execute(
      t.db,
    );
    expect(await verifyHistory(t.db)).toMatchObject({
      ok: false,
      firstBroken: { profileId: id, seq: 3, kind: 'content', reason: 'content changed' },
    });
  });

  it('names the seq of a deleted middle row', async () => {
    const id = await profileWith(5);
    await sql`delete from profile_history where profile_id = ${id} and seq = 3`.execute(t.db);
    expect((await verifyHistory(t.db)).firstBroken).toMatchObject({ profileId: id, seq: 3, kind: 'missing' });
  });

  it('names the first of two rows whose seqs were swapped', async () => {
    const id = await profileWith(5);
    await sql`update profile_history set seq = -1 where profile_id = ${id} and seq = 2`.execute(t.db);
    await sql`update profile_history set seq = 2 where profile_id = ${id} and seq = 3`.execute(t.db);
    await sql`update profile_history set seq = 3 where profile_id = ${id} and seq = -1`.execute(t.db);
    expect((await verifyHistory(t.db)).firstBroken).toMatchObject({ profileId: id, seq: 2, kind: 'link' });
  });

  it('names a row whose content and content hash were rewritten together', async () => {
    const id = await profileWith(3);
    await sql`update profile_history set comment = 'neu', content_hash = sha256(convert_to(json_build_array(profile_id, seq,
      event, from_state, to_state, actor_id, payload, 'neu'::text, at at time zone 'UTC')::text, 'UTF8'))
      where profile_id = ${id} and seq = 2`.execute(t.db);
    expect((await verifyHistory(t.db)).firstBroken).toMatchObject({ profileId: id, seq: 2, kind: 'link' });
  });

  it('names a deleted tail after an anchor, and not before one', async () => {
    const id = await profileWith(4);
    const anchor = await recordHistoryAnchor(t.db);
    expect(anchor).toMatchObject({ heads: 1 });
    expect(anchor.headsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyHistory(t.db)).toMatchObject({ ok: true, anchor: { id: anchor.id } });
    await sql`delete from profile_history where profile_id = ${id} and seq = 4`.execute(t.db);
    expect((await verifyHistory(t.db)).firstBroken).toMatchObject({ profileId: id, seq: 4, kind: 'anchor-missing' });
    expect((await verifyHistory(t.db, { profileId: id })).firstBroken).toMatchObject({
      seq: 4,
      kind: 'anchor-missing',
    });
  });

  it('names an anchored head whose chain was recomputed after a change', async () => {
    const id = await profileWith(3);
    await recordHistoryAnchor(t.db);
    // Recompute the whole chain after changing row 2, as someone with write access to hashes could.
    await sql`alter table profile_history disable trigger profile_history_chain`.execute(t.db);
    try {
      const rows = await sql<
        Record<string, unknown>
      >`select * from profile_history where profile_id = ${id} order by seq`.execute(t.db);
      await sql`delete from profile_history where profile_id = ${id}`.execute(t.db);
      await sql`alter table profile_history enable trigger profile_history_chain`.execute(t.db);
      for (const row of rows.rows) {
        const { id: _id, content_hash: _c, chain_hash: _h, ...rest } = row;
        await t.db
          .insertInto('profile_history')
          .values({ ...(rest as any), payload: JSON.stringify(row.seq === 2 ? { note: 'anders' } : row.payload) })
          .execute();
      }
    } finally {
      await sql`alter table profile_history enable trigger profile_history_chain`.execute(t.db);
    }
    expect((await verifyHistory(t.db)).firstBroken).toMatchObject({ profileId: id, seq: 3, kind: 'anchor-different' });
  });

  it('verifies a redacted row that a later REDACT entry names', async () => {
    const id = await profileWith(3);
    await t.db.transaction().execute(async (trx) => {
      await sql`update profile_history set payload = '{"note": "[entfernt]"}', comment = null, redacted_at = now()
        where profile_id = ${id} and seq in (1, 2)`.execute(trx);
      await trx
        .insertInto('profile_history')
        .values({
          profile_id: id,
          seq: 4,
          event: 'REDACT',
          to_state: 'draft',
          payload: JSON.stringify({ seqs: [1, 2], reason: 'erasure', fields: ['payload.note', 'comment'] }),
          at: new Date(),
        })
        .execute();
    });
    expect(await verifyHistory(t.db)).toMatchObject({ ok: true, entries: 4 });
  });

  it('names a redacted row that no REDACT entry names', async () => {
    const id = await profileWith(3);
    await sql`update profile_history set payload = '{}', redacted_at = now() where profile_id = ${id} and seq = 2`.execute(
      t.db,
    );
    await t.db
      .insertInto('profile_history')
      .values({
        profile_id: id,
        seq: 4,
        event: 'REDACT',
        to_state: 'draft',
        payload: JSON.stringify({ seqs: [1], reason: 'erasure', fields: ['comment'] }),
        at: new Date(),
      })
      .execute();
    expect((await verifyHistory(t.db)).firstBroken).toMatchObject({ profileId: id, seq: 2, kind: 'redacted' });
  });

  it('verifies after a tombstoned profile whose head was anchored is deleted', async () => {
    await profileWith(2);
    const gone = await profileWith(3);
    await recordHistoryAnchor(t.db);
    await sql`insert into profile_tombstones (profile_id, workflow_id, deleted_at, reason, last_seq, last_chain_hash)
      select profile_id, 'review', now(), 'retention', seq, chain_hash from profile_history where profile_id = ${gone} and seq = 3`.execute(
      t.db,
    );
    await sql`delete from profiles where id = ${gone}`.execute(t.db);
    expect(await verifyHistory(t.db)).toMatchObject({ ok: true, profiles: 1, entries: 2 });
  });

  it('names the anchored head of a profile deleted without a tombstone', async () => {
    const gone = await profileWith(3);
    await recordHistoryAnchor(t.db);
    await sql`delete from profiles where id = ${gone}`.execute(t.db);
    expect((await verifyHistory(t.db)).firstBroken).toMatchObject({ profileId: gone, seq: 3, kind: 'anchor-missing' });
  });

  it('checks only the given profile', async () => {
    const bad = await profileWith(3);
    const good = await profileWith(2);
    await sql`update profile_history set comment = 'x' where profile_id = ${bad} and seq = 1`.execute(t.db);
    expect(await verifyHistory(t.db, { profileId: good })).toMatchObject({ ok: true, profiles: 1, entries: 2 });
    expect(await verifyHistory(t.db, { profileId: bad })).toMatchObject({ ok: false, firstBroken: { seq: 1 } });
  });

  it('checks profiles across batch boundaries in key order', async () => {
    await sql`insert into profiles (workflow_id, workflow_version, state, snapshot, owner_key, created_by)
      select 'review', 1, 'draft', '{}', 'x', ${userId}::uuid from generate_series(1, 5002)`.execute(t.db);
    await sql`insert into profile_history (profile_id, seq, event, to_state, payload, at)
      select p.id, s, 'COMMENT', 'draft', '{}', now() from profiles as p, generate_series(1, 2) as s`.execute(t.db);
    const last = await sql<{ id: string }>`select id from profiles order by id desc limit 1`.execute(t.db);
    const lastId = last.rows[0]?.id as string;
    await sql`update profile_history set event = 'X' where profile_id = ${lastId} and seq = 2`.execute(t.db);
    expect(await verifyHistory(t.db)).toMatchObject({
      ok: false,
      profiles: 5002,
      entries: 10_004,
      firstBroken: { profileId: lastId, seq: 2, kind: 'content' },
    });
  });
});
