import type { Database, Db } from '@steckbrief/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { ownerKey } from './keys.js';
import type { StoredSnapshot } from './machine.js';
import type { WorkflowRegistry } from './registry.js';
import { appendRedaction, REDACTED, RETENTION_EVENTS, redactJson, retentionOf } from './retention.js';

/**
 * Requests of data subjects (DSGVO Art. 15 and 17) for one person, found by e-mail address: as a user of
 * Steckbrief and as the contact person named in profiles. See docs/privacy.md.
 */

export interface PrivacyDeps {
  db: Db;
  registry: WorkflowRegistry;
  now?: () => Date;
}

type Q = Kysely<Database> | Transaction<Database>;

/** Names shorter than this are not searched for in free text: they would match unrelated words. */
const MIN_NAME_LENGTH = 5;

interface Person {
  email: string;
  user: { id: string; email: string; name: string; organisation: string | null } | null;
  /** The e-mail address and the names the person goes by here (account name, contact person names). */
  needles: string[];
  /** Profiles naming the person as their contact (by e-mail address). */
  contactProfiles: string[];
}

async function findPerson(db: Q, email: string): Promise<Person> {
  const address = email.trim().toLowerCase();
  const user =
    (await db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'organisation'])
      .where(sql<string>`lower(email)`, '=', address)
      .executeTakeFirst()) ?? null;
  const contacts = await db
    .selectFrom('profiles')
    .select(['id', sql<string | null>`data->'contact'->>'name'`.as('name')])
    .where(sql<string>`lower(data->'contact'->>'email')`, '=', address)
    .execute();
  const names = [user?.name, ...contacts.map((c) => c.name)].filter(
    (n): n is string => typeof n === 'string' && n.trim().length >= MIN_NAME_LENGTH,
  );
  return {
    email: address,
    user,
    needles: [...new Set([address, ...names.map((n) => n.trim().toLowerCase())])],
    contactProfiles: contacts.map((c) => c.id),
  };
}

const matcher = (needles: string[]) => (text: string) => {
  const lower = text.toLowerCase();
  return needles.some((n) => lower.includes(n));
};

/** `column::text` contains one of the needles (case-insensitive); for finding candidate rows. */
const mentions = (column: string, needles: string[]) =>
  sql<boolean>`(${sql.join(
    needles.map((n) => sql`strpos(lower(${sql.raw(column)}::text), ${n}) > 0`),
    sql` or `,
  )})`;

export interface PrivacyExport {
  exportedAt: string;
  email: string;
  account: Record<string, unknown> | null;
  /** Tokens issued: metadata only, never a token or its hash. */
  apiTokens: Array<Record<string, unknown>>;
  calendarToken: Record<string, unknown> | null;
  /** Single sign-on identities (issuer and subject) linked to the account. */
  identities: Array<Record<string, unknown>>;
  savedViews: Array<Record<string, unknown>>;
  webSessions: Array<Record<string, unknown>>;
  dashboardSessions: Array<Record<string, unknown>>;
  signinCodes: Array<Record<string, unknown>>;
  signinEvents: Array<Record<string, unknown>>;
  /** Profiles the person owns, created, acted on or is the contact person of, and how they relate. */
  profiles: Array<{
    id: string;
    workflow: string;
    state: string;
    title: string | null;
    relations: string[];
    contact?: unknown;
  }>;
  /** History entries the person wrote or that name them. */
  history: Array<Record<string, unknown>>;
  tasksClaimed: Array<Record<string, unknown>>;
  attachmentsUploaded: Array<Record<string, unknown>>;
  mails: Array<Record<string, unknown>>;
}

