import type { Database, Db } from '@steckbrief/db';
import { sql, type Transaction } from 'kysely';
import type { AttachmentStore } from './attachment-store.js';
import type { WorkflowDefinition } from './definition.js';
import { NotFound } from './errors.js';
import { noticeCausePrefix, ownerScope, timerCausePatterns } from './keys.js';
import type { StoredSnapshot } from './machine.js';
import type { WorkflowRegistry } from './registry.js';
import { DEFAULT_RETENTION, REDACTED, type RetentionPeriod, type RetentionSpec } from './retention-spec.js';
import { isUuid } from './store.js';
import { type ProfileChange, writeProfileChange } from './writer.js';

export type { RetentionPeriod, RetentionSpec } from './retention-spec.js';
export { DEFAULT_RETENTION, REDACTED } from './retention-spec.js';

export function retentionOf(definition: WorkflowDefinition): RetentionSpec {
  return { ...DEFAULT_RETENTION, ...definition.retention };
}

export function addPeriod(date: Date, period: RetentionPeriod, sign: 1 | -1 = 1): Date {
  const d = new Date(date.getTime());
  if (period.years || period.months) {
    const months = sign * ((period.years ?? 0) * 12 + (period.months ?? 0));
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    // The 31st of a month without one is its last day, not the first of the next.
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
  }
  if (period.days) d.setTime(d.getTime() + sign * period.days * 86_400_000);
  return d;
}

/** What the rules need to know of a profile. */
export interface RetentionFacts {
  state: string;
  submittedAt: Date | null;
  /** The last change: the last history entry other than the retention job's own. */
  lastChangeAt: Date;
  /** When the profile entered its current state. */
  stateSince: Date;
  keepUntil: Date | null;
  retentionNoticeAt: Date | null;
  personalDataRemovedAt: Date | null;
}

export type RetentionDecision =
  | { action: 'keep' }
  | { action: 'notify'; deleteAt: Date }
  | { action: 'delete' }
  | { action: 'remove_personal_data'; rule: 'closed' | 'keep_until' };

const max = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

/**
 * The retention rule for one profile at `now`, a pure function:
 * - a draft never submitted is deleted `draftDeleteAfter` after its last change, but never sooner than
 *   `draftNoticeBefore` after its owner was told (a draft that was already too old when the rules came in
 *   gets its notice first); the notice goes out `draftNoticeBefore` ahead, once per unchanged draft;
 * - a profile in a closed state loses its personal data `closedKeepFor` after it entered that state;
 * - a profile in a kept state loses it once its `keep_until` date has come (never while that is null);
 * - everything else, and a profile whose personal data is gone already, is kept as it is.
 */
export function retentionDecision(p: RetentionFacts, spec: RetentionSpec, now: Date): RetentionDecision {
  if (p.personalDataRemovedAt) return { action: 'keep' };
  const t = now.getTime();
  if (spec.closedStates.includes(p.state)) {
    return t >= addPeriod(p.stateSince, spec.closedKeepFor).getTime()
      ? { action: 'remove_personal_data', rule: 'closed' }
      : { action: 'keep' };
  }
  if (spec.keptStates.includes(p.state)) {
    return p.keepUntil && t >= p.keepUntil.getTime()
      ? { action: 'remove_personal_data', rule: 'keep_until' }
      : { action: 'keep' };
  }
  if (p.submittedAt) return { action: 'keep' };
  const due = addPeriod(p.lastChangeAt, spec.draftDeleteAfter);
  const noticed = p.retentionNoticeAt && p.retentionNoticeAt.getTime() >= p.lastChangeAt.getTime();
  if (!noticed) {
    return t >= addPeriod(due, spec.draftNoticeBefore, -1).getTime()
      ? { action: 'notify', deleteAt: max(due, addPeriod(now, spec.draftNoticeBefore)) }
      : { action: 'keep' };
  }
  const deleteAt = max(due, addPeriod(p.retentionNoticeAt as Date, spec.draftNoticeBefore));
  return t >= deleteAt.getTime() ? { action: 'delete' } : { action: 'keep' };
}

