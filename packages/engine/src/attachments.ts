import { createHash } from 'node:crypto';
import type { Database } from '@steckbrief/db';
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import { type Actor, canSee, hasRole, ownerKeyOf } from './access.js';
import { type AttachmentStore, postgresAttachmentStore } from './attachment-store.js';
import { allowedTypesText, detectAttachmentType, sanitizeFileName } from './attachment-types.js';
import type { Label, WorkflowDefinition } from './definition.js';
import { Conflict, DomainError, Forbidden, type Issue, NotFound, ValidationFailed } from './errors.js';
import { isUuid, type LoadedProfile, loadProfile } from './store.js';
import type { EngineDeps } from './transition.js';
import { writeProfileChange } from './writer.js';

/** What an attachment is, as the applicant files it (the issue's Lagepläne, Kostenschätzung, Genehmigungen). */
export const ATTACHMENT_KINDS = {
  lageplan: { de: 'Lageplan', en: 'Site plan' },
  kostenschaetzung: { de: 'Kostenschätzung', en: 'Cost estimate' },
  genehmigung: { de: 'Genehmigung', en: 'Permit' },
  sonstiges: { de: 'Sonstiges', en: 'Other' },
} as const satisfies Record<string, Label>;
export type AttachmentKind = keyof typeof ATTACHMENT_KINDS;
export const isAttachmentKind = (kind: string): kind is AttachmentKind => Object.hasOwn(ATTACHMENT_KINDS, kind);

/** The history events of attachments, with their labels for timelines. */
export const ATTACHMENT_EVENTS = {
  ATTACH: { de: 'Anlage hinzugefügt', en: 'Attachment added' },
  DETACH: { de: 'Anlage entfernt', en: 'Attachment removed' },
} as const satisfies Record<string, Label>;

const MB = 1024 * 1024;
/** At most 20 MB per file and 100 MB per profile (issue 10). */
export const MAX_ATTACHMENT_BYTES = 20 * MB;
export const MAX_PROFILE_ATTACHMENT_BYTES = 100 * MB;

/** A file larger than MAX_ATTACHMENT_BYTES. */
export class PayloadTooLarge extends DomainError {
  readonly code = 'payload-too-large';
  readonly status = 413;
  readonly title = 'Anfrage zu groß / Payload too large';
}

export const fileTooLarge = () =>
  new PayloadTooLarge('Die Datei ist größer als 20 MB. / The file is larger than 20 MB.', [
    { path: 'file', message: 'Die Datei darf höchstens 20 MB groß sein. / The file may be at most 20 MB.' },
  ]);

export interface AttachmentView {
  id: string;
  profileId: string;
  kind: string;
  kindLabel: Label;
  /** Sanitised; offer it with `contentDisposition(fileName)`. */
  fileName: string;
  /** Detected from the bytes. */
  mediaType: string;
  size: number;
  sha256: string;
  uploadedBy: { id: string; name: string } | null;
  uploadedAt: string;
}

export interface AttachmentList {
  items: AttachmentView[];
  /** Bytes of the profile's attachments together, against `maxTotalBytes`. */
  totalBytes: number;
  maxTotalBytes: number;
  maxFileBytes: number;
  /** Whether the caller may add or remove attachments now (the owner, in an editable state). */
  canChange: boolean;
}

/** The engine's dependencies plus where attachment bytes live (PostgreSQL unless said otherwise). */
export interface AttachmentDeps extends EngineDeps {
  attachmentStore?: AttachmentStore;
}

const profileNotFound = () => new NotFound('Profil nicht gefunden. / Profile not found.');
const attachmentNotFound = () => new NotFound('Anlage nicht gefunden. / Attachment not found.');
const notEditable = (definition: WorkflowDefinition, state: string) =>
  new Conflict(
    `Im Status "${definition.states[state]?.de ?? state}" können keine Anlagen hinzugefügt oder entfernt werden. / Attachments cannot be added or removed in this state.`,
  );

const storeOf = (deps: AttachmentDeps) => deps.attachmentStore ?? postgresAttachmentStore(deps.db);
const nowOf = (deps: EngineDeps) => (deps.now ?? (() => new Date()))();

