import type { RoleGrant } from '@steckbrief/db';
import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import { definitionProblems } from './definition-checks.js';
import type { Issue } from './errors.js';
import { presentationProblems, type WorkflowPresentation } from './presentation.js';
import type { RetentionSpec } from './retention-spec.js';

export interface Label {
  de: string;
  en: string;
}

/** Durations are whole days in definitions and overrides: deadlines in this process are counted in days. */
export interface Duration {
  days: number;
}

/**
 * How a role's visibility is scoped:
 * - `all`: every profile once it has been submitted;
 * - `owner`: the profiles of the caller's organisation (or their own), drafts included;
 * - `attribute`: submitted profiles whose scope attribute contains the grant's value
 *   (e.g. grant `{role: 'panel', panel: 'north'}` sees profiles with scope `{panel: ['north']}`).
 */
export type RoleScope =
  | { kind: 'all' }
  | { kind: 'owner' }
  | {
      kind: 'attribute';
      attribute: string;
      values: z.ZodType<string | number>;
      /**
       * The German and English name of each value (keyed as a string: `'4'`, `'north'`), for session headers
       * and mails that name a group. Required for every value of an enumerated schema.
       */
      labels?: Readonly<Record<string, Label>>;
    };

export interface RoleSpec {
  label: Label;
  scope: RoleScope;
}

export interface ActorInfo {
  userId: string;
  organisation: string | null;
  grants: RoleGrant[];
}

/** What the machine receives: the event type, the validated payload, who sends it and the profile's data. */
export interface EngineEvent<P = Record<string, unknown>> {
  type: string;
  payload: P;
  actor: ActorInfo;
  data: Record<string, unknown>;
}

/** How pages, mails and minutes name a payload field and the coded values it takes. */
export interface PayloadFieldSpec {
  label: Label;
  /**
   * The German and English name of each value, keyed by the value as a string (`'positive'`, `'4'`). Every
   * value of an enumerated field (a zod enum or literal, also inside an array or a union's options) needs one:
   * `defineWorkflow` refuses the definition otherwise.
   */
  values?: Readonly<Record<string, Label>>;
}

export interface EventSpec {
  label: Label;
  /** Roles that may send the event: in every state that handles it, or per state. */
  roles: readonly string[] | Readonly<Record<string, readonly string[]>>;
  /** Schema of the event's payload (a strict object: unknown fields are an error). */
  payload: z.ZodType<Record<string, unknown>>;
  /** Why the machine's guard refused the event, for the 422 answer. */
  explain?: (args: { event: EngineEvent; context: any; state: string }) => Issue[];
  /**
   * Payload fields that are internal to the reviewing bodies: the history leaves them out for a viewer who
   * sees the profile only through an owner-scoped role (the applicant), who still sees that the event
   * happened, by whom and when. See docs/decisions/006-history-visibility.md.
   */
  internalPayload?: readonly string[];
  /** The event's free-text comment is internal in the same way (left out for owner-only viewers). */
  internalComment?: boolean;
  /** Labels of the payload's fields and their coded values, in the order they are shown. */
  fields?: Readonly<Record<string, PayloadFieldSpec>>;
  /**
   * The payload field whose value is the decision's outcome (a vote's verdict): minutes count a session's
   * decisions per event and value of this field.
   */
  outcomeField?: string;
}

export interface TaskSpec {
  /** Stable within a profile; tasks are diffed by key after each transition. */
  key: string;
  /** One of the definition's `taskKinds`. */
  kind: string;
  role: string;
  /** `owner`, `<attribute>:<value>` or absent for the whole role. */
  scope?: string;
  due?: Duration | null;
}

export interface TransitionInfo {
  event: string;
  from: string;
  to: string;
  context: any;
  payload: Record<string, unknown>;
  /** Tasks this transition opens, so a definition can notify their groups. */
  openedTasks: TaskSpec[];
}

/** A notice a transition causes, to a recipient group (`scope` as in TaskSpec). */
export interface NotificationSpec {
  template: string;
  role: string;
  scope?: string;
}

