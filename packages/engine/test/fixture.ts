import type { RoleGrant } from '@steckbrief/db';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import type { Actor } from '../src/access.js';
import { defineWorkflow, type EngineEvent, type Label, type TaskSpec } from '../src/definition.js';
import type { StoredSnapshot } from '../src/machine.js';
import type { LoadedProfile } from '../src/store.js';
import type { OpenTask } from '../src/tasks.js';

/**
 * A small review pipeline that exercises every engine feature without being any real one:
 * an owner-scoped applicant, an office that sees every submitted profile, and panels scoped by an
 * attribute; per-state event roles, a guard with an explanation, a self-transition, a root event
 * and final states.
 */
export const PANELS = ['north', 'south'] as const;

export interface ReviewContext {
  panel: (typeof PANELS)[number] | null;
  comments: number;
}

const L = (de: string, en: string): Label => ({ de, en });
const titled = (data: Record<string, unknown>) => typeof data.title === 'string' && data.title.length > 0;

export const reviewMachine = setup({
  types: {} as { context: ReviewContext; events: EngineEvent<Record<string, any>> },
  guards: {
    hasTitle: ({ event }) => titled(event.data),
    approves: ({ event }) => event.payload.verdict === 'approve',
    rejects: ({ event }) => event.payload.verdict === 'reject',
  },
  actions: {
    takePanel: assign({ panel: ({ event }) => event.payload.panel }),
    countComment: assign({ comments: ({ context }) => context.comments + 1 }),
  },
}).createMachine({
  id: 'review',
  initial: 'draft',
  context: { panel: null, comments: 0 },
  on: { WITHDRAW: '.withdrawn' },
  states: {
    draft: { on: { SUBMIT: { target: 'submitted', guard: 'hasTitle' } } },
    submitted: {
      on: {
        ASSIGN: { target: 'review', actions: 'takePanel' },
        COMMENT: { actions: 'countComment' },
      },
    },
    review: {
      on: {
        DECIDE: [
          { target: 'approved', guard: 'approves' },
          { target: 'rejected', guard: 'rejects' },
        ],
        COMMENT: { actions: 'countComment' },
      },
    },
    approved: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});

export const review = defineWorkflow({
  id: 'review',
  version: 1,
  label: L('Prüfung', 'Review'),
  machine: reviewMachine,
  roles: {
    applicant: { label: L('Antragsteller', 'Applicant'), scope: { kind: 'owner' } },
    office: { label: L('Geschäftsstelle', 'Office'), scope: { kind: 'all' } },
    panel: {
      label: L('Gremium', 'Panel'),
      scope: {
        kind: 'attribute',
        attribute: 'panel',
        values: z.enum(PANELS),
        labels: { north: L('Gremium Nord', 'North panel'), south: L('Gremium Süd', 'South panel') },
      },
    },
  },
  states: {
    draft: L('Entwurf', 'Draft'),
    submitted: L('Eingereicht', 'Submitted'),
    review: L('In Prüfung', 'In review'),
    approved: L('Angenommen', 'Approved'),
    rejected: L('Abgelehnt', 'Rejected'),
    withdrawn: L('Zurückgezogen', 'Withdrawn'),
  },
  events: {
    SUBMIT: {
      label: L('Einreichen', 'Submit'),
      roles: ['applicant'],
      payload: z.object({}).strict(),
      explain: () => [{ path: 'data.title', message: 'Titel fehlt / Title missing' }],
    },
    ASSIGN: {
      label: L('Zuweisen', 'Assign'),
      roles: ['office'],
      payload: z.object({ panel: z.enum(PANELS) }).strict(),
      fields: {
        panel: {
          label: L('Gremium', 'Panel'),
          values: { north: L('Gremium Nord', 'North panel'), south: L('Gremium Süd', 'South panel') },
        },
      },
    },
    COMMENT: {
      label: L('Kommentieren', 'Comment'),
      roles: { submitted: ['office'], review: ['panel'] },
      payload: z.object({ text: z.string().min(1) }).strict(),
    },
    DECIDE: {
      label: L('Entscheiden', 'Decide'),
      roles: ['panel'],
      payload: z.object({ verdict: z.enum(['approve', 'reject']) }).strict(),
      fields: {
        verdict: {
          label: L('Entscheidung', 'Verdict'),
          values: { approve: L('Annehmen', 'Approve'), reject: L('Ablehnen', 'Reject') },
        },
      },
      outcomeField: 'verdict',
    },
    WITHDRAW: { label: L('Zurückziehen', 'Withdraw'), roles: ['applicant'], payload: z.object({}).strict() },
  },
  data: { draft: z.object({}).passthrough(), complete: z.object({ title: z.string().min(1) }).passthrough() },
  editableStates: ['draft'],
  creatorRoles: ['applicant'],
  deadlineRoles: ['office'],
  submitEvents: ['SUBMIT'],
  taskKinds: {
    complete: L('Vervollständigen', 'Complete'),
    triage: L('Sichten', 'Triage'),
    decide: L('Entscheiden', 'Decide'),
  },
  tasks({ state, context }): TaskSpec[] {
    const c = context as ReviewContext;
    switch (state) {
      case 'draft':
        return [{ key: 'draft', kind: 'complete', role: 'applicant', scope: 'owner' }];
      case 'submitted':
        return [{ key: 'triage', kind: 'triage', role: 'office', due: { days: 5 } }];
      case 'review':
        return [{ key: 'decide', kind: 'decide', role: 'panel', scope: `panel:${c.panel}`, due: { days: 10 } }];
      default:
        return [];
    }
  },
  scope({ context }): Record<string, string[]> {
    const c = context as ReviewContext;
    return c.panel ? { panel: [c.panel] } : {};
  },
  notifications({ from, to, openedTasks }) {
    const notices = from !== to ? [{ template: 'state_changed', role: 'applicant', scope: 'owner' }] : [];
    for (const task of openedTasks) {
      if (task.role !== 'applicant')
        notices.push({ template: 'task_assigned', role: task.role, scope: task.scope ?? '' });
    }
    return notices;
  },
  summary(data) {
    return { title: typeof data.title === 'string' ? data.title : null, sponsor: null, amountCents: null };
  },
});

export const OWNER_ORG = 'org-1';
export const OWNER_KEY = `org:${OWNER_ORG}`;
export const PROFILE_ID = '6f1c2a4e-9b7d-4c3e-8a21-0d5e6f7a8b9c';
export const CREATED = new Date('2026-11-02T08:00:00Z');
export const NOW = new Date('2026-11-30T12:00:00Z');

export function actor(grants: RoleGrant[], { userId = 'u-1', organisation = null as string | null } = {}): Actor {
  return { userId, organisation, grants };
}

export const applicant = actor([{ role: 'applicant' }], { userId: 'u-applicant', organisation: OWNER_ORG });
export const office = actor([{ role: 'office' }], { userId: 'u-office' });
export const northPanel = actor([{ role: 'panel', panel: 'north' }], { userId: 'u-north' });
export const southPanel = actor([{ role: 'panel', panel: 'south' }], { userId: 'u-south' });

export function openTask(overrides: Partial<OpenTask> & Pick<OpenTask, 'key' | 'kind' | 'assignee_role'>): OpenTask {
  return {
    id: `task-${overrides.key}`,
    state: 'draft',
    assignee_scope: '',
    due_at: null,
    claimed_by: null,
    created_at: CREATED,
    ...overrides,
  };
}

/** A profile as `loadProfile` returns it, in `state` with the tasks that state opened. */
export function loadedProfile(
  state: string,
  {
    context = { panel: null, comments: 0 } as ReviewContext,
    data = { title: 'Neue Brücke' } as Record<string, unknown>,
    version = 3,
    openTasks,
  }: { context?: ReviewContext; data?: Record<string, unknown>; version?: number; openTasks?: OpenTask[] } = {},
): LoadedProfile {
  const snapshot: StoredSnapshot = { value: state, context };
  const tasks =
    openTasks ??
    review.tasks({ state, context }).map((spec) =>
      openTask({
        key: spec.key,
        kind: spec.kind,
        state,
        assignee_role: spec.role,
        assignee_scope: spec.scope === 'owner' ? `owner:${OWNER_KEY}` : (spec.scope ?? ''),
      }),
    );
  return {
    id: PROFILE_ID,
    workflow_id: 'review',
    workflow_version: 1,
    state,
    version,
    data,
    owner_key: OWNER_KEY,
    scope: review.scope({ state, context, data }),
    submitted_at: state === 'draft' ? null : CREATED,
    created_at: CREATED,
    updated_at: CREATED,
    snapshot,
    openTasks: tasks,
  };
}
