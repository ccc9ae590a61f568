import type { Db } from '@steckbrief/db';
import { CompiledQuery, sql } from 'kysely';
import { isUuid } from './store.js';

/**
 * Verification of the tamper-evident history (migration 010, docs/privacy.md "Tamper-evident history").
 *
 * Every hash is recomputed here with this module's own copy of the canonical expression and PostgreSQL's
 * built-in `sha256`, never by calling the trigger function: a changed function changes what new rows
 * get, not what verification trusts.
 */

/** What the first broken entry is: the kinds `audit verify` and the Förderakte name. */
export type BrokenKind = 'content' | 'link' | 'missing' | 'redacted' | 'anchor-missing' | 'anchor-different';

export interface BrokenEntry {
  profileId: string;
  seq: number;
  kind: BrokenKind;
  /** Short English text for the CLI. */
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Profiles whose chains were checked. */
  profiles: number;
  /** History entries checked. */
  entries: number;
  firstBroken?: BrokenEntry;
  /** The anchor the heads were compared with (the latest), if any. */
  anchor?: { id: string; takenAt: Date };
}

export const BROKEN_REASONS: Record<BrokenKind, string> = {
  content: 'content changed',
  link: 'link broken (entry replaced or reordered)',
  missing: 'missing seq (deleted or reordered)',
  redacted: 'redacted without REDACT entry',
  'anchor-missing': 'head missing vs anchor',
  'anchor-different': 'head differs from anchor',
};

/** German texts for the Förderakte. */
export const BROKEN_REASONS_DE: Record<BrokenKind, string> = {
  content: 'Inhalt geändert',
  link: 'Verkettung gebrochen (Eintrag ersetzt oder umsortiert)',
  missing: 'Eintrag fehlt (gelöscht oder umsortiert)',
  redacted: 'geschwärzt ohne REDACT-Eintrag',
  'anchor-missing': 'verankerter letzter Eintrag fehlt',
  'anchor-different': 'verankerter letzter Eintrag weicht ab',
};

const ZERO = '\\x0000000000000000000000000000000000000000000000000000000000000000';

/**
 * The canonical content of a history row `h`: the same expression as the trigger of migration 010, kept
 * here on purpose (see above). Independent of TimeZone and DateStyle: JSON renders timestamps in ISO 8601.
 */
const CANONICAL = `sha256(convert_to(json_build_array(h.profile_id, h.seq, h.event, h.from_state, h.to_state, h.actor_id,
  h.payload, h.comment, h.at at time zone 'UTC')::text, 'UTF8'))`;

/**
 * One batch: the chains of the profiles in `[$1, $2]` in key order (the `(profile_id, seq)` index), each
 * row checked against its predecessor. Returns the counts and the batch's first broken row.
 */
const CHECK_RANGE = `with rows as (
  select h.profile_id, h.seq, h.payload, h.redacted_at, h.content_hash, h.chain_hash,
    lag(h.seq) over w as prev_seq, lag(h.chain_hash) over w as prev_chain,
    case when h.redacted_at is null then ${CANONICAL} end as recomputed
  from profile_history as h
  where h.profile_id between $1::uuid and $2::uuid
  window w as (partition by h.profile_id order by h.seq)
), checked as (
  select r.profile_id,
    case when r.seq <> coalesce(r.prev_seq, 0) + 1 then coalesce(r.prev_seq, 0) + 1 else r.seq end as seq,
    case
      when r.seq <> coalesce(r.prev_seq, 0) + 1 then 'missing'
      when r.chain_hash <> sha256(coalesce(r.prev_chain, '${ZERO}'::bytea) || r.content_hash) then 'link'
      when r.redacted_at is null and r.recomputed <> r.content_hash then 'content'
      when r.redacted_at is not null and not exists (
        select 1 from profile_history as x
        where x.profile_id = r.profile_id and x.seq > r.seq and x.event = 'REDACT' and x.payload -> 'seqs' @> to_jsonb(r.seq)
      ) then 'redacted'
    end as problem
  from rows as r
)
select count(*)::int as entries,
  (select json_build_array(c.profile_id, c.seq, c.problem) from checked as c
    where c.problem is not null order by c.profile_id, c.seq limit 1) as first
from checked`;

/**
 * The latest anchor's heads that no longer match: the row at the anchored seq is gone or has another chain
 * hash, and no tombstone covers it (a tombstone's `last_seq` at least the anchored seq).
 */
const CHECK_ANCHOR = `select a.key as profile_id, (a.value ->> 0)::int as seq,
    case when h.chain_hash is null then 'anchor-missing' else 'anchor-different' end as problem
  from history_anchors as x
  cross join lateral jsonb_each(x.heads) as a
  left join profile_history as h on h.profile_id = a.key::uuid and h.seq = (a.value ->> 0)::int
  left join profile_tombstones as t on t.profile_id = a.key::uuid
  where x.id = $1 and ($2::text is null or a.key = $2)
    and (h.chain_hash is null or h.chain_hash <> decode(a.value ->> 1, 'hex'))
    and (t.profile_id is null or t.last_seq < (a.value ->> 0)::int)
  order by a.key, 2
  limit 1`;

