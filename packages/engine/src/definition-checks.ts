import { type AnyStateMachine, initialTransition } from 'xstate';

/**
 * Load-time checks of a definition beyond the labels and role names `defineWorkflow` checks itself:
 * every state reachable, every task's role and kind declared, every event's payload schema present,
 * every label in German and English, a migration mapping onto states that exist; and, once the
 * deployment's notice templates are known (createRegistry), every notice template known. Each problem
 * is one phrase naming the state, event, task or field; the caller prefixes the workflow id and
 * version and throws, so a bad definition stops the process at start.
 */

type StateNode = AnyStateMachine['root'];

/*
 * The parts of a definition (definition.ts `WorkflowDefinition`) these checks read, declared here so that
 * this module does not import definition.ts, which imports it (no import cycles, see .dependency-cruiser.cjs).
 */
interface Label {
  de: string;
  en: string;
}
interface TaskSpec {
  key: string;
  kind: string;
  role: string;
  scope?: string;
}
interface WorkflowDefinition {
  id: string;
  version: number;
  label: Label;
  machine: AnyStateMachine;
  roles: Readonly<Record<string, { label: Label }>>;
  states: Readonly<Record<string, Label>>;
  events: Readonly<
    Record<string, { label: Label; payload: unknown; fields?: Readonly<Record<string, { label: Label }>> }>
  >;
  taskKinds: Readonly<Record<string, Label>>;
  creatorRoles: readonly string[];
  deadlineRoles: readonly string[];
  tasks(args: { state: string; context: any }): TaskSpec[];
  notifications(transition: {
    event: string;
    from: string;
    to: string;
    context: any;
    payload: Record<string, unknown>;
    openedTasks: TaskSpec[];
  }): Array<{ template: string; role: string; scope?: string }>;
  migrations?: { from: number; states: Readonly<Record<string, string>> };
}

const labelled = (label: Label | undefined) =>
  Boolean(typeof label?.de === 'string' && label.de.trim() && typeof label?.en === 'string' && label.en.trim());

const isSchema = (schema: unknown) =>
  typeof (schema as { safeParse?: unknown } | null | undefined)?.safeParse === 'function';

/** The state keys a transition list leads to (itself for a targetless transition). */
function targetsOf(node: StateNode, transitions: Iterable<{ target?: readonly StateNode[] | undefined }>): string[] {
  const keys: string[] = [];
  for (const t of transitions) {
    if (!t.target?.length) keys.push(node.key);
    else for (const target of t.target) keys.push(target.key);
  }
  return keys;
}

/** Every transition of the machine as (from, event, to), root transitions applied to every non-final state. */
export function machineEdges(machine: AnyStateMachine): Array<{ from: string; event: string; to: string }> {
  const edges: Array<{ from: string; event: string; to: string }> = [];
  const root = machine.root;
  for (const [from, node] of Object.entries(root.states)) {
    if (node.type === 'final') continue;
    const own = [...node.transitions.entries()];
    for (const [event, transitions] of [...own, ...root.transitions.entries()]) {
      for (const t of transitions) {
        const targets = t.target?.length ? t.target.map((n) => n.key) : [from];
        for (const to of targets) edges.push({ from, event, to });
      }
    }
    for (const to of targetsOf(node, node.always ?? [])) edges.push({ from, event: '(always)', to });
  }
  return edges;
}

/** The machine's initial state key. */
export function initialStateOf(machine: AnyStateMachine): string | undefined {
  return machine.root.initial?.target?.[0]?.key;
}

/** The machine's initial context, as a profile starts with it (empty if it cannot be computed without input). */
export function initialContextOf(machine: AnyStateMachine): unknown {
  try {
    return initialTransition(machine)[0].context ?? {};
  } catch {
    return {};
  }
}

