import type { RegisteredRole } from './access.js';
import {
  DefinitionError,
  type Duration,
  MIGRATION_NOTICE_TEMPLATE,
  type RoleSpec,
  type WorkflowDefinition,
} from './definition.js';
import { noticeProblems } from './definition-checks.js';
import { NotFound } from './errors.js';

/** Per-deployment deadline overrides: workflow id → task kind or state → duration. */
export type DeadlineOverrides = Record<string, Record<string, Duration>>;

export interface WorkflowRegistry {
  /** A workflow's version; without a version, the one new profiles start on (see `defaultVersion`). */
  get(id: string, version?: number): WorkflowDefinition;
  has(id: string): boolean;
  /** Each workflow once, in the version new profiles start on. */
  list(): WorkflowDefinition[];
  /** Every registered version of a workflow, oldest first (empty for an unknown id). */
  versions(id: string): WorkflowDefinition[];
  /** The version new profiles of the workflow start on: the configured one, else the latest. */
  defaultVersion(id: string): number;
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

export interface RegistryOptions {
  deadlines?: DeadlineOverrides;
  /** The workflow of requests that name none; the first definition's by default. */
  defaultWorkflowId?: string;
  /** Per workflow id, the version new profiles start on; the latest registered version where not given. */
  defaultVersions?: Readonly<Record<string, number>>;
  /**
   * The notice templates the deployment can render. When given, every template a definition's
   * notifications send on any transition (and the migration notice, for a definition with migrations)
   * must be one of them.
   */
  noticeTemplates?: readonly string[];
}

export function createRegistry(
  definitions: WorkflowDefinition[],
  {
    deadlines = {},
    defaultWorkflowId = definitions[0]?.id,
    defaultVersions = {},
    noticeTemplates,
  }: RegistryOptions = {},
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
  if (!byId.has(defaultWorkflowId))
    throw new DefinitionError(`default workflow ${defaultWorkflowId} is not registered`);
  for (const [id, version] of Object.entries(defaultVersions)) {
    if (!byId.get(id)?.has(version))
      throw new DefinitionError(`workflow ${id}@${version}: configured for new profiles but not registered`);
  }
  const known = noticeTemplates ? new Set(noticeTemplates) : null;
  for (const d of definitions) {
    const problems = known ? noticeProblems(d, known) : [];
    const migration = d.migrations;
    if (migration) {
      const source = byId.get(d.id)?.get(migration.from);
      if (!source) problems.push(`migration from version ${migration.from}, which is not registered`);
      for (const state of Object.keys(migration.states)) {
        if (source && !source.machine.root.states[state])
          problems.push(`migration maps state "${state}", which version ${migration.from} does not have`);
      }
      if (known && !known.has(MIGRATION_NOTICE_TEMPLATE))
        problems.push(`migration notice template "${MIGRATION_NOTICE_TEMPLATE}" is unknown`);
    }
    if (problems.length) throw new DefinitionError(`workflow ${d.id}@${d.version}: ${problems.join('; ')}`);
  }
  const sorted = (id: string) => [...(byId.get(id)?.values() ?? [])].sort((a, b) => a.version - b.version);
  const defaultVersion = (id: string) => defaultVersions[id] ?? sorted(id).at(-1)?.version ?? 0;
  const current = (id: string) => byId.get(id)?.get(defaultVersion(id));
  return {
    defaultWorkflowId,
    roles,
    has: (id) => byId.has(id),
    list: () => [...byId.keys()].map((id) => current(id) as WorkflowDefinition),
    versions: sorted,
    defaultVersion,
    get(id, version) {
      const found = version === undefined ? current(id) : byId.get(id)?.get(version);
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