/**
 * Replace the text of free-text fields (and of strings `matches` picks, for erasure) anywhere in a JSON value.
 * Returns the new value and the dotted paths that changed (array indices left out).
 */
export function redactJson(
  value: unknown,
  fields: ReadonlySet<string>,
  matches: (text: string) => boolean = () => false,
): { value: unknown; changed: string[] } {
  const changed = new Set<string>();
  const walk = (v: unknown, path: string, freeText: boolean): unknown => {
    if (typeof v === 'string') {
      if (v !== REDACTED && v !== '' && (freeText || matches(v))) {
        changed.add(path || '.');
        return REDACTED;
      }
      return v;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, path, freeText));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, path ? `${path}.${k}` : k, freeText || fields.has(k));
      return out;
    }
    return v;
  };
  const result = walk(value, '', false);
  return { value: result, changed: [...changed].sort() };
}

export interface HistoryRedaction {
  reason: 'retention' | 'erasure';
  /** Fields of the REDACT entry: what was removed, e.g. `payload.reason`, `comment`, `data.contact`. */
  fields: string[];
  seqs: number[];
}

/** History events the retention job writes itself: they are no change of the profile and restart no period. */
export const RETENTION_EVENTS = { notice: 'RETENTION_NOTICE', redact: 'REDACT' } as const;

/**
 * Redact history rows of one profile (payload and comment replaced, `redacted_at` set; `content_hash` and
 * `chain_hash` untouched) and append the one REDACT entry naming them, through the engine's writer, in the
 * caller's transaction, which must hold the profile row's lock. `change` carries what else changes with it
 * (the profile's data, snapshot and summary). Returns the REDACT entry's seq.
 */
export async function appendRedaction(
  trx: Transaction<Database>,
  profileId: string,
  rows: Array<{ seq: number; payload: unknown; comment: string | null }>,
  redaction: HistoryRedaction,
  at: Date,
  change: Pick<ProfileChange, 'data' | 'snapshot' | 'summary'> = {},
): Promise<number> {
  for (const row of rows) {
    await sql`update profile_history set payload = ${JSON.stringify(row.payload)}::jsonb, comment = ${row.comment},
      redacted_at = ${at} where profile_id = ${profileId} and seq = ${row.seq}`.execute(trx);
  }
  const profile = await trx
    .selectFrom('profiles')
    .select(['version', 'state', 'workflow_id'])
    .where('id', '=', profileId)
    .executeTakeFirstOrThrow();
  const written = await writeProfileChange(trx, {
    profileId,
    workflowId: profile.workflow_id,
    expectedVersion: profile.version,
    at,
    history: {
      event: RETENTION_EVENTS.redact,
      from: profile.state,
      to: profile.state,
      actorId: null,
      payload: { seqs: redaction.seqs, reason: redaction.reason, fields: redaction.fields },
    },
    ...change,
  });
  if (!written) throw new Error(`profile ${profileId} changed under its lock`);
  return profile.version + 1;
}

export interface RetentionDeps {
  db: Db;
  registry: WorkflowRegistry;
  /** Where attachment bytes live; they are deleted after the commit (orphan removal catches a crash). */
  attachments: AttachmentStore;
  now: () => Date;
}

export interface RetentionReport {
  /** Owners of these drafts were told of the deletion. */
  notified: string[];
  /** Drafts deleted (a tombstone each). */
  deleted: string[];
  /** Profiles whose personal data was removed. */
  cleared: string[];
  /** Sign-in codes (with the address they were sent to) deleted a day after they expired. */
  expiredSigninCodes: number;
}

interface Candidate {
  id: string;
  workflow_id: string;
  workflow_version: number;
  state: string;
  version: number;
  owner_key: string;
  submitted_at: Date | null;
  last_change: Date;
  state_since: Date | null;
  keep_until: Date | null;
  retention_notice_at: Date | null;
  personal_data_removed_at: Date | null;
}