/** States the machine cannot reach from its initial state. */
function unreachableStates(machine: AnyStateMachine): string[] {
  const initial = initialStateOf(machine);
  const all = Object.keys(machine.root.states);
  if (!initial) return all;
  const edges = machineEdges(machine);
  const reached = new Set([initial]);
  const queue = [initial];
  while (queue.length) {
    const from = queue.shift() as string;
    for (const edge of edges) {
      if (edge.from === from && !reached.has(edge.to)) {
        reached.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return all.filter((s) => !reached.has(s));
}

/**
 * The tasks a state asks for, probed with the machine's initial context (the checks cannot know every
 * context a profile will have; a task that appears only with other context is checked when it is planned).
 */
function probeTasks(definition: WorkflowDefinition, state: string, context: unknown): TaskSpec[] | Error {
  try {
    return definition.tasks({ state, context });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

export function definitionProblems(definition: WorkflowDefinition): string[] {
  const problems: string[] = [];
  const machine = definition.machine;
  const states = Object.keys(machine.root.states);
  const initial = initialStateOf(machine);

  if (!labelled(definition.label)) problems.push('workflow label has no German and English label');
  for (const state of unreachableStates(machine)) {
    problems.push(`state "${state}" is not reachable from "${initial ?? '(no initial state)'}"`);
  }
  for (const [state, label] of Object.entries(definition.states)) {
    if (!states.includes(state)) problems.push(`state label "${state}" names no state of the machine`);
    else if (!labelled(label)) problems.push(`state "${state}" has no German and English label`);
  }
  for (const [type, spec] of Object.entries(definition.events)) {
    if (!isSchema(spec.payload)) problems.push(`event "${type}" has no payload schema`);
    if (!labelled(spec.label)) problems.push(`event "${type}" has no German and English label`);
    for (const [field, fieldSpec] of Object.entries(spec.fields ?? {})) {
      if (!labelled(fieldSpec.label))
        problems.push(`event "${type}" payload field "${field}" has no German and English label`);
    }
  }
  for (const [name, role] of Object.entries(definition.roles)) {
    if (!labelled(role.label)) problems.push(`role "${name}" has no German and English label`);
  }
  for (const [kind, label] of Object.entries(definition.taskKinds)) {
    if (!labelled(label)) problems.push(`task kind "${kind}" has no German and English label`);
  }
  const context = initialContextOf(machine);
  for (const state of states) {
    const tasks = probeTasks(definition, state, context);
    if (tasks instanceof Error) {
      problems.push(`state "${state}" tasks() fails: ${tasks.message.split('\n')[0]}`);
      continue;
    }
    for (const task of tasks) {
      if (!definition.roles[task.role])
        problems.push(`state "${state}" task "${task.key}" names undeclared role "${task.role}"`);
      if (!definition.taskKinds[task.kind])
        problems.push(`state "${state}" task "${task.key}" has undeclared kind "${task.kind}"`);
    }
  }
  for (const role of definition.creatorRoles) {
    if (!definition.roles[role]) problems.push(`creator role "${role}" is not declared`);
  }
  for (const role of definition.deadlineRoles) {
    if (!definition.roles[role]) problems.push(`deadline role "${role}" is not declared`);
  }
  const migration = definition.migrations;
  if (migration) {
    if (!(Number.isInteger(migration.from) && migration.from >= 1 && migration.from < definition.version))
      problems.push(`migration from version ${migration.from} is not an earlier version`);
    for (const [from, to] of Object.entries(migration.states)) {
      if (!states.includes(to)) problems.push(`migration maps state "${from}" onto unknown state "${to}"`);
    }
  }
  return problems;
}

/**
 * Notice templates the definition sends that the deployment does not know, probed on every transition
 * of the machine with its initial context (and the tasks the target state opens).
 */
export function noticeProblems(definition: WorkflowDefinition, known: ReadonlySet<string>): string[] {
  const problems = new Set<string>();
  const context = initialContextOf(definition.machine);
  const tasksIn = (state: string) => {
    const tasks = probeTasks(definition, state, context);
    return tasks instanceof Error ? [] : tasks;
  };
  for (const { from, event, to } of machineEdges(definition.machine)) {
    const before = new Set(from === to ? [] : tasksIn(from).map((t) => t.key));
    const openedTasks = from === to ? [] : tasksIn(to).filter((t) => !before.has(t.key));
    let notices: ReturnType<WorkflowDefinition['notifications']>;
    try {
      notices = definition.notifications({ event, from, to, context, payload: {}, openedTasks });
    } catch (error) {
      problems.add(`event "${event}" from "${from}" notifications() fails: ${String(error).split('\n')[0]}`);
      continue;
    }
    for (const notice of notices) {
      if (!known.has(notice.template))
        problems.add(`event "${event}" from "${from}" to "${to}" sends unknown notice template "${notice.template}"`);
      if (!definition.roles[notice.role])
        problems.add(`event "${event}" from "${from}" notifies undeclared role "${notice.role}"`);
    }
  }
  return [...problems];
}