/** Everything stored about the person (Art. 15), as JSON-ready values. */
export async function exportPerson(deps: PrivacyDeps, email: string): Promise<PrivacyExport> {
  const { db } = deps;
  const person = await findPerson(db, email);
  const id = person.user?.id ?? '00000000-0000-0000-0000-000000000000';
  const account = person.user
    ? await db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'organisation', 'roles', 'created_at', 'disabled_at', 'erased_at'])
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  const ownerKeys = [ownerKey({ organisation: null, userId: id })];
  const [
    apiTokens,
    calendar,
    webSessions,
    dashboardSessions,
    signinCodes,
    signinEvents,
    history,
    tasks,
    uploads,
    mails,
    identities,
    savedViews,
  ] = await Promise.all([
    db
      .selectFrom('api_tokens')
      .select(['id', 'label', 'created_at', 'revoked_at'])
      .where('user_id', '=', id)
      .orderBy('created_at')
      .execute(),
    db.selectFrom('calendar_tokens').select(['created_at']).where('user_id', '=', id).executeTakeFirst(),
    db
      .selectFrom('web_sessions')
      .select(['user_id', 'pending_email', 'created_at', 'last_seen_at', 'expires_at'])
      .where((eb) => eb.or([eb('user_id', '=', id), eb(sql<string>`lower(pending_email)`, '=', person.email)]))
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('admin_sessions')
      .select(['created_at', 'expires_at'])
      .where('user_id', '=', id)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('web_signin_codes')
      .select(['email', 'created_at', 'expires_at', 'used_at'])
      .where((eb) => eb.or([eb('user_id', '=', id), eb(sql<string>`lower(email)`, '=', person.email)]))
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('web_signin_events')
      .select(['kind', 'email', 'ip', 'at'])
      .where(sql<string>`lower(email)`, '=', person.email)
      .orderBy('at')
      .execute(),
    db
      .selectFrom('profile_history')
      .select(['profile_id', 'seq', 'event', 'from_state', 'to_state', 'actor_id', 'payload', 'comment', 'at'])
      .where((eb) =>
        eb.or([
          eb('actor_id', '=', id),
          mentions('payload', person.needles),
          mentions("coalesce(comment, '')", person.needles),
        ]),
      )
      .orderBy('profile_id')
      .orderBy('seq')
      .execute(),
    db
      .selectFrom('tasks')
      .select(['id', 'profile_id', 'kind', 'state', 'status', 'claimed_at', 'closed_at'])
      .where('claimed_by', '=', id)
      .orderBy('claimed_at')
      .execute(),
    db
      .selectFrom('attachments')
      .select(['id', 'profile_id', 'kind', 'file_name', 'media_type', 'size', 'uploaded_at', 'removed_at'])
      .where((eb) => eb.or([eb('uploaded_by', '=', id), eb('removed_by', '=', id)]))
      .orderBy('uploaded_at')
      .execute(),
    db
      .selectFrom('mail_deliveries')
      .select(['cause', 'email', 'message_id', 'subject', 'text_body', 'status', 'created_at', 'delivered_at'])
      .where((eb) => eb.or([eb('recipient_id', '=', id), eb(sql<string>`lower(email)`, '=', person.email)]))
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('user_identities')
      .select(['issuer', 'subject', 'created_at', 'last_used_at'])
      .where('user_id', '=', id)
      .execute(),
    db.selectFrom('saved_views').select(['name', 'query', 'created_at']).where('user_id', '=', id).execute(),
  ]);
  const acted = new Set(history.filter((h) => h.actor_id === id).map((h) => h.profile_id));
  const named = new Set(history.filter((h) => h.actor_id !== id).map((h) => h.profile_id));
  const contact = new Set(person.contactProfiles);
  const profiles = await db
    .selectFrom('profiles')
    .select(['id', 'workflow_id', 'state', 'title', 'owner_key', 'created_by', 'data'])
    .where((eb) =>
      eb.or([
        eb('owner_key', 'in', ownerKeys),
        eb('created_by', '=', id),
        ...(acted.size + named.size + contact.size ? [eb('id', 'in', [...acted, ...named, ...contact])] : []),
      ]),
    )
    .orderBy('created_at')
    .execute();
  return {
    exportedAt: (deps.now?.() ?? new Date()).toISOString(),
    email: person.email,
    account: account ?? null,
    apiTokens,
    calendarToken: calendar ?? null,
    identities,
    savedViews,
    webSessions,
    dashboardSessions,
    signinCodes,
    signinEvents,
    profiles: profiles.map((p) => {
      const relations = [
        ...(ownerKeys.includes(p.owner_key) ? ['owner'] : []),
        ...(p.created_by === id ? ['creator'] : []),
        ...(acted.has(p.id) ? ['actor'] : []),
        ...(named.has(p.id) ? ['named in history'] : []),
        ...(contact.has(p.id) ? ['contact person'] : []),
      ];
      return {
        id: p.id,
        workflow: p.workflow_id,
        state: p.state,
        title: p.title,
        relations,
        ...(contact.has(p.id) ? { contact: (p.data as Record<string, unknown>).contact } : {}),
      };
    }),
    history,
    tasksClaimed: tasks,
    attachmentsUploaded: uploads,
    mails,
  };
}

