import { sql } from 'kysely';
import { type Actor, canSee, seesOnlyAsOwner } from './access.js';
import { postgresAttachmentStore } from './attachment-store.js';
import { ATTACHMENT_EVENTS, ATTACHMENT_KINDS, type AttachmentDeps } from './attachments.js';
import { BROKEN_REASONS_DE, type VerifyResult, verifyHistory } from './audit.js';
import type { EventSpec, Label, WorkflowDefinition } from './definition.js';
import { Forbidden, NotFound } from './errors.js';
import { noticeCausePrefix } from './keys.js';
import type { WorkflowRegistry } from './registry.js';
import { isUuid } from './store.js';
import type { EngineDeps } from './transition.js';

/**
 * The Förderakte of one profile (issue 13): everything an auditor needs about it in one document — the
 * profile's data, every history entry with who, when and what, the statements and decisions with their
 * reasons, the mails sent about it, its attachments and whether its history chain verifies. Rendered as
 * PDF and ZIP by `@steckbrief/akte`, as JSON by the API.
 *
 * Only callers who see everything about the profile get it: those who see it through a role that is not
 * owner-scoped (the reviewing bodies, decision 006). Someone who cannot see the profile gets 404 as
 * everywhere; someone who sees it only as its owner (the applicant) gets 403.
 */

/** A labelled value, in the order shown. */
export interface AkteField {
  label: string;
  value: string;
}

export interface AktePerson {
  id: string;
  name: string;
  /** The user's roles today, as German labels with their scope (role label, then the scope value in brackets). */
  roles: string[];
}

export interface AkteHistoryEntry {
  seq: number;
  at: string;
  event: string;
  eventLabel: string;
  from: string | null;
  fromLabel: string | null;
  to: string;
  toLabel: string;
  actor: AktePerson | null;
  comment: string | null;
  payload: unknown;
  /** The payload's fields with their labels (free text included). */
  details: AkteField[];
  /** Set when retention or erasure replaced personal content of this entry. */
  redactedAt: string | null;
}

export interface AkteDecision {
  seq: number;
  at: string;
  event: string;
  eventLabel: string;
  toLabel: string;
  actor: AktePerson | null;
  /** Every field of the payload (reasons, statements, votes) and the comment. */
  reasons: AkteField[];
  /** The session that took the decision, if any. */
  session: { id: string; title: string; date: string } | null;
}

export interface AkteMail {
  createdAt: string;
  deliveredAt: string | null;
  status: string;
  recipientRole: string | null;
  recipientRoleLabel: string | null;
  subject: string;
  messageId: string;
}

export interface AkteAttachment {
  id: string;
  kind: string;
  kindLabel: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string | null;
  removedAt: string | null;
  removedBy: string | null;
}

export interface Akte {
  generatedAt: string;
  profile: {
    id: string;
    title: string | null;
    workflow: string;
    workflowLabel: string;
    workflowVersion: number;
    state: string;
    stateLabel: string;
    version: number;
    createdAt: string;
    submittedAt: string | null;
    updatedAt: string;
    data: Record<string, unknown>;
    /** `data` as labelled lines: the question pages' fields with their labels, then the rest by dotted path. */
    fields: AkteField[];
  };
  history: AkteHistoryEntry[];
  decisions: AkteDecision[];
  mails: AkteMail[];
  attachments: AkteAttachment[];
  verification: VerifyResult & { summary: string };
}

const notFound = () => new NotFound('Profil nicht gefunden. / Profile not found.');

/** Labels of the entries the engine itself writes (not events of a workflow). */
const SYSTEM_EVENTS: Record<string, Label> = {
  CREATE: { de: 'Angelegt', en: 'Created' },
  REDACT: { de: 'Personenbezogene Angaben entfernt', en: 'Personal data removed' },
  RETENTION_NOTICE: { de: 'Hinweis auf die anstehende Löschung', en: 'Notice of the coming deletion' },
  NOTE: { de: 'Interne Notiz', en: 'Internal note' },
  MIGRATE: { de: 'Auf neue Verfahrensversion umgestellt', en: 'Moved to a new workflow version' },
  EDIT: { de: 'Angaben geändert', en: 'Data edited' },
  DEADLINE: { de: 'Frist geändert', en: 'Due date changed' },
  ...ATTACHMENT_EVENTS,
};

