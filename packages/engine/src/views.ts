import { type Actor, reachingRoles } from './access.js';
import type { Label, WorkflowDefinition } from './definition.js';
import { eventsHandledIn } from './machine.js';
import type { WorkflowRegistry } from './registry.js';
import type { OpenTask } from './tasks.js';

export interface TaskView {
  id: string;
  key: string;
  kind: string;
  label: Label;
  state: string;
  role: string;
  scope: string | null;
  dueAt: string | null;
  claimedBy: string | null;
  createdAt: string;
}

export interface ProfileView {
  id: string;
  workflow: string;
  workflowVersion: number;
  state: string;
  stateLabel: Label;
  version: number;
  data: Record<string, unknown>;
  tasks: TaskView[];
  availableEvents: Array<{ type: string; label: Label }>;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

export interface ProfileFacts {
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

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function taskLabel(definition: WorkflowDefinition, kind: string): Label {
  return definition.taskKinds[kind] ?? { de: kind, en: kind };
}

export function taskView(definition: WorkflowDefinition, t: OpenTask): TaskView {
  return {
    id: t.id,
    key: t.key,
    kind: t.kind,
    label: taskLabel(definition, t.kind),
    state: t.state,
    role: t.assignee_role,
    scope: t.assignee_scope || null,
    dueAt: iso(t.due_at),
    claimedBy: t.claimed_by,
    createdAt: iso(t.created_at) as string,
  };
}

/** Events this actor could send now: handled in the state and sendable by one of their reaching roles. */
export function availableEvents(
  registry: WorkflowRegistry,
  definition: WorkflowDefinition,
  actor: Actor,
  profile: ProfileFacts,
): Array<{ type: string; label: Label }> {
  const out: Array<{ type: string; label: Label }> = [];
  for (const type of eventsHandledIn(definition, profile.state)) {
    const spec = definition.events[type];
    if (!spec) continue;
    if (reachingRoles(registry.roles, actor, profile, rolesFor(spec.roles, profile.state)).length) {
      out.push({ type, label: spec.label });
    }
  }
  return out;
}

export function rolesFor(roles: readonly string[] | Readonly<Record<string, readonly string[]>>, state: string) {
  return Array.isArray(roles)
    ? (roles as readonly string[])
    : ((roles as Record<string, readonly string[]>)[state] ?? []);
}

export function allRolesOf(roles: readonly string[] | Readonly<Record<string, readonly string[]>>): string[] {
  return Array.isArray(roles) ? [...roles] : [...new Set(Object.values(roles).flat())];
}

export function profileView(
  registry: WorkflowRegistry,
  definition: WorkflowDefinition,
  actor: Actor,
  profile: ProfileFacts,
  openTasks: OpenTask[],
): ProfileView {
  return {
    id: profile.id,
    workflow: profile.workflow_id,
    workflowVersion: profile.workflow_version,
    state: profile.state,
    stateLabel: definition.states[profile.state] ?? { de: profile.state, en: profile.state },
    version: profile.version,
    data: profile.data,
    tasks: openTasks.map((t) => taskView(definition, t)),
    availableEvents: availableEvents(registry, definition, actor, profile),
    createdAt: iso(profile.created_at) as string,
    updatedAt: iso(profile.updated_at) as string,
    submittedAt: iso(profile.submitted_at),
  };
}