async function visibleProfile(deps: EngineDeps, actor: Actor, profileId: string) {
  const profile = await loadProfile(deps.db, profileId);
  if (!profile || !canSee(deps.registry.roles, actor, profile)) throw profileNotFound();
  return { profile, definition: deps.registry.get(profile.workflow_id, profile.workflow_version) };
}

/** Same rule as editing the data: only the owner (an applicant of the owning organisation) changes a profile. */
function isOwner(definition: WorkflowDefinition, actor: Actor, profile: LoadedProfile): boolean {
  return (
    actor.userId !== null &&
    profile.owner_key === ownerKeyOf(actor) &&
    definition.creatorRoles.some((r) => hasRole(actor, r))
  );
}

function checkMayChange(definition: WorkflowDefinition, actor: Actor, profile: LoadedProfile): void {
  if (!isOwner(definition, actor, profile)) {
    throw new Forbidden(
      'Nur der Projektträger darf Anlagen hinzufügen oder entfernen. / Only the owner may add or remove attachments.',
    );
  }
  if (!definition.editableStates.includes(profile.state)) throw notEditable(definition, profile.state);
}

/**
 * Throws what adding or removing an attachment would throw for this caller now (NotFound, Forbidden,
 * Conflict): a check before an upload is read, so a refused caller's bytes are not even received. The
 * change itself checks again.
 */
export async function checkMayChangeAttachments(deps: EngineDeps, actor: Actor, profileId: string): Promise<void> {
  const { profile, definition } = await visibleProfile(deps, actor, profileId);
  checkMayChange(definition, actor, profile);
}

function selectAttachments(db: EngineDeps['db']) {
  return db
    .selectFrom('attachments as a')
    .leftJoin('users as u', 'u.id', 'a.uploaded_by')
    .select([
      'a.id',
      'a.profile_id',
      'a.kind',
      'a.file_name',
      'a.media_type',
      'a.size',
      'a.sha256',
      'a.storage_key',
      'a.uploaded_by',
      'u.name',
      'a.uploaded_at',
    ])
    .where('a.removed_at', 'is', null);
}

type AttachmentSelection = Awaited<ReturnType<ReturnType<typeof selectAttachments>['executeTakeFirstOrThrow']>>;

function attachmentView(r: AttachmentSelection): AttachmentView {
  return {
    id: r.id,
    profileId: r.profile_id,
    kind: r.kind,
    kindLabel: isAttachmentKind(r.kind) ? ATTACHMENT_KINDS[r.kind] : { de: r.kind, en: r.kind },
    fileName: r.file_name,
    mediaType: r.media_type,
    size: r.size,
    sha256: r.sha256,
    uploadedBy: r.uploaded_by ? { id: r.uploaded_by, name: r.name ?? '' } : null,
    uploadedAt: r.uploaded_at.toISOString(),
  };
}

/** The current attachments of a profile the caller may see, oldest first, with the limits. */
export async function listAttachments(deps: EngineDeps, actor: Actor, profileId: string): Promise<AttachmentList> {
  const { profile, definition } = await visibleProfile(deps, actor, profileId);
  const rows = await selectAttachments(deps.db)
    .where('a.profile_id', '=', profile.id)
    .orderBy('a.uploaded_at')
    .orderBy('a.id')
    .execute();
  return {
    items: rows.map(attachmentView),
    totalBytes: rows.reduce((sum, r) => sum + r.size, 0),
    maxTotalBytes: MAX_PROFILE_ATTACHMENT_BYTES,
    maxFileBytes: MAX_ATTACHMENT_BYTES,
    canChange: isOwner(definition, actor, profile) && definition.editableStates.includes(profile.state),
  };
}

async function usedBytes(db: EngineDeps['db'] | Transaction<Database>, profileId: string): Promise<number> {
  const row = await db
    .selectFrom('attachments')
    .select(sql<string>`coalesce(sum(size), 0)`.as('used'))
    .where('profile_id', '=', profileId)
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.used);
}

