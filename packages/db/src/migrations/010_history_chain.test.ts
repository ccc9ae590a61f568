import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { down, up } from './010_history_chain.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('chain_migration');
});
afterAll(() => t.destroy());

interface Hashes {
  seq: number;
  content_hash: string;
  chain_hash: string;
}

const hashesOf = async (profileId: string) =>
  (
    await sql<Hashes>`select seq, encode(content_hash, 'hex') as content_hash, encode(chain_hash, 'hex') as chain_hash
      from profile_history where profile_id = ${profileId} order by seq`.execute(t.db)
  ).rows;

describe('migration 010', () => {
  it('back-fills existing rows with the hashes its trigger gives the same rows on insert', async () => {
    const user = await t.db
      .insertInto('users')
      .values({ email: 'a@example.org', name: 'A', roles: '[]' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const profile = await t.db
      .insertInto('profiles')
      .values({
        workflow_id: 'w',
        workflow_version: 1,
        state: 's',
        snapshot: '{}',
        version: 1,
        data: '{}',
        scope: '{}',
        summary: '{}',
        owner_key: 'x',
        created_by: user.id,
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await down(t.db as never);
    const insertRows = () =>
      sql`insert into profile_history (profile_id, seq, event, from_state, to_state, actor_id, payload, comment, at)
        select ${profile.id}::uuid, s, 'E' || s, 'a', 'b', ${user.id}::uuid, jsonb_build_object('n', s, 'ä', 'ö'),
          case when s % 2 = 0 then 'Kommentar' end, timestamptz '2026-11-30 10:00:00.5+01' + s * interval '1 minute'
        from generate_series(1, 4) as s`.execute(t.db);
    await insertRows();
    await up(t.db as never);
    const backFilled = await hashesOf(profile.id);
    expect(backFilled).toHaveLength(4);

    await sql`delete from profile_history`.execute(t.db);
    await insertRows();
    expect(await hashesOf(profile.id)).toEqual(backFilled);
  });

  it('chains each row to its predecessor: sha256(previous chain hash || content hash)', async () => {
    const { rows } = await sql<{ ok: boolean }>`select bool_and(h.chain_hash = sha256(coalesce(p.chain_hash,
        '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea) || h.content_hash)) as ok
      from profile_history as h left join profile_history as p on p.profile_id = h.profile_id and p.seq = h.seq - 1`.execute(
      t.db,
    );
    expect(rows[0]?.ok).toBe(true);
  });
});