// The last change is the last history entry other than the retention job's own (a notice, a redaction).
const candidateColumns = sql`p.id, p.workflow_id, p.workflow_version, p.state, p.version, p.owner_key, p.submitted_at,
  coalesce((select max(h.at) from profile_history h where h.profile_id = p.id
     and h.event <> all(${Object.values(RETENTION_EVENTS)}::text[])), p.created_at) as last_change,
  p.keep_until, p.retention_notice_at, p.personal_data_removed_at,
  (select max(h.at) from profile_history h where h.profile_id = p.id and h.to_state = p.state
     and h.from_state is distinct from h.to_state) as state_since`;

const factsOf = (c: Candidate): RetentionFacts => ({
  state: c.state,
  submittedAt: c.submitted_at,
  lastChangeAt: c.last_change,
  stateSince: c.state_since ?? c.last_change,
  keepUntil: c.keep_until,
  retentionNoticeAt: c.retention_notice_at,
  personalDataRemovedAt: c.personal_data_removed_at,
});

const BATCH = 200;

/**
 * Apply the retention rules to every profile they reach at `deps.now()`: tell owners of old drafts, delete
 * drafts whose notice period is over, remove the personal data of closed (and no longer kept) profiles. Each
 * profile is handled in a transaction of its own that re-reads it under its row lock and decides again, so
 * concurrent runs and edits never act twice or on a changed profile. Running it again changes nothing.
 */
export async function applyRetention(deps: RetentionDeps): Promise<RetentionReport> {
  const { db, registry } = deps;
  const now = deps.now();
  const report: RetentionReport = { notified: [], deleted: [], cleared: [], expiredSigninCodes: 0 };
  const closedOrKept = [
    ...new Set(
      registry.list().flatMap((d) => {
        const spec = retentionOf(d);
        return [...spec.closedStates, ...spec.keptStates];
      }),
    ),
  ];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<Candidate>`select ${candidateColumns} from profiles p
      where p.personal_data_removed_at is null and p.id > ${after}::uuid
        and (p.submitted_at is null or p.state = any(${closedOrKept}::text[]))
      order by p.id limit ${BATCH}`.execute(db);
    if (!rows.length) break;
    after = (rows.at(-1) as Candidate).id;
    for (const row of rows) {
      const decision = decide(registry, row, now);
      if (decision.action === 'keep') continue;
      const done = await applyOne(deps, row.id, now);
      if (done === 'notify') report.notified.push(row.id);
      else if (done === 'delete') report.deleted.push(row.id);
      else if (done === 'remove_personal_data') report.cleared.push(row.id);
    }
  }
  // A sign-in code is of no use once expired; a day's grace keeps it for the rate limits' view of the day.
  const codes = await db
    .deleteFrom('web_signin_codes')
    .where('expires_at', '<', addPeriod(now, { days: 1 }, -1))
    .executeTakeFirst();
  report.expiredSigninCodes = Number(codes.numDeletedRows);
  return report;
}

function decide(registry: WorkflowRegistry, c: Candidate, now: Date): RetentionDecision {
  const definition = registry.get(c.workflow_id, c.workflow_version);
  return retentionDecision(factsOf(c), retentionOf(definition), now);
}

async function applyOne(deps: RetentionDeps, id: string, now: Date): Promise<RetentionDecision['action']> {
  const blobs: string[] = [];
  const action = await deps.db.transaction().execute(async (trx) => {
    const { rows } =
      await sql<Candidate>`select ${candidateColumns} from profiles p where p.id = ${id} for update`.execute(trx);
    const c = rows[0];
    if (!c) return 'keep' as const;
    const definition = deps.registry.get(c.workflow_id, c.workflow_version);
    const decision = decide(deps.registry, c, now);
    switch (decision.action) {
      case 'keep':
        return 'keep' as const;
      case 'notify':
        await notifyDraftDeletion(trx, definition, c, decision.deleteAt, now);
        return 'notify' as const;
      case 'delete':
        blobs.push(...(await deleteProfile(trx, c, now, 'retention')));
        return 'delete' as const;
      case 'remove_personal_data':
        blobs.push(...(await removePersonalData(trx, definition, c.id, now)));
        return 'remove_personal_data' as const;
    }
  });
  for (const key of blobs) await deps.attachments.delete(key);
  return action;
}