export interface ErasureReport {
  email: string;
  userId: string | null;
  dryRun: boolean;
  /** What was (or, in a dry run, would be) removed or pseudonymised, per table. */
  changed: Array<{ table: string; rows: number; what: string }>;
  /** What stays, and why (the legal holds). */
  kept: Array<{ table: string; profileId?: string; rows?: number; why: string }>;
  /** Lower-cased e-mail address and names that were searched for (to scrub elsewhere, e.g. Redis). */
  needles: string[];
  /** Storage keys of attachment bytes to delete once committed. */
  attachmentKeys: string[];
}

class DryRun extends Error {}

const ERASED_NAME = 'Gelöschte Person';
export const erasedEmail = (userId: string) => `erased-${userId}@steckbrief.invalid`;

/**
 * Erase the person's personal data (Art. 17) wherever no legal hold applies, in one transaction (a dry run
 * rolls it back and reports the same). The account stays as a pseudonymised, disabled row, so the user id
 * that history entries, tasks and sessions name still resolves; its tokens, sessions, sign-in codes and
 * events go; mails to the person lose address and bodies (their log stays). Profiles naming the person lose
 * the contact person and every text naming them, except profiles under a legal hold: in a kept state
 * (confirmed: the basis of a grant) until their keep-until date, or still in the procedure.
 */
export async function erasePerson(
  deps: PrivacyDeps,
  email: string,
  options: { dryRun?: boolean } = {},
): Promise<ErasureReport> {
  const now = deps.now?.() ?? new Date();
  let report: ErasureReport | undefined;
  try {
    await deps.db.transaction().execute(async (trx) => {
      report = await eraseIn(trx, deps.registry, email, now, Boolean(options.dryRun));
      if (options.dryRun) throw new DryRun();
    });
  } catch (error) {
    if (!(error instanceof DryRun)) throw error;
  }
  return report as ErasureReport;
}