/** A kind of meeting that decides on many profiles at once (a panel's session, a committee's session). */
export interface SessionKindSpec {
  label: Label;
  /** States a profile must be in to be put on the agenda. */
  agendaStates: readonly string[];
  /** Sessions of this kind are held per value of this scope attribute (e.g. one per panel). */
  scopeAttribute?: string;
  /** States a favourable decision leads to, counted in the minutes' totals. */
  approvedStates: readonly string[];
  /** Events that defer a profile to the next session of the same kind. */
  deferEvents?: readonly string[];
  /** Roles that take part: they see the session and its minutes and record decisions (each event still checks its own roles). */
  memberRoles: readonly string[];
  /**
   * Orders the agenda: higher ranks first, unranked (null) last; the manager's order breaks ties. Without
   * it the agenda keeps the manager's order.
   */
  rank?: (args: { state: string; context: any; data: Record<string, unknown> }) => number | null;
  /**
   * Cut-off before each session: a profile submitted later than this many days before the session's date
   * waits for a later session (it cannot be put on this agenda). Carried-over profiles are not affected.
   */
  cutOff?: Duration;
}

/**
 * The notice template of a migration (one notice to the applicant per migrated profile, see migrate.ts). A
 * registry built with the deployment's notice templates refuses a definition with migrations if the
 * deployment cannot render it.
 */
export const MIGRATION_NOTICE_TEMPLATE = 'workflow_migrated';

/**
 * How the profiles of an earlier version of the same workflow move onto this one
 * (`pnpm steckbrief workflows migrate <id> --to <version>`): each state of version `from` that can be
 * carried over names its state here. A profile in a state without a mapping is refused and keeps
 * running on its version.
 */
export interface WorkflowMigration {
  from: number;
  states: Readonly<Record<string, string>>;
  /** The context the profile continues with in this version; without it the context is kept as it is. */
  context?: (args: { state: string; context: any }) => unknown;
}

export interface WorkflowDefinition {
  id: string;
  /** Profiles keep the version they started on; the registry holds every version still running. */
  version: number;
  label: Label;
  machine: AnyStateMachine;
  roles: Readonly<Record<string, RoleSpec>>;
  states: Readonly<Record<string, Label>>;
  events: Readonly<Record<string, EventSpec>>;
  /** `draft` checks types while a profile is edited; `complete` is what submission requires. */
  data: { draft: z.ZodType<Record<string, unknown>>; complete: z.ZodType<Record<string, unknown>> };
  /** States in which the owner may edit the profile's data. */
  editableStates: readonly string[];
  /** Roles that may create profiles of this workflow (their owner-scoped role). */
  creatorRoles: readonly string[];
  /** Roles that may move a task's due date. */
  deadlineRoles: readonly string[];
  /** Events that submit a profile: from then on, roles scoped `all` or by attribute can see it. */
  submitEvents: readonly string[];
  /** Labels of the task kinds `tasks()` produces. */
  taskKinds: Readonly<Record<string, Label>>;
  tasks(args: { state: string; context: any }): TaskSpec[];
  /** Visibility attributes of a profile, e.g. `{panel: ['north'], department: ['roads']}`. */
  scope(args: { state: string; context: any; data: Record<string, unknown> }): Record<string, string[]>;
  notifications(transition: TransitionInfo): NotificationSpec[];
  /** Title, sponsor and requested amount (integer cents) of a profile, for lists, inboxes, minutes and budgets. */
  summary(data: Record<string, unknown>): { title: string | null; sponsor: string | null; amountCents: number | null };
  sessions?: Readonly<Record<string, SessionKindSpec>>;
  /** How long profiles and their personal data are kept (retention.ts; defaults in DEFAULT_RETENTION). */
  retention?: Partial<RetentionSpec>;
  /** Roles that plan sessions and their agendas. */
  sessionManagerRoles?: readonly string[];
  /** How funding is counted for the budget view. */
  budget?: {
    /** States whose profiles count as committed, dated by when they entered the state. */
    committedStates: readonly string[];
    /** States whose profiles count as pending (in the pipeline, not yet committed). */
    pendingStates: readonly string[];
    /** Scope attribute to break the figures down by (e.g. 'panel'). */
    groupBy?: string;
    /** The workflow's own funding periods; without them the deployment's configured periods apply. */
    periods?: ReadonlyArray<{ id: string; from: string; to: string; budgetCents: number }>;
  };
  /** How the web pages show this workflow's profiles (question pages, state tags, public pages); data only. */
  presentation?: WorkflowPresentation;
  /** How profiles of the previous version are carried over to this one. */
  migrations?: WorkflowMigration;
}

