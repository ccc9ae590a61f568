import { type Kysely, sql } from 'kysely';

/**
 * A tamper-evident history (issue 13, docs/privacy.md "Tamper-evident history").
 *
 * - `profile_history.content_hash = sha256(canonical content)`, where the canonical content is the text of
 *   `json_build_array(profile_id, seq, event, from_state, to_state, actor_id, payload, comment, at at time zone 'UTC')`:
 *   unambiguous, and independent of the session's TimeZone and DateStyle (JSON renders timestamps in ISO 8601).
 * - `chain_hash = sha256(chain_hash of the row seq - 1 of the same profile (32 zero bytes for none) || content_hash)`.
 *
 * A `BEFORE INSERT` trigger fills both in the same statement for every writer, so the places that insert
 * history need no change and no extra round trip; the unique `(profile_id, seq)` serialises concurrent
 * appends, and its index finds the predecessor. Clients cannot choose the hashes: the trigger overwrites them.
 * The verifier (`packages/engine/src/audit.ts`) recomputes with its own copy of the expression, never by
 * calling this function, so a changed function does not change what verification trusts.
 *
 * - `redacted_at`: set when retention or erasure replaced personal content of the row (hashes unchanged; a
 *   later `REDACT` entry of the chain names the seq).
 * - `profile_tombstones`: written before a whole profile is deleted, so its anchored head stays accounted for.
 * - `history_anchors`: the heads of all chains, recorded periodically by the worker, so a deleted tail is seen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  const history = `"${schema.replaceAll('"', '""')}".profile_history`;

  await sql`alter table profile_history
    add column content_hash bytea,
    add column chain_hash bytea,
    add column redacted_at timestamptz`.execute(db);

  // Back-fill: content hashes in one statement, then the chains in key order.
  await sql`update profile_history set content_hash = sha256(convert_to(json_build_array(
      profile_id, seq, event, from_state, to_state, actor_id, payload, comment, at at time zone 'UTC')::text, 'UTF8'))`.execute(
    db,
  );
  await sql`do $$
    declare
      r record;
      last_profile uuid := null;
      last_seq integer := null;
      last_chain bytea := null;
      prev bytea;
    begin
      for r in select id, profile_id, seq, content_hash from profile_history order by profile_id, seq loop
        if r.profile_id = last_profile and r.seq = last_seq + 1 then
          prev := last_chain;
        else
          prev := '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
        end if;
        last_chain := sha256(prev || r.content_hash);
        update profile_history set chain_hash = last_chain where id = r.id;
        last_profile := r.profile_id;
        last_seq := r.seq;
      end loop;
    end $$`.execute(db);
  await sql`alter table profile_history
    alter column content_hash set not null,
    alter column chain_hash set not null`.execute(db);

  // The table name is qualified with the migration's schema, so the trigger does not depend on the
  // caller's search_path (and needs no SET clause, which would cost on every call).
  await sql
    .raw(`create function profile_history_chain() returns trigger language plpgsql as $fn$
    declare
      prev bytea;
    begin
      new.content_hash := sha256(convert_to(json_build_array(
        new.profile_id, new.seq, new.event, new.from_state, new.to_state, new.actor_id, new.payload, new.comment,
        new.at at time zone 'UTC')::text, 'UTF8'));
      select h.chain_hash into prev from ${history} as h where h.profile_id = new.profile_id and h.seq = new.seq - 1;
      new.chain_hash := sha256(coalesce(prev, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea) || new.content_hash);
      return new;
    end $fn$`)
    .execute(db);
  await sql`create trigger profile_history_chain before insert on profile_history
    for each row execute function profile_history_chain()`.execute(db);

  await db.schema
    .createTable('profile_tombstones')
    .addColumn('profile_id', 'uuid', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addColumn('last_chain_hash', 'bytea', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('history_anchors')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('taken_at', 'timestamptz', (c) => c.notNull())
    /** `{ profileId: [seq, hex chain hash] }` of every chain's last row. */
    .addColumn('heads', 'jsonb', (c) => c.notNull())
    /** sha256 of the text of `heads`: what an operator copies elsewhere. */
    .addColumn('heads_hash', 'bytea', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('history_anchors').ifExists().execute();
  await db.schema.dropTable('profile_tombstones').ifExists().execute();
  await sql`drop trigger if exists profile_history_chain on profile_history`.execute(db);
  await sql`drop function if exists profile_history_chain()`.execute(db);
  await sql`alter table profile_history drop column redacted_at, drop column chain_hash, drop column content_hash`.execute(
    db,
  );
}
