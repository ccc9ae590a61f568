import { z } from 'zod';

/**
 * Response shapes for the document. The engine's views are TypeScript interfaces, not zod schemas, so
 * they are restated here briefly; the route coverage test and the examples in the tests keep them honest.
 */
export const components = z.registry<{ id: string; description?: string }>();

function add<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  components.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

const dateTime = z.iso.datetime({ offset: true });
const uuid = z.uuid();

const Label = add('Label', z.object({ de: z.string(), en: z.string() }), 'Label in German and English');

add(
  'Problem',
  z.object({
    type: z.string().describe('e.g. /problems/validation-failed'),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional().describe('Same as the X-Request-Id response header'),
  }),
  'RFC 9457 problem details; texts German first, English second',
);

const RoleGrant = add(
  'RoleGrant',
  z.looseObject({ role: z.string() }),
  'A role with its scope attribute where the role needs one, e.g. {"role":"<role>","<attribute>":"<value>"}; see GET /api/v1/workflows',
);

add(
  'User',
  z.object({
    id: uuid.nullable().describe('null for the bootstrap ADMIN_TOKEN'),
    email: z.string().optional(),
    name: z.string(),
    organisation: z.string().nullable().optional(),
    roles: z.array(RoleGrant),
    created_at: dateTime.optional(),
  }),
);

const TaskView = add(
  'TaskView',
  z.object({
    id: uuid,
    key: z.string(),
    kind: z.string(),
    label: Label,
    state: z.string(),
    role: z.string(),
    scope: z
      .string()
      .nullable()
      .describe("Assignee group within the role ('<attribute>:<value>' or 'owner:…'); null for the whole role"),
    dueAt: dateTime.nullable(),
    claimedBy: uuid.nullable(),
    createdAt: dateTime,
  }),
);

add(
  'ProfileView',
  z.object({
    id: uuid,
    workflow: z.string(),
    workflowVersion: z.int(),
    state: z.string(),
    stateLabel: Label,
    version: z.int().describe('Also sent as ETag; send it back in If-Match'),
    data: z.record(z.string(), z.unknown()).describe('The Projektsteckbrief, see <workflow>.ProfileData'),
    tasks: z.array(TaskView).describe('Open tasks'),
    availableEvents: z.array(z.object({ type: z.string(), label: Label })).describe('Events the caller may send now'),
    createdAt: dateTime,
    updatedAt: dateTime,
    submittedAt: dateTime.nullable(),
  }),
  'A project profile (Projektsteckbrief) as the caller sees it',
);

const ProfileSummary = add(
  'ProfileSummary',
  z.object({
    id: uuid,
    workflow: z.string(),
    state: z.string(),
    stateLabel: Label,
    title: z.string().nullable(),
    version: z.int(),
    createdAt: dateTime,
    updatedAt: dateTime,
  }),
);
add('ProfilePage', z.object({ items: z.array(ProfileSummary), nextCursor: z.string().nullable() }));

add(
  'History',
  z.object({
    items: z.array(
      z.object({
        seq: z.int().describe('Profile version after the change'),
        event: z
          .string()
          .describe(
            'The workflow event (e.g. SUBMIT), or CREATE, EDIT (data changed; payload.fields), DEADLINE (a task’s due date moved; payload: taskId, kind, from, to), ATTACH or DETACH (an attachment added or removed; payload: attachmentId, fileName, kind, size, mediaType), NOTE (an internal note of a reviewing body; payload: text; never shown to someone who sees the profile only as its owner), RETENTION_NOTICE (the owner was told that the draft will be deleted; payload: deleteAt), REDACT (personal data removed by retention or an erasure request; payload: seqs of the redacted entries, reason retention|erasure, fields)',
          ),
        from: z.string().nullable(),
        to: z.string(),
        actor: z.object({ id: uuid, name: z.string() }).nullable(),
        payload: z.unknown(),
        comment: z.string().nullable(),
        at: dateTime,
      }),
    ),
  }),
);

const attachmentFields = {
  id: uuid,
  profileId: uuid,
  kind: z.string().describe('lageplan, kostenschaetzung, genehmigung or sonstiges'),
  kindLabel: Label,
  fileName: z.string().describe('Sanitised; the name offered on download'),
  mediaType: z.string().describe('Detected from the bytes'),
  size: z.int().describe('Bytes'),
  sha256: z.string(),
  uploadedBy: z.object({ id: uuid, name: z.string() }).nullable(),
  uploadedAt: dateTime,
};
const AttachmentView = add('AttachmentView', z.object(attachmentFields), 'A file attached to a profile (Anlage)');
add(
  'AttachmentList',
  z.object({
    items: z.array(AttachmentView),
    totalBytes: z.int().describe('Of all current attachments together'),
    maxTotalBytes: z.int(),
    maxFileBytes: z.int(),
    canChange: z.boolean().describe('Whether the caller may add or remove attachments now'),
  }),
);
add(
  'CreatedAttachment',
  z.object({ ...attachmentFields, profileVersion: z.int().describe('The profile’s version after the change') }),
);