/**
 * The workflow's labels of these roles, joined for messages such as "only … may": the engine names no
 * body of any pipeline itself.
 */
export function roleLabels(definition: WorkflowDefinition, roles: readonly string[], lang: keyof Label): string {
  return roles.map((r) => definition.roles[r]?.label[lang] ?? r).join(', ');
}

/** A payload field's labelled values as given (one for a single value, several for a list), in German and English. */
export interface PayloadValue {
  field: string;
  label: Label;
  values: Label[];
}

/**
 * The labelled fields of an event's payload, in the order of the event's `fields`: each value with its
 * label from the definition (a value without one is shown as itself), and numbers. Free text and fields
 * without a spec are left out, so reasons and statements never appear where only the decision is meant to.
 */
export function describePayload(spec: EventSpec | undefined, payload: unknown): PayloadValue[] {
  if (!spec?.fields || payload === null || typeof payload !== 'object') return [];
  const given = payload as Record<string, unknown>;
  const described: PayloadValue[] = [];
  for (const [field, fieldSpec] of Object.entries(spec.fields)) {
    const raw = given[field];
    if (raw === undefined || raw === null) continue;
    const list = Array.isArray(raw) ? raw : [raw];
    // Without value labels only numbers are shown as they are (a priority); strings there are free text.
    if (!list.length || (!fieldSpec.values && !list.every((v) => typeof v === 'number'))) continue;
    described.push({
      field,
      label: fieldSpec.label,
      values: list.map((v) => fieldSpec.values?.[String(v)] ?? { de: String(v), en: String(v) }),
    });
  }
  return described;
}

/** Zod 4 keeps a schema's structure in `_zod.def`; only the parts read here are typed. */
interface SchemaDef {
  type: string;
  innerType?: unknown;
  element?: unknown;
  options?: unknown[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  shape?: Record<string, unknown>;
  in?: unknown;
}

const defOf = (schema: unknown): SchemaDef | undefined => (schema as { _zod?: { def?: SchemaDef } })?._zod?.def;

/** The values an enumerated field can take (enums and literals, through wrappers, arrays and unions). */
function enumeratedValues(schema: unknown): string[] {
  const def = defOf(schema);
  if (!def) return [];
  switch (def.type) {
    case 'enum':
      return Object.values(def.entries ?? {}).map(String);
    case 'literal':
      return (def.values ?? []).map(String);
    case 'array':
      return enumeratedValues(def.element);
    case 'union':
      return (def.options ?? []).flatMap(enumeratedValues);
    case 'pipe':
      return enumeratedValues(def.in);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return enumeratedValues(def.innerType);
    default:
      return [];
  }
}

/** The enumerated fields of a payload schema (an object, or a union of objects) and their values. */
export function payloadEnumerations(schema: unknown): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const visit = (s: unknown) => {
    const def = defOf(s);
    if (!def) return;
    if (def.type === 'object') {
      for (const [field, fieldSchema] of Object.entries(def.shape ?? {})) {
        const values = enumeratedValues(fieldSchema);
        if (!values.length) continue;
        const set = found.get(field) ?? new Set<string>();
        for (const v of values) set.add(v);
        found.set(field, set);
      }
    } else if (def.type === 'union') for (const option of def.options ?? []) visit(option);
    else if (def.type === 'pipe') visit(def.in);
  };
  visit(schema);
  return found;
}

const labelled = (label: Label | undefined) => Boolean(label?.de?.trim() && label?.en?.trim());