/**
 * The owner's notice, as a history entry (`RETENTION_NOTICE`, with the deletion date) whose notice the worker
 * renders and sends like any other (template `draft_deletion`), written by the engine's writer in the
 * caller's transaction; `retention_notice_at` records it for the rules.
 */
async function notifyDraftDeletion(
  trx: Transaction<Database>,
  definition: WorkflowDefinition,
  c: Candidate,
  deleteAt: Date,
  now: Date,
): Promise<void> {
  const written = await writeProfileChange(trx, {
    profileId: c.id,
    workflowId: c.workflow_id,
    expectedVersion: c.version,
    at: now,
    history: {
      event: RETENTION_EVENTS.notice,
      from: c.state,
      to: c.state,
      actorId: null,
      payload: { deleteAt: deleteAt.toISOString() },
    },
    notices: [
      { template: 'draft_deletion', role: definition.creatorRoles[0] ?? 'applicant', scope: ownerScope(c.owner_key) },
    ],
  });
  if (!written) throw new Error(`profile ${c.id} changed under its lock`);
  await trx.updateTable('profiles').set({ retention_notice_at: now }).where('id', '=', c.id).execute();
}

/**
 * Delete a profile with everything that hangs on it, after writing its tombstone (the chain's last seq and
 * hash, so `audit verify` accepts the missing chain). Its mails go too: they speak of nothing that is left.
 * Returns the storage keys of its attachments, for the caller to delete after the commit.
 */
export async function deleteProfile(
  trx: Transaction<Database>,
  c: { id: string; workflow_id: string },
  now: Date,
  reason: string,
): Promise<string[]> {
  await sql`insert into profile_tombstones (profile_id, workflow_id, deleted_at, reason, last_seq, last_chain_hash)
    select ${c.id}::uuid, ${c.workflow_id}, ${now}, ${reason}, h.seq, h.chain_hash
    from profile_history h where h.profile_id = ${c.id} order by h.seq desc limit 1
    on conflict (profile_id) do nothing`.execute(trx);
  const attachments = await trx
    .selectFrom('attachments')
    .select('storage_key')
    .where('profile_id', '=', c.id)
    .execute();
  const taskIds = (await trx.selectFrom('tasks').select('id').where('profile_id', '=', c.id).execute()).map(
    (t) => t.id,
  );
  await trx
    .deleteFrom('mail_deliveries')
    .where((eb) =>
      eb.or([
        eb('cause', 'like', `${noticeCausePrefix(c.id)}%`),
        ...taskIds.flatMap((t) => timerCausePatterns(t).map((pattern) => eb('cause', 'like', pattern))),
      ]),
    )
    .execute();
  await trx.deleteFrom('idempotency_keys').where('profile_id', '=', c.id).execute();
  await trx.deleteFrom('outbox').where('profile_id', '=', c.id).execute();
  await trx.deleteFrom('profiles').where('id', '=', c.id).execute();
  return attachments.map((a) => a.storage_key);
}

/**
 * Remove the personal data of a closed (or no longer kept) profile; the decision record stays: states,
 * events, who (as user ids) and when, enumerated outcomes, amounts and the sponsor organisation. Removed:
 * the data's personal fields, free text in the machine's context, in history payloads and comments and in
 * session decisions, the attachments (rows and bytes), stored request replies (they copy the data) and the
 * bodies of the mails about the profile (their log stays). One REDACT history entry names what was removed.
 */