/** Profiles per batch: large enough that per-statement costs vanish, small enough to keep memory flat. */
const BATCH = 5_000;

function broken(profileId: string, seq: number, kind: BrokenKind): BrokenEntry {
  return { profileId, seq, kind, reason: BROKEN_REASONS[kind] };
}

function firstOf(a: BrokenEntry | undefined, b: BrokenEntry | undefined): BrokenEntry | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.profileId !== b.profileId) return a.profileId < b.profileId ? a : b;
  return a.seq <= b.seq ? a : b;
}

/**
 * Check every chain (or one profile's), in key order and in batches of profiles, and the heads recorded by
 * the latest anchor. `firstBroken` is the first broken entry in (profile id, seq) order.
 */
export async function verifyHistory(
  db: Db,
  options: {
    profileId?: string;
    /** Batches checked at once, each on its own connection (default 2). */
    concurrency?: number;
  } = {},
): Promise<VerifyResult> {
  const { profileId } = options;
  let profiles = 0;
  let entries = 0;
  let first: BrokenEntry | undefined;

  if (profileId !== undefined && !isUuid(profileId)) return { ok: true, profiles: 0, entries: 0 };

  const check = async (from: string, to: string) => {
    const { rows } = await db.executeQuery<{ entries: number; first: [string, number, BrokenKind] | null }>(
      CompiledQuery.raw(CHECK_RANGE, [from, to]),
    );
    const batch = rows[0];
    entries += batch?.entries ?? 0;
    if (batch?.first) first = firstOf(first, broken(...batch.first));
  };

  if (profileId !== undefined) {
    const row = await db.selectFrom('profiles').select('id').where('id', '=', profileId).executeTakeFirst();
    if (row) {
      profiles = 1;
      await check(row.id, row.id);
    }
  } else {
    // Batches of profiles in key order; the next batch's ids are read while `concurrency` batches are checked.
    let after: string | null = null;
    let done = false;
    let reading: Promise<unknown> = Promise.resolve();
    const nextRange = (): Promise<[string, string] | undefined> => {
      const next = reading.then(async () => {
        if (done) return undefined;
        const { rows } = await sql<{ id: string }>`select id from profiles
          ${after === null ? sql`` : sql`where id > ${after}::uuid`} order by id limit ${BATCH}`.execute(db);
        if (rows.length < BATCH) done = true;
        const firstId = rows[0]?.id;
        const lastId = rows.at(-1)?.id;
        if (!firstId || !lastId) return undefined;
        after = lastId;
        profiles += rows.length;
        return [firstId, lastId] as [string, string];
      });
      reading = next.catch(() => undefined);
      return next;
    };
    await Promise.all(
      Array.from({ length: Math.max(1, options.concurrency ?? 2) }, async () => {
        for (let range = await nextRange(); range; range = await nextRange()) await check(...range);
      }),
    );
  }

  const anchor = await db
    .selectFrom('history_anchors')
    .select(['id', 'taken_at'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (anchor) {
    const { rows } = await db.executeQuery<{ profile_id: string; seq: number; problem: BrokenKind }>(
      CompiledQuery.raw(CHECK_ANCHOR, [anchor.id, profileId ?? null]),
    );
    const row = rows[0];
    if (row) first = firstOf(first, broken(row.profile_id, row.seq, row.problem));
  }

  return {
    ok: first === undefined,
    profiles,
    entries,
    ...(first ? { firstBroken: first } : {}),
    ...(anchor ? { anchor: { id: String(anchor.id), takenAt: anchor.taken_at } } : {}),
  };
}

export interface AnchorResult {
  id: string;
  takenAt: Date;
  /** Chains recorded. */
  heads: number;
  /** Hex sha256 of the text of `heads`: what to copy somewhere the database's operators cannot change. */
  headsHash: string;
}

/**
 * Record the heads of all chains (each profile's last seq and chain hash) in `history_anchors`, so a later
 * `audit verify` sees a deleted or rewritten tail. One statement; the heads are read backwards along the
 * `(profile_id, seq)` index.
 */
export async function recordHistoryAnchor(db: Db, at: Date = new Date()): Promise<AnchorResult> {
  const { rows } = await sql<{ id: string; taken_at: Date; heads: number; heads_hash: string }>`with heads as (
      select distinct on (profile_id) profile_id, seq, chain_hash
      from profile_history order by profile_id desc, seq desc
    ), agg as (
      select coalesce(jsonb_object_agg(profile_id, jsonb_build_array(seq, encode(chain_hash, 'hex'))), '{}'::jsonb) as heads,
        count(*)::int as n
      from heads
    ), ins as (
      insert into history_anchors (taken_at, heads, heads_hash)
      select ${at}, heads, sha256(convert_to(heads::text, 'UTF8')) from agg
      returning id, taken_at, heads_hash
    )
    select ins.id, ins.taken_at, agg.n as heads, encode(ins.heads_hash, 'hex') as heads_hash from ins, agg`.execute(db);
  const row = rows[0] as { id: string; taken_at: Date; heads: number; heads_hash: string };
  return { id: String(row.id), takenAt: row.taken_at, heads: row.heads, headsHash: row.heads_hash };
}
