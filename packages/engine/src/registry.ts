import type { RegisteredRole } from './access.js';
import { DefinitionError, type Duration, type RoleSpec, type WorkflowDefinition } from './definition.js';
import { NotFound } from './errors.js';

/** Per-deployment deadline overrides: workflow id → task kind or state → duration. */
export type DeadlineOverrides = Record<string, Record<string, Duration>>;

export interface WorkflowRegistry {
  get(id: string, version?: number): WorkflowDefinition;
  has(id: string): boolean;
  list(): WorkflowDefinition[];
  defaultWorkflowId: string;
  /** Roles across all workflows with the workflows declaring each; a role name means the same scope everywhere. */
  roles: ReadonlyMap<string, RegisteredRole>;
  dueFor(
    definition: WorkflowDefinition,
    kind: string,
    state: string,
    fallback: Duration | null | undefined,
  ): Duration | null;
}

/** Engine-level roles that no workflow defines and that never see profile data. */
export const SYSTEM_ROLES = ['admin', 'operator'] as const;

/** What a role's scope means: its kind and, for attribute scopes, which attribute it reaches. */
const scopeKey = (spec: RoleSpec) =>
  spec.scope.kind === 'attribute' ? `attribute:${spec.scope.attribute}` : spec.scope.kind;

export function createRegistry(
  definitions: WorkflowDefinition[],
  { deadlines = {} as DeadlineOverrides, defaultWorkflowId = definitions[0]?.id } = {},
): WorkflowRegistry {
  if (!defaultWorkflowId) throw new DefinitionError('a registry needs at least one workflow');
  const byId = new Map<string, Map<number, WorkflowDefinition>>();
  const roles = new Map<string, RoleSpec & { workflows: string[] }>();
  for (const d of definitions) {
    const versions = byId.get(d.id) ?? new Map();
    if (versions.has(d.version)) throw new DefinitionError(`workflow ${d.id}@${d.version} registered twice`);
    versions.set(d.version, d);
    byId.set(d.id, versions);
    for (const [name, spec] of Object.entries(d.roles)) {
      const known = roles.get(name);
      if (known && scopeKey(known) !== scopeKey(spec)) {
        throw new DefinitionError(`role "${name}" is scoped differently in ${d.id}`);
      }
      if (!known) roles.set(name, { ...spec, workflows: [d.id] });
      else if (!known.workflows.includes(d.id)) known.workflows.push(d.id);
    }
  }
  const latest = (id: string) => {
    const versions = byId.get(id);
    if (!versions) return undefined;
    return versions.get(Math.max(...versions.keys()));
  };
  return {
    defaultWorkflowId,
    roles,
    has: (id) => byId.has(id),
    list: () => [...byId.keys()].map((id) => latest(id) as WorkflowDefinition),
    get(id, version) {
      const found = version === undefined ? latest(id) : byId.get(id)?.get(version);
      if (!found)
        throw new NotFound(`Workflow ${id}${version ? `@${version}` : ''} ist unbekannt. / Unknown workflow.`);
      return found;
    },
    dueFor(definition, kind, state, fallback) {
      const o = deadlines[definition.id];
      return o?.[kind] ?? o?.[state] ?? fallback ?? null;
    },
  };
}