export async function removePersonalData(
  trx: Transaction<Database>,
  definition: WorkflowDefinition,
  id: string,
  now: Date,
): Promise<string[]> {
  const spec = retentionOf(definition);
  const free = new Set(spec.freeTextFields);
  const profile = await trx
    .selectFrom('profiles')
    .select(['data', 'snapshot'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const data = { ...(profile.data as Record<string, unknown>) };
  const fields = new Set<string>();
  for (const field of spec.personalDataFields) {
    if (field in data) {
      delete data[field];
      fields.add(`data.${field}`);
    }
  }
  const snapshot = redactJson(profile.snapshot, free);
  for (const path of snapshot.changed) fields.add(`snapshot.${path}`);
  const history = await trx
    .selectFrom('profile_history')
    .select(['seq', 'event', 'payload', 'comment'])
    .where('profile_id', '=', id)
    .where('event', '<>', RETENTION_EVENTS.redact)
    .orderBy('seq')
    .execute();
  const redacted: Array<{ seq: number; payload: unknown; comment: string | null }> = [];
  // A REDACT entry's own payload (seqs, reason, fields) names no one and stays as written.
  for (const h of history) {
    const payload = redactJson(h.payload, free);
    const comment = h.comment ? REDACTED : h.comment;
    if (!payload.changed.length && comment === h.comment) continue;
    for (const path of payload.changed) fields.add(`payload.${path}`);
    if (comment !== h.comment) fields.add('comment');
    redacted.push({ seq: h.seq, payload: payload.value, comment });
  }
  const agenda = await trx
    .selectFrom('session_agenda')
    .select(['session_id', 'decision_payload'])
    .where('profile_id', '=', id)
    .where('decision_payload', 'is not', null)
    .execute();
  for (const item of agenda) {
    const payload = redactJson(item.decision_payload, free);
    if (!payload.changed.length) continue;
    for (const path of payload.changed) fields.add(`decision.${path}`);
    await trx
      .updateTable('session_agenda')
      .set({ decision_payload: JSON.stringify(payload.value) })
      .where('session_id', '=', item.session_id)
      .where('profile_id', '=', id)
      .execute();
  }
  const attachments = await trx
    .deleteFrom('attachments')
    .where('profile_id', '=', id)
    .returning('storage_key')
    .execute();
  if (attachments.length) fields.add('attachments');
  const replies = await trx.deleteFrom('idempotency_keys').where('profile_id', '=', id).executeTakeFirst();
  if (replies.numDeletedRows > 0n) fields.add('idempotency_keys.body');
  const mails = await trx
    .updateTable('mail_deliveries')
    .set({ text_body: '', html_body: '' })
    .where('cause', 'like', `${noticeCausePrefix(id)}%`)
    .where('text_body', '!=', '')
    .executeTakeFirst();
  if (mails.numUpdatedRows > 0n) fields.add('mail_deliveries.body');
  await appendRedaction(
    trx,
    id,
    redacted,
    { reason: 'retention', fields: [...fields].sort(), seqs: redacted.map((r) => r.seq) },
    now,
    { data, snapshot: snapshot.value as StoredSnapshot, summary: definition.summary(data) },
  );
  await trx.updateTable('profiles').set({ personal_data_removed_at: now }).where('id', '=', id).execute();
  return attachments.map((a) => a.storage_key);
}

/** Set (or clear, with null) until when a profile in a kept state keeps its personal data. */
export async function setKeepUntil(
  db: Db,
  registry: WorkflowRegistry,
  id: string,
  keepUntil: Date | null,
): Promise<{ state: string; kept: boolean }> {
  if (!isUuid(id)) throw new NotFound('Profil nicht gefunden. / Profile not found.');
  const row = await db
    .updateTable('profiles')
    .set({ keep_until: keepUntil })
    .where('id', '=', id)
    .returning(['state', 'workflow_id', 'workflow_version'])
    .executeTakeFirst();
  if (!row) throw new NotFound('Profil nicht gefunden. / Profile not found.');
  const spec = retentionOf(registry.get(row.workflow_id, row.workflow_version));
  return { state: row.state, kept: spec.keptStates.includes(row.state) };
}
