import { z } from 'zod';

/**
 * The payload of an outbox row with topic `transition` (decisions 005 and 010): every side effect of
 * one history entry. The engine's writer (writer.ts) is the only code that builds it, typed with
 * `ProfileChangePayloadInput`; the worker parses it with `profileChangePayload` (through the job
 * schema of `@steckbrief/queues`). There is no second description of it.
 */

/** A recipient group: a role and a group scope within it (see keys.ts). */
const recipientGroup = z.object({ role: z.string().min(1), scope: z.string() });

/** An instant (as `Date.toISOString()` writes it, or with an offset as PostgreSQL's JSON does), read back as a Date. */
const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/** A notice to a recipient group; `cause` (keys.ts `noticeCause`) keys its mails and their Message-IDs. */
const noticeEffect = z.object({
  cause: z.string().min(1),
  template: z.string().min(1),
  recipients: recipientGroup,
});

/**
 * What the entry did to a task: opened it (with its due date, for the deadline timers, and its assignee
 * group, for the notices that list the tasks opened for their group), moved its due date, or closed it.
 */
const taskEffect = z.discriminatedUnion('change', [
  z.object({
    change: z.literal('opened'),
    taskId: z.uuid(),
    kind: z.string().min(1),
    dueAt: instant.nullable(),
    assignee: recipientGroup,
  }),
  z.object({ change: z.literal('due'), taskId: z.uuid(), kind: z.string().min(1), dueAt: instant.nullable() }),
  z.object({
    change: z.literal('closed'),
    taskId: z.uuid(),
    kind: z.string().min(1),
    status: z.enum(['done', 'cancelled']),
  }),
]);

export const profileChangePayload = z.object({
  profileId: z.uuid(),
  workflow: z.string().min(1),
  /** The history entry's seq (= the profile's version after the change). */
  seq: z.number().int().positive(),
  event: z.string().min(1),
  from: z.string().nullable(),
  to: z.string().min(1),
  notices: z.array(noticeEffect),
  tasks: z.array(taskEffect),
});

/** The payload as the writer builds it (instants as ISO strings). */
export type ProfileChangePayloadInput = z.input<typeof profileChangePayload>;
/** The payload as the worker reads it (instants as Dates). */
export type ProfileChangePayload = z.output<typeof profileChangePayload>;
