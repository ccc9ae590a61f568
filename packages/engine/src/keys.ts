/**
 * The key grammars of the outbox contract, built and parsed here and nowhere else (decision 010):
 *
 * | Key | Grammar | Keys |
 * |---|---|---|
 * | owner key | `org:<organisation>` or `user:<userId>` | who owns a profile (`profiles.owner_key`) |
 * | group scope | `''` (the whole role), `owner:<owner key>`, `<attribute>:<value>` | a task's or a notice's recipient group within a role (`tasks.assignee_scope`) |
 * | transition cause | `transition:<profileId>:<seq>` | the one outbox row of a history entry (decision 005) |
 * | notice cause | `notify:<profileId>:<seq>:<template>:<role>:<group scope>` | a notice's mails and their Message-IDs (decision 003) |
 * | reminder cause | `reminder:<taskId>:<dueMs>:<offsetMs>` | a reminder timer and its mails |
 * | escalation cause | `escalation:<taskId>:<dueMs>` | an escalation timer and its mails |
 * | sign-in cause | `signin:<codeId>` | a sign-in code's outbox row and its mail |
 * | assignment cause | `assign:<taskId>:<unique>` | a task reassignment's outbox row and its mail |
 *
 * A cause is unique per outbox row, timer and (with the recipient) mail; changing a grammar changes
 * Message-IDs and the exactly-once keys of rows already written, so these strings are a stored format.
 */

/**
 * The outbox topics and what writes them: `transition` the engine's writer (writer.ts), `signin.code`
 * the web sign-in, `task.assigned` a task's reassignment (inbox.ts). Their payloads' schemas are the
 * job schema of @steckbrief/queues.
 */
export const OUTBOX_TOPICS = { transition: 'transition', signin: 'signin.code', assignment: 'task.assigned' } as const;

// ---- Owner keys and group scopes -------------------------------------------------------------------

/** Profiles belong to an organisation when the applicant has one, else to the applicant personally. */
export function ownerKey(owner: { organisation: string | null; userId: string | null }): string {
  return owner.organisation ? `org:${owner.organisation}` : `user:${owner.userId}`;
}

/** The group scope of a profile's owner: the role's users of that organisation, or that user. */
export const ownerScope = (key: string) => `owner:${key}`;

/** The group scope of an attribute grant, `<attribute>:<value>`. */
export const attributeScope = (attribute: string, value: string | number) => `${attribute}:${value}`;

/** A group scope as written on tasks and notices, read back. */
export type GroupScope =
  | { kind: 'all' }
  | { kind: 'owner-org'; organisation: string }
  | { kind: 'owner-user'; userId: string }
  | { kind: 'attribute'; attribute: string; value: string };

export function parseGroupScope(scope: string): GroupScope {
  if (scope === '') return { kind: 'all' };
  if (scope.startsWith('owner:org:')) return { kind: 'owner-org', organisation: scope.slice('owner:org:'.length) };
  if (scope.startsWith('owner:user:')) return { kind: 'owner-user', userId: scope.slice('owner:user:'.length) };
  const at = scope.indexOf(':');
  return at > 0
    ? { kind: 'attribute', attribute: scope.slice(0, at), value: scope.slice(at + 1) }
    : { kind: 'attribute', attribute: scope, value: '' };
}

/** Is this the group of a profile's owner (whose tasks are done on the profile's own pages)? */
export const isOwnerScope = (scope: string) => scope.startsWith('owner:');

/**
 * A workflow's declared scope of a task or notice (`'owner'`, `'<attribute>:<value>'` or none) as the
 * group scope stored for a profile with this owner key.
 */
export function resolveScope(declared: string | null | undefined, ownerKeyOfProfile: string): string {
  if (!declared) return '';
  return declared === 'owner' ? ownerScope(ownerKeyOfProfile) : declared;
}

// ---- Causes ----------------------------------------------------------------------------------------

export const transitionCause = (profileId: string, seq: number) => `transition:${profileId}:${seq}`;

export const noticeCause = (n: { profileId: string; seq: number; template: string; role: string; scope: string }) =>
  `notify:${n.profileId}:${n.seq}:${n.template}:${n.role}:${n.scope}`;

export const reminderCause = (taskId: string, due: Date, offsetMs: number) =>
  `reminder:${taskId}:${due.getTime()}:${offsetMs}`;

export const escalationCause = (taskId: string, due: Date) => `escalation:${taskId}:${due.getTime()}`;

export const signinCause = (codeId: string) => `signin:${codeId}`;

/** The start every notice cause of one profile shares (ids are UUIDs: no LIKE wildcard in them). */
export const noticeCausePrefix = (profileId: string) => `notify:${profileId}:`;

/** LIKE patterns of every reminder and escalation cause of one task. */
export const timerCausePatterns = (taskId: string) => [`reminder:${taskId}:%`, `escalation:${taskId}:%`];

/** One per reassignment (`unique` a fresh UUID): a task handed on twice gets two mails. */
export const assignmentCause = (taskId: string, unique: string) => `assign:${taskId}:${unique}`;
