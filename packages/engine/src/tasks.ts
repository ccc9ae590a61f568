import { randomUUID } from 'node:crypto';
import type { TaskStatus } from '@steckbrief/db';
import { assigneeScope } from './access.js';
import type { TaskSpec, WorkflowDefinition } from './definition.js';
import type { WorkflowRegistry } from './registry.js';

const DAY_MS = 86_400_000;

export interface OpenTask {
  id: string;
  key: string;
  kind: string;
  state: string;
  assignee_role: string;
  assignee_scope: string;
  due_at: Date | null;
  claimed_by: string | null;
  created_at: Date;
}

export interface TaskToOpen extends OpenTask {
  spec: TaskSpec;
}

export interface TaskPlan {
  open: TaskToOpen[];
  close: Array<{ task: OpenTask; status: TaskStatus }>;
  /** Open tasks after the transition, in creation order. */
  remaining: OpenTask[];
}

/**
 * Diff the tasks a state wants against those that are open. Tasks are matched by key, so a task that
 * stays wanted (one group's review while another group answers) keeps its id, due date and claim.
 * A closed task counts as `done` when the sender belongs to its group, else `cancelled`.
 */
export function planTasks(args: {
  registry: WorkflowRegistry;
  definition: WorkflowDefinition;
  state: string;
  context: unknown;
  current: OpenTask[];
  ownerKey: string;
  senderRoles: readonly string[];
  now: Date;
}): TaskPlan {
  const { registry, definition, state, context, current, ownerKey, senderRoles, now } = args;
  const wanted = definition.tasks({ state, context });
  const wantedKeys = new Set(wanted.map((t) => t.key));
  const currentKeys = new Set(current.map((t) => t.key));
  const close = current
    .filter((t) => !wantedKeys.has(t.key))
    .map((task) => ({ task, status: (senderRoles.includes(task.assignee_role) ? 'done' : 'cancelled') as TaskStatus }));
  const open = wanted
    .filter((spec) => !currentKeys.has(spec.key))
    .map((spec): TaskToOpen => {
      const due = registry.dueFor(definition, spec.kind, state, spec.due);
      return {
        id: randomUUID(),
        key: spec.key,
        kind: spec.kind,
        state,
        assignee_role: spec.role,
        assignee_scope: assigneeScope(spec.scope, ownerKey),
        due_at: due ? new Date(now.getTime() + due.days * DAY_MS) : null,
        claimed_by: null,
        created_at: now,
        spec,
      };
    });
  const remaining = [...current.filter((t) => wantedKeys.has(t.key)), ...open.map(({ spec: _spec, ...t }) => t)];
  return { open, close, remaining };
}