/** German names of the payload fields of the engine's own entries (workflow events label their own). */
const SYSTEM_FIELDS: Record<string, string> = {
  fields: 'Geänderte Angaben',
  text: 'Notiz',
  taskId: 'Aufgabe',
  kind: 'Art',
  from: 'Bisher',
  to: 'Neu',
  attachmentId: 'Anlage',
  fileName: 'Datei',
  mediaType: 'Dateityp',
  size: 'Größe (Bytes)',
  seqs: 'Betroffene Einträge',
  reason: 'Grund',
};

const eventLabel = (definition: WorkflowDefinition, event: string) =>
  (definition.events[event]?.label ?? SYSTEM_EVENTS[event])?.de ?? event;
const stateLabel = (definition: WorkflowDefinition, state: string) => definition.states[state]?.de ?? state;

function plain(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? 'ja' : 'nein';
  if (typeof value === 'number') return value.toLocaleString('de-DE');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The payload's fields, labelled from the event spec where it has them, in the spec's order first. */
function payloadFields(spec: EventSpec | undefined, payload: unknown): AkteField[] {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return [];
  const given = payload as Record<string, unknown>;
  const ordered = [...Object.keys(spec?.fields ?? {}), ...Object.keys(given).sort()];
  const fields: AkteField[] = [];
  for (const key of new Set(ordered)) {
    if (!(key in given)) continue;
    const fieldSpec = spec?.fields?.[key];
    const raw = given[key];
    const list = Array.isArray(raw) ? raw : [raw];
    const value = fieldSpec?.values
      ? list.map((v) => fieldSpec.values?.[String(v)]?.de ?? plain(v)).join(', ')
      : Array.isArray(raw)
        ? list.map(plain).join(', ')
        : plain(raw);
    fields.push({ label: fieldSpec?.label.de ?? (spec ? key : (SYSTEM_FIELDS[key] ?? key)), value });
  }
  return fields;
}

/** A profile's data as dotted paths and values, for the record (every value, nothing interpreted). */
function flatten(value: unknown, path: string, out: AkteField[]): AkteField[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, path ? `${path}.${key}` : key, out);
  } else if (Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) {
    value.forEach((inner, i) => {
      flatten(inner, `${path}[${i + 1}]`, out);
    });
  } else {
    out.push({ label: path, value: Array.isArray(value) ? value.map(plain).join(', ') : plain(value) });
  }
  return out;
}

/**
 * The profile's data as labelled lines: first the fields the workflow's question pages ask, in their order,
 * with their German labels and value names; then every other value under its dotted path, so nothing is
 * left out of the record.
 */
function dataFields(definition: WorkflowDefinition, data: Record<string, unknown>): AkteField[] {
  const all = flatten(data, '', []);
  const asked = (definition.presentation?.sections ?? []).flatMap((s) => s.fields);
  const byPath = new Map(all.map((f) => [f.label, f.value]));
  const fields: AkteField[] = [];
  const used = new Set<string>();
  for (const f of asked) {
    const value = byPath.get(f.path);
    if (value === undefined || used.has(f.path)) continue;
    used.add(f.path);
    const raw = f.path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], data);
    const named =
      f.values && !Array.isArray(raw) && raw !== null && raw !== undefined ? f.values[String(raw)] : undefined;
    fields.push({ label: f.label, value: named ?? value });
  }
  for (const f of all) if (!used.has(f.label)) fields.push(f);
  return fields;
}