/** Every enumerated payload value of an event needs a German and an English label; the outcome field must exist. */
function payloadLabelProblems(type: string, spec: EventSpec): string[] {
  const problems: string[] = [];
  for (const [field, values] of payloadEnumerations(spec.payload)) {
    const fieldSpec = spec.fields?.[field];
    if (!labelled(fieldSpec?.label)) problems.push(`event "${type}" payload field "${field}" has no label`);
    for (const value of values) {
      if (!labelled(fieldSpec?.values?.[value]))
        problems.push(`event "${type}" payload field "${field}" value "${value}" has no German and English label`);
    }
  }
  if (spec.outcomeField && !spec.fields?.[spec.outcomeField]?.values)
    problems.push(`event "${type}" names outcome field "${spec.outcomeField}" without value labels`);
  return problems;
}

/** The label of a scope attribute's value (a panel, a region), from the first role scoped by it that has one. */
export function scopeValueLabel(definition: WorkflowDefinition, attribute: string, value: string): Label | null {
  for (const role of Object.values(definition.roles)) {
    const scope = role.scope;
    if (scope.kind === 'attribute' && scope.attribute === attribute && scope.labels?.[value])
      return scope.labels[value];
  }
  return null;
}

export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
}

/** The event types a machine handles anywhere, read from its state nodes. */
export function machineEventTypes(machine: AnyStateMachine): Set<string> {
  const types = new Set<string>();
  const visit = (node: AnyStateMachine['root']) => {
    for (const type of node.transitions.keys()) types.add(type);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return types;
}

export function machineStateIds(machine: AnyStateMachine): string[] {
  return Object.keys(machine.root.states);
}

/**
 * Check a definition for consistency once, at load time: every state and event has labels and specs,
 * every referenced role exists. A broken definition fails at start, never in the middle of a request.
 */
export function defineWorkflow<D extends WorkflowDefinition>(definition: D): D {
  const problems: string[] = [];
  const states = machineStateIds(definition.machine);
  for (const state of states) {
    if (!definition.states[state]) problems.push(`state "${state}" has no label`);
  }
  for (const type of machineEventTypes(definition.machine)) {
    if (!definition.events[type]) problems.push(`event "${type}" has no event spec`);
  }
  for (const [type, spec] of Object.entries(definition.events)) {
    const roles = Array.isArray(spec.roles) ? spec.roles : Object.values(spec.roles).flat();
    for (const role of roles) {
      if (!definition.roles[role]) problems.push(`event "${type}" names unknown role "${role}"`);
    }
    const shape = (spec.payload as { shape?: Record<string, unknown> } | undefined)?.shape;
    for (const field of spec.internalPayload ?? []) {
      if (shape && !(field in shape)) problems.push(`event "${type}" marks unknown payload field "${field}" internal`);
    }
    problems.push(...payloadLabelProblems(type, spec));
    if (!Array.isArray(spec.roles)) {
      for (const state of Object.keys(spec.roles)) {
        if (!states.includes(state)) problems.push(`event "${type}" names unknown state "${state}"`);
      }
    }
  }
  for (const [name, role] of Object.entries(definition.roles)) {
    if (role.scope.kind !== 'attribute') continue;
    for (const value of new Set(enumeratedValues(role.scope.values))) {
      if (!labelled(role.scope.labels?.[value]))
        problems.push(`role "${name}" scope value "${value}" has no German and English label`);
    }
  }
  if (definition.presentation)
    problems.push(...presentationProblems(definition.presentation, states, Object.keys(definition.events)));
  for (const state of definition.editableStates) {
    if (!states.includes(state)) problems.push(`editable state "${state}" is not a state`);
  }
  for (const state of [...(definition.retention?.closedStates ?? []), ...(definition.retention?.keptStates ?? [])]) {
    if (!states.includes(state)) problems.push(`retention names unknown state "${state}"`);
  }
  problems.push(...definitionProblems(definition));
  if (problems.length) {
    throw new DefinitionError(`workflow ${definition.id}@${definition.version}: ${problems.join('; ')}`);
  }
  return definition;
}