async function eraseIn(
  trx: Transaction<Database>,
  registry: WorkflowRegistry,
  email: string,
  now: Date,
  dryRun: boolean,
): Promise<ErasureReport> {
  const person = await findPerson(trx, email);
  const { needles } = person;
  const matches = matcher(needles);
  const report: ErasureReport = {
    email: person.email,
    userId: person.user?.id ?? null,
    dryRun,
    changed: [],
    kept: [],
    needles,
    attachmentKeys: [],
  };
  const changed = (table: string, rows: number | bigint, what: string) => {
    if (Number(rows) > 0) report.changed.push({ table, rows: Number(rows), what });
  };
  const userId = person.user?.id ?? '00000000-0000-0000-0000-000000000000';

  // Profiles that name the person: as contact, or in any text.
  const { rows: named } = await sql<{
    id: string;
    workflow_id: string;
    workflow_version: number;
    state: string;
    submitted_at: Date | null;
    keep_until: Date | null;
  }>`select p.id, p.workflow_id, p.workflow_version, p.state, p.submitted_at, p.keep_until from profiles p
    where p.id = any(${person.contactProfiles}::uuid[]) or ${mentions('p.data', needles)}
      or ${mentions('p.snapshot', needles)} or ${mentions('p.summary', needles)}
      or exists (select 1 from profile_history h where h.profile_id = p.id
        and (${mentions('h.payload', needles)} or ${mentions("coalesce(h.comment, '')", needles)}))
      or exists (select 1 from session_agenda a where a.profile_id = p.id and ${mentions("coalesce(a.decision_payload, 'null')", needles)})
      or exists (select 1 from attachments t where t.profile_id = p.id and ${mentions('t.file_name', needles)})
      or exists (select 1 from idempotency_keys k where k.profile_id = p.id and ${mentions('k.body', needles)})
    order by p.id for update`.execute(trx);
  let profilesCleared = 0;
  for (const p of named) {
    const spec = retentionOf(registry.get(p.workflow_id, p.workflow_version));
    const kept = spec.keptStates.includes(p.state) && (!p.keep_until || p.keep_until.getTime() > now.getTime());
    const inProcedure = Boolean(p.submitted_at) && !spec.closedStates.includes(p.state) && !kept;
    if (kept || inProcedure) {
      report.kept.push({
        table: 'profiles',
        profileId: p.id,
        why: kept
          ? `legal hold: ${p.state} profile, the basis of a funding decision, kept until ${p.keep_until?.toISOString().slice(0, 10) ?? 'an operator sets a date'} (contact person and texts naming the person in its data, history and decisions)`
          : `legal hold: ${p.state} profile still in the procedure; its contact person is needed to process it (the owner can name another contact; erase again once it is closed)`,
      });
      continue;
    }
    profilesCleared++;
    await clearProfile(trx, p.id, spec.personalDataFields, person, matches, now);
  }
  changed('profiles', profilesCleared, 'contact person and texts naming the person removed (decision record kept)');

  if (person.user) {
    const pseudonym = erasedEmail(userId);
    const users = await trx
      .updateTable('users')
      .set({
        email: pseudonym,
        name: ERASED_NAME,
        organisation: null,
        roles: '[]',
        disabled_at: sql`coalesce(disabled_at, ${now})`,
        erased_at: now,
      })
      .where('id', '=', userId)
      .executeTakeFirst();
    changed('users', users.numUpdatedRows, 'account pseudonymised (name, e-mail, organisation, roles) and disabled');
    const acted = await trx
      .selectFrom('profile_history')
      .select([sql<string>`count(*)`.as('rows'), sql<string>`count(distinct profile_id)`.as('profiles')])
      .where('actor_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (Number(acted.rows) > 0) {
      report.kept.push({
        table: 'users',
        rows: 1,
        why: `the pseudonymised account row stays: ${acted.rows} history entries in ${acted.profiles} profiles name the person's user id as the actor of a decision or step (the decision record); it no longer holds a name or an e-mail address`,
      });
    }
    changed(
      'api_tokens',
      (await trx.deleteFrom('api_tokens').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows,
      'API tokens deleted (revoked)',
    );
    changed(
      'calendar_tokens',
      (await trx.deleteFrom('calendar_tokens').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows,
      'calendar feed token deleted',
    );
    changed(
      'admin_sessions',
      (await trx.deleteFrom('admin_sessions').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows,
      'dashboard sessions ended',
    );
    changed(
      'tasks',
      (
        await trx
          .updateTable('tasks')
          .set({ claimed_by: null, claimed_at: null })
          .where('claimed_by', '=', userId)
          .where('status', '=', 'open')
          .executeTakeFirst()
      ).numUpdatedRows,
      'open tasks the person had claimed released to their group',
    );
    changed(
      'user_identities',
      (await trx.deleteFrom('user_identities').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows,
      'single sign-on identities unlinked',
    );
    changed(
      'saved_views',
      (await trx.deleteFrom('saved_views').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows,
      'saved inbox views deleted',
    );
    changed(
      'idempotency_keys',
      (await trx.deleteFrom('idempotency_keys').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows,
      'stored replies to the person’s requests deleted',
    );
  }
  changed(
    'web_sessions',
    (
      await trx
        .deleteFrom('web_sessions')
        .where((eb) => eb.or([eb('user_id', '=', userId), eb(sql<string>`lower(pending_email)`, '=', person.email)]))
        .executeTakeFirst()
    ).numDeletedRows,
    'sign-in sessions ended',
  );
  changed(
    'web_signin_codes',
    (
      await trx
        .deleteFrom('web_signin_codes')
        .where((eb) => eb.or([eb('user_id', '=', userId), eb(sql<string>`lower(email)`, '=', person.email)]))
        .executeTakeFirst()
    ).numDeletedRows,
    'sign-in codes deleted',
  );
  changed(
    'web_signin_events',
    (await trx.deleteFrom('web_signin_events').where(sql<string>`lower(email)`, '=', person.email).executeTakeFirst())
      .numDeletedRows,
    'sign-in attempts deleted',
  );
  // Mails to the person: the log (cause, Message-ID, subject, status, times) stays for the record of what
  // was sent; address and bodies go. Unsent ones are not sent any more. Mails to others naming the person
  // (only through a text of a profile) lose their bodies.
  changed(
    'mail_deliveries',
    (
      await trx
        .updateTable('mail_deliveries')
        .set({
          email: person.user ? erasedEmail(userId) : REDACTED,
          text_body: '',
          html_body: '',
          smtp_response: null,
          last_error: sql`case when status in ('pending', 'sending') then 'recipient erased' else null end`,
          status: sql`case when status in ('pending', 'sending') then 'failed' else status end`,
          lease_until: null,
          lease_token: null,
          updated_at: now,
        })
        .where((eb) => eb.or([eb('recipient_id', '=', userId), eb(sql<string>`lower(email)`, '=', person.email)]))
        .executeTakeFirst()
    ).numUpdatedRows,
    'mails to the person: address and bodies removed, unsent ones cancelled (log kept)',
  );
  changed(
    'mail_deliveries',
    (
      await trx
        .updateTable('mail_deliveries')
        .set({
          text_body: '',
          html_body: '',
          subject: sql`case when ${mentions('subject', needles)} then ${REDACTED} else subject end`,
        })
        .where((eb) =>
          eb.or([mentions('text_body', needles), mentions('html_body', needles), mentions('subject', needles)]),
        )
        .executeTakeFirst()
    ).numUpdatedRows,
    'mails to others naming the person: bodies removed',
  );
  // A sign-in mail not yet rendered carries address and name in its outbox row.
  changed(
    'outbox',
    (
      await trx
        .updateTable('outbox')
        .set({
          payload: JSON.stringify({ erased: true }),
          processed_at: sql`coalesce(processed_at, ${now})`,
          last_error: sql`case when processed_at is null then 'recipient erased' else last_error end`,
        })
        .where(mentions('payload', needles))
        .executeTakeFirst()
    ).numUpdatedRows,
    'queued messages naming the person emptied and closed',
  );
  return report;
}

/** Remove the contact person and every text naming the person from one profile; one REDACT entry. */
async function clearProfile(
  trx: Transaction<Database>,
  id: string,
  personalFields: readonly string[],
  person: Person,
  matches: (text: string) => boolean,
  now: Date,
): Promise<void> {
  const none = new Set<string>();
  const fields = new Set<string>();
  const profile = await trx
    .selectFrom('profiles')
    .select(['data', 'snapshot', 'summary'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  let data = { ...(profile.data as Record<string, unknown>) };
  if (person.contactProfiles.includes(id)) {
    for (const field of personalFields) {
      if (field in data) {
        delete data[field];
        fields.add(`data.${field}`);
      }
    }
  }
  const scrubbedData = redactJson(data, none, matches);
  data = scrubbedData.value as Record<string, unknown>;
  for (const path of scrubbedData.changed) fields.add(`data.${path}`);
  const snapshot = redactJson(profile.snapshot, none, matches);
  for (const path of snapshot.changed) fields.add(`snapshot.${path}`);
  const summary = redactJson(profile.summary, none, matches);
  const history = await trx
    .selectFrom('profile_history')
    .select(['seq', 'event', 'payload', 'comment'])
    .where('profile_id', '=', id)
    .where('event', '<>', RETENTION_EVENTS.redact)
    .orderBy('seq')
    .execute();
  const redacted: Array<{ seq: number; payload: unknown; comment: string | null }> = [];
  for (const h of history) {
    const payload = redactJson(h.payload, none, matches);
    const comment = h.comment && matches(h.comment) ? REDACTED : h.comment;
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
    const payload = redactJson(item.decision_payload, none, matches);
    if (!payload.changed.length) continue;
    for (const path of payload.changed) fields.add(`decision.${path}`);
    await trx
      .updateTable('session_agenda')
      .set({ decision_payload: JSON.stringify(payload.value) })
      .where('session_id', '=', item.session_id)
      .where('profile_id', '=', id)
      .execute();
  }
  const files = await trx
    .updateTable('attachments')
    .set({ file_name: REDACTED })
    .where('profile_id', '=', id)
    .where(mentions('file_name', person.needles))
    .executeTakeFirst();
  if (files.numUpdatedRows > 0n) fields.add('attachments.file_name');
  const replies = await trx.deleteFrom('idempotency_keys').where('profile_id', '=', id).executeTakeFirst();
  if (replies.numDeletedRows > 0n) fields.add('idempotency_keys.body');
  await appendRedaction(
    trx,
    id,
    redacted,
    { reason: 'erasure', fields: [...fields].sort(), seqs: redacted.map((r) => r.seq) },
    now,
    { data, snapshot: snapshot.value as StoredSnapshot, summary: summary.value as Record<string, unknown> },
  );
}