function roleLabels(registry: WorkflowRegistry, grants: Array<Record<string, unknown>>): string[] {
  return grants.map((g) => {
    const role = String(g.role);
    const spec = registry.roles.get(role);
    const label = spec?.label.de ?? role;
    const attribute = spec?.scope.kind === 'attribute' ? spec.scope.attribute : undefined;
    return attribute && g[attribute] !== undefined ? `${label} (${String(g[attribute])})` : label;
  });
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

interface ProfileRow {
  id: string;
  workflow_id: string;
  workflow_version: number;
  state: string;
  version: number;
  data: Record<string, unknown>;
  owner_key: string;
  scope: Record<string, string[]>;
  submitted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The verification's result in one German sentence, for the document. */
export function verificationSummary(v: VerifyResult): string {
  if (v.ok) {
    const anchored = v.anchor
      ? ` Der letzte Eintrag stimmt mit der Verankerung vom ${new Date(v.anchor.takenAt).toISOString().slice(0, 10)} überein, soweit er verankert wurde.`
      : '';
    return `Die Hash-Kette der Historie ist unversehrt: ${v.entries} Einträge geprüft.${anchored}`;
  }
  const b = v.firstBroken;
  return b
    ? `Die Hash-Kette der Historie ist NICHT unversehrt: Eintrag ${b.seq}: ${BROKEN_REASONS_DE[b.kind]}.`
    : 'Die Hash-Kette der Historie ist NICHT unversehrt.';
}

/**
 * Collect the Förderakte of a profile for this caller. Throws NotFound when the caller cannot see the
 * profile and Forbidden when they see it only as its owner.
 */
export async function buildAkte(deps: EngineDeps, actor: Actor, profileId: string): Promise<Akte> {
  const { db, registry } = deps;
  if (!isUuid(profileId)) throw notFound();
  const profile = (await db
    .selectFrom('profiles')
    .select([
      'id',
      'workflow_id',
      'workflow_version',
      'state',
      'version',
      'data',
      'owner_key',
      'scope',
      'submitted_at',
      'created_at',
      'updated_at',
    ])
    .where('id', '=', profileId)
    .executeTakeFirst()) as ProfileRow | undefined;
  if (!profile || !canSee(registry.roles, actor, profile)) throw notFound();
  if (seesOnlyAsOwner(registry.roles, actor, profile)) {
    throw new Forbidden(
      'Die Förderakte erhalten nur Rollen, die alles zu diesem Steckbrief sehen. / Only roles that see everything about this profile get its Förderakte.',
    );
  }
  const definition = registry.get(profile.workflow_id, profile.workflow_version);

  const historyRows = await db
    .selectFrom('profile_history as h')
    .leftJoin('users as u', 'u.id', 'h.actor_id')
    .select([
      'h.seq',
      'h.event',
      'h.from_state',
      'h.to_state',
      'h.actor_id',
      'h.payload',
      'h.comment',
      'h.at',
      'h.redacted_at',
      'u.name',
      'u.roles',
    ])
    .where('h.profile_id', '=', profileId)
    .orderBy('h.seq')
    .execute();
  const person = (r: (typeof historyRows)[number]): AktePerson | null =>
    r.actor_id
      ? {
          id: r.actor_id,
          name: r.name ?? '–',
          roles: roleLabels(registry, (r.roles ?? []) as unknown as Array<Record<string, unknown>>),
        }
      : null;
  const history: AkteHistoryEntry[] = historyRows.map((r) => ({
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    event: r.event,
    eventLabel: eventLabel(definition, r.event),
    from: r.from_state,
    fromLabel: r.from_state === null ? null : stateLabel(definition, r.from_state),
    to: r.to_state,
    toLabel: stateLabel(definition, r.to_state),
    actor: person(r),
    comment: r.comment,
    payload: r.payload,
    details: payloadFields(definition.events[r.event], r.payload),
    redactedAt: iso(r.redacted_at),
  }));

  const sessions = await db
    .selectFrom('session_agenda as a')
    .innerJoin('sessions as s', 's.id', 'a.session_id')
    .select(['a.decision_seq', 's.id', 's.title', 's.date'])
    .where('a.profile_id', '=', profileId)
    .where('a.decision_seq', 'is not', null)
    .execute();
  const sessionOf = new Map(sessions.map((s) => [s.decision_seq, { id: s.id, title: s.title, date: String(s.date) }]));
  // Statements and decisions: the workflow's events that carry labelled fields (reasons, opinions, votes).
  const decisions: AkteDecision[] = historyRows
    .filter((r) => definition.events[r.event]?.fields && !(r.event in ATTACHMENT_EVENTS))
    .map((r) => ({
      seq: r.seq,
      at: new Date(r.at).toISOString(),
      event: r.event,
      eventLabel: eventLabel(definition, r.event),
      toLabel: stateLabel(definition, r.to_state),
      actor: person(r),
      reasons: [
        ...payloadFields(definition.events[r.event], r.payload),
        ...(r.comment ? [{ label: 'Kommentar', value: r.comment }] : []),
      ],
      session: sessionOf.get(r.seq) ?? null,
    }));

  // Mails about the profile: its notices (cause `notify:<profile>:…`, the recipient group's role in the
  // cause) and the reminders, escalations and reassignments of its tasks (the task's role). Addresses
  // are left out: the role and the Message-ID identify a mail for the record.
  const mailRows = await sql<{
    created_at: Date;
    delivered_at: Date | null;
    status: string;
    subject: string;
    message_id: string;
    role: string | null;
  }>`select m.created_at, m.delivered_at, m.status, m.subject, m.message_id,
      case when starts_with(m.cause, 'notify:') then split_part(m.cause, ':', 5) else t.assignee_role end as role
    from mail_deliveries as m
    left join tasks as t on t.profile_id = ${profileId}::uuid
      and split_part(m.cause, ':', 1) in ('reminder', 'escalation', 'assign')
      and split_part(m.cause, ':', 2) = t.id::text
    where starts_with(m.cause, ${noticeCausePrefix(profileId)}) or t.id is not null
    order by m.created_at, m.id`.execute(db);
  const mails: AkteMail[] = mailRows.rows.map((m) => ({
    createdAt: new Date(m.created_at).toISOString(),
    deliveredAt: iso(m.delivered_at),
    status: m.status,
    recipientRole: m.role,
    recipientRoleLabel: m.role ? (registry.roles.get(m.role)?.label.de ?? m.role) : null,
    subject: m.subject,
    messageId: m.message_id,
  }));

  const attachmentRows = await db
    .selectFrom('attachments as a')
    .leftJoin('users as up', 'up.id', 'a.uploaded_by')
    .leftJoin('users as rm', 'rm.id', 'a.removed_by')
    .select([
      'a.id',
      'a.kind',
      'a.file_name',
      'a.media_type',
      'a.size',
      'a.sha256',
      'a.uploaded_at',
      'a.removed_at',
      'up.name as uploaded_by',
      'rm.name as removed_by',
    ])
    .where('a.profile_id', '=', profileId)
    .orderBy('a.uploaded_at')
    .orderBy('a.id')
    .execute();
  const attachments: AkteAttachment[] = attachmentRows.map((a) => ({
    id: a.id,
    kind: a.kind,
    kindLabel: ATTACHMENT_KINDS[a.kind as keyof typeof ATTACHMENT_KINDS]?.de ?? a.kind,
    fileName: a.file_name,
    mediaType: a.media_type,
    size: a.size,
    sha256: a.sha256,
    uploadedAt: new Date(a.uploaded_at).toISOString(),
    uploadedBy: a.uploaded_by,
    removedAt: iso(a.removed_at),
    removedBy: a.removed_by,
  }));

  const verification = await verifyHistory(db, { profileId });
  const title = typeof profile.data.title === 'string' ? profile.data.title : null;
  return {
    generatedAt: (deps.now ?? (() => new Date()))().toISOString(),
    profile: {
      id: profile.id,
      title,
      workflow: profile.workflow_id,
      workflowLabel: definition.label.de,
      workflowVersion: profile.workflow_version,
      state: profile.state,
      stateLabel: stateLabel(definition, profile.state),
      version: profile.version,
      createdAt: new Date(profile.created_at).toISOString(),
      submittedAt: iso(profile.submitted_at),
      updatedAt: new Date(profile.updated_at).toISOString(),
      data: profile.data,
      fields: dataFields(definition, profile.data),
    },
    history,
    decisions,
    mails,
    attachments,
    verification: { ...verification, summary: verificationSummary(verification) },
  };
}

/**
 * The bytes of an attachment the Akte lists and that was not removed (removal deletes the bytes), for the
 * ZIP; undefined otherwise. Call only with an Akte that `buildAkte` made for the caller.
 */
export async function akteAttachmentBytes(
  deps: AttachmentDeps,
  akte: Akte,
  attachmentId: string,
): Promise<Uint8Array | undefined> {
  if (!akte.attachments.some((a) => a.id === attachmentId && a.removedAt === null)) return undefined;
  const row = await deps.db
    .selectFrom('attachments')
    .select('storage_key')
    .where('id', '=', attachmentId)
    .where('profile_id', '=', akte.profile.id)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return (deps.attachmentStore ?? postgresAttachmentStore(deps.db)).get(row.storage_key);
}