const InboxTask = add(
  'InboxTask',
  z.object({
    id: uuid,
    profileId: uuid,
    workflow: z.string(),
    kind: z.string(),
    label: Label,
    state: z.string(),
    stateLabel: Label,
    role: z.string(),
    scope: z.string().nullable(),
    status: z.enum(['open', 'done', 'cancelled']),
    title: z.string().nullable(),
    sponsor: z.string().nullable(),
    dueAt: dateTime.nullable(),
    overdue: z.boolean(),
    claimedBy: uuid.nullable(),
    createdAt: dateTime,
  }),
  'A task in the inbox (Aufgabe)',
);
const TaskCounts = add(
  'TaskCounts',
  z.object({ total: z.int(), overdue: z.int(), byState: z.record(z.string(), z.int()) }),
  'Open tasks of the caller’s groups per state: the inbox badge',
);
add('TaskList', z.object({ items: z.array(InboxTask), counts: TaskCounts }));

const sessionFields = {
  id: uuid,
  workflow: z.string(),
  kind: z.string().describe('Session kind, one of the workflow’s `sessions`'),
  kindLabel: Label,
  scopeValue: z.string().nullable().describe('The value of the kind’s scope attribute, for kinds held per scope value'),
  scopeLabel: Label.nullable().describe('The scope value’s name from the workflow definition; null when unscoped'),
  date: z.iso.date(),
  cutOffDate: z.iso
    .date()
    .nullable()
    .describe('Last day a profile may have been submitted on to go on this agenda; null without a cut-off'),
  title: z.string(),
  createdAt: dateTime,
  minutesPublishedAt: dateTime.nullable().describe('Since when the minutes are public; null while they are not'),
};
const SessionSummary = add('SessionSummary', z.object(sessionFields));
add('SessionList', z.object({ items: z.array(SessionSummary) }));
add(
  'SessionView',
  z.object({
    ...sessionFields,
    agenda: z.array(
      z.object({
        profileId: uuid,
        position: z.int(),
        title: z.string().nullable(),
        sponsor: z.string().nullable(),
        amountCents: z.int().nullable(),
        state: z.string(),
        stateLabel: Label,
        carriedFrom: uuid.nullable(),
        carriedTo: uuid.nullable(),
        decision: z
          .object({
            event: z.string(),
            payload: z.unknown(),
            toState: z.string().nullable(),
            decidedAt: dateTime,
            decidedBy: uuid.nullable(),
          })
          .nullable(),
      }),
    ),
  }),
  'A session (Sitzung) with its agenda (Tagesordnung)',
);
add(
  'MinutesPublication',
  z.object({
    sessionId: uuid,
    publishedAt: dateTime.nullable().describe('Since when the minutes are public; null when they are not'),
  }),
  'Whether a session’s minutes are published (Veröffentlichung des Ergebnisprotokolls)',
);
add(
  'DecisionResults',
  z.object({
    results: z.array(
      z.object({
        profileId: z.string(),
        status: z.enum(['applied', 'failed']),
        state: z.string().optional(),
        version: z.int().optional(),
        problem: z
          .object({
            type: z.string(),
            title: z.string(),
            status: z.int(),
            detail: z.string(),
            errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
          })
          .optional(),
      }),
    ),
  }),
  'One result per decision, in order; each decision is atomic on its own',
);

const figures = {
  committedCents: z.int(),
  committedCount: z.int(),
  pendingCents: z.int(),
  pendingCount: z.int(),
};
add(
  'BudgetView',
  z.object({
    workflow: z.string(),
    periods: z.array(
      z.object({
        id: z.string(),
        from: z.iso.date(),
        to: z.iso.date(),
        budgetCents: z.int(),
        ...figures,
        remainingCents: z.int(),
        groups: z.record(z.string(), z.object(figures)),
      }),
    ),
    batch: z
      .object({
        sessionId: uuid,
        count: z.int(),
        amountCents: z.int(),
        remainingAfterCents: z.int().nullable(),
      })
      .nullable(),
  }),
  'Committed and pending funding per period (Förderperiode), in integer cents',
);

const Workflow = add(
  'Workflow',
  z.object({
    id: z.string(),
    version: z.int(),
    newProfiles: z.boolean().describe('New profiles of this workflow start on this version'),
    migration: z
      .object({ from: z.int(), states: z.record(z.string(), z.string()) })
      .nullable()
      .describe('The version this one takes over, and which state each of its states becomes (unmapped: refused)'),
    label: Label,
    initial: z.string().nullable(),
    states: z.array(z.object({ id: z.string(), label: Label, final: z.boolean(), events: z.array(z.string()) })),
    events: z.array(
      z.object({
        type: z.string(),
        label: Label,
        roles: z.union([z.array(z.string()), z.record(z.string(), z.array(z.string()))]),
      }),
    ),
    roles: z.array(z.object({ id: z.string(), label: Label, scope: z.looseObject({ kind: z.string() }) })),
    diagram: z.string().describe('Mermaid state diagram'),
  }),
);
add('WorkflowList', z.object({ items: z.array(Workflow) }));

const check = z.enum(['ok', 'down']);
add('Readiness', z.object({ checks: z.object({ postgres: check, redis: check }) }));
add('CreatedUser', z.object({ id: uuid, token: z.string().describe('Shown once / wird nur einmal angezeigt') }));
add('Token', z.object({ token: z.string().describe('Shown once / wird nur einmal angezeigt') }));
add('CalendarUrl', z.object({ url: z.url().describe('Secret feed URL; rotating it revokes the old one') }));