function checkQuota(used: number, size: number): void {
  if (used + size <= MAX_PROFILE_ATTACHMENT_BYTES) return;
  const usedMb = (used / MB).toLocaleString('de-DE', { maximumFractionDigits: 1 });
  const usedMbEn = (used / MB).toLocaleString('en-GB', { maximumFractionDigits: 1 });
  throw new ValidationFailed(
    `Die Anlagen eines Steckbriefs dürfen zusammen höchstens 100 MB groß sein; belegt sind ${usedMb} MB. / A profile's attachments may take at most 100 MB together; ${usedMbEn} MB are used.`,
    [
      {
        path: 'file',
        message:
          'Mit dieser Datei würden die Anlagen zusammen größer als 100 MB. / With this file the attachments would exceed 100 MB together.',
      },
    ],
  );
}

/** The entry of ATTACH or DETACH in the history: which file, of what kind, how large, of which type. */
function historyPayload(a: { id: string; file_name: string; kind: string; size: number; media_type: string }) {
  return { attachmentId: a.id, fileName: a.file_name, kind: a.kind, size: a.size, mediaType: a.media_type };
}

/**
 * Lock the profile's row for the change (as a transition locks it) and check it is still editable:
 * the version read here is the one the change is written at (writer.ts).
 */
async function lockEditable(
  trx: Transaction<Database>,
  definition: WorkflowDefinition,
  profileId: string,
): Promise<{ version: number; state: string }> {
  const locked = await trx
    .selectFrom('profiles')
    .select(['version', 'state'])
    .where('id', '=', profileId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (!definition.editableStates.includes(locked.state)) throw notEditable(definition, locked.state);
  return locked;
}

/**
 * Attach a file to a profile. The owner only, in an editable state (draft, revision); the type is detected
 * from the bytes (see ATTACHMENT_TYPES), at most 20 MB per file and 100 MB per profile. The attachment and
 * its history entry (`ATTACH`) commit with the profile's new version. The blob is written before that
 * transaction and removed again when it fails; should that removal fail too, `removeOrphans` of the
 * PostgreSQL store finds it.
 */
export async function addAttachment(
  deps: AttachmentDeps,
  actor: Actor,
  input: { profileId: string; kind: string; fileName: string; bytes: Uint8Array },
): Promise<{ attachment: AttachmentView; version: number }> {
  const { profile, definition } = await visibleProfile(deps, actor, input.profileId);
  checkMayChange(definition, actor, profile);
  // Both fields' problems at once, so a form can show them together.
  const issues: Issue[] = [];
  if (!isAttachmentKind(input.kind)) {
    issues.push({
      path: 'kind',
      message: `Bitte die Art der Anlage wählen: ${Object.values(ATTACHMENT_KINDS)
        .map((k) => k.de)
        .join(', ')}. / Please choose the kind of attachment: ${Object.keys(ATTACHMENT_KINDS).join(', ')}.`,
    });
  }
  const size = input.bytes.byteLength;
  if (size === 0) {
    // A form sent without a chosen file carries an empty part without a name.
    issues.push({
      path: 'file',
      message: input.fileName
        ? 'Die Datei ist leer. / The file is empty.'
        : 'Bitte eine Datei auswählen. / Please choose a file.',
    });
  }
  if (issues.length) {
    throw new ValidationFailed(
      'Die Anlage kann so nicht gespeichert werden. / The attachment cannot be saved like this.',
      issues,
    );
  }
  if (size > MAX_ATTACHMENT_BYTES) throw fileTooLarge();
  const type = await detectAttachmentType(input.bytes);
  if (!type) {
    throw new ValidationFailed(
      'Dieser Dateityp ist nicht erlaubt. Maßgeblich ist der Inhalt der Datei, nicht ihr Name. / This file type is not allowed. What counts is the content of the file, not its name.',
      [
        {
          path: 'file',
          message: `Die Datei muss eines dieser Formate haben: ${allowedTypesText('de')}. / The file must be one of: ${allowedTypesText('en')}.`,
        },
      ],
    );
  }
  checkQuota(await usedBytes(deps.db, profile.id), size);

  const fileName = sanitizeFileName(input.fileName, type);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const at = nowOf(deps);
  const store = storeOf(deps);
  const key = await store.put(input.bytes);
  try {
    const { id, version } = await deps.db.transaction().execute(async (trx) => {
      const locked = await lockEditable(trx, definition, profile.id);
      checkQuota(await usedBytes(trx, profile.id), size);
      const row = await trx
        .insertInto('attachments')
        .values({
          profile_id: profile.id,
          kind: input.kind,
          file_name: fileName,
          media_type: type.mediaType,
          size,
          sha256,
          storage_key: key,
          uploaded_by: actor.userId,
          uploaded_at: at,
        })
        .returning(['id', 'file_name', 'kind', 'size', 'media_type'])
        .executeTakeFirstOrThrow();
      await writeProfileChange(trx, {
        profileId: profile.id,
        workflowId: definition.id,
        expectedVersion: locked.version,
        at,
        history: {
          event: 'ATTACH',
          from: locked.state,
          to: locked.state,
          actorId: actor.userId,
          payload: historyPayload(row),
        },
      });
      return { id: row.id, version: locked.version + 1 };
    });
    const row = await selectAttachments(deps.db).where('a.id', '=', id).executeTakeFirstOrThrow();
    return { attachment: attachmentView(row), version };
  } catch (error) {
    // Not recorded: the blob is nobody's. The refusal is what the caller needs to hear; a blob whose
    // removal fails as well is left to `removeOrphans`.
    await store.delete(key).catch(() => undefined);
    throw error;
  }
}

/**
 * Remove an attachment: the owner only, in an editable state. The row stays (marked removed) for the
 * history's sake; the `DETACH` entry commits with the profile's new version, and the bytes are deleted
 * after the commit.
 */
export async function removeAttachment(
  deps: AttachmentDeps,
  actor: Actor,
  input: { profileId: string; attachmentId: string },
): Promise<{ version: number }> {
  const { profile, definition } = await visibleProfile(deps, actor, input.profileId);
  if (!isUuid(input.attachmentId)) throw attachmentNotFound();
  checkMayChange(definition, actor, profile);
  const at = nowOf(deps);
  const { key, version } = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockEditable(trx, definition, profile.id);
    const row = await trx
      .updateTable('attachments')
      .set({ removed_at: at, removed_by: actor.userId })
      .where('id', '=', input.attachmentId)
      .where('profile_id', '=', profile.id)
      .where('removed_at', 'is', null)
      .returning(['id', 'file_name', 'kind', 'size', 'media_type', 'storage_key'])
      .executeTakeFirst();
    // Rolls the version back too: removing what is not there changes nothing.
    if (!row) throw attachmentNotFound();
    await writeProfileChange(trx, {
      profileId: profile.id,
      workflowId: definition.id,
      expectedVersion: locked.version,
      at,
      history: {
        event: 'DETACH',
        from: locked.state,
        to: locked.state,
        actorId: actor.userId,
        payload: historyPayload(row),
      },
    });
    return { key: row.storage_key, version: locked.version + 1 };
  });
  await storeOf(deps).delete(key);
  return { version };
}

/**
 * An attachment with its bytes, for whoever may see the profile; anyone else, and any id that is not a
 * current attachment of this profile, gets NotFound.
 */
export async function readAttachment(
  deps: AttachmentDeps,
  actor: Actor,
  input: { profileId: string; attachmentId: string },
): Promise<{ attachment: AttachmentView; bytes: Uint8Array }> {
  const { profile } = await visibleProfile(deps, actor, input.profileId);
  if (!isUuid(input.attachmentId)) throw attachmentNotFound();
  const row = await selectAttachments(deps.db)
    .where('a.id', '=', input.attachmentId)
    .where('a.profile_id', '=', profile.id)
    .executeTakeFirst();
  if (!row) throw attachmentNotFound();
  const bytes = await storeOf(deps).get(row.storage_key);
  if (!bytes) throw new Error(`attachment ${row.id}: no bytes under its storage key`);
  return { attachment: attachmentView(row), bytes };
}
