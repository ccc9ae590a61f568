import { randomUUID } from 'node:crypto';
import { assigneeScope } from './access.js';
import { MIGRATION_NOTICE_TEMPLATE, type WorkflowDefinition } from './definition.js';
import { Conflict } from './errors.js';
import { resolveScope } from './keys.js';
import { persistSnapshot, type StoredSnapshot } from './machine.js';
import type { WorkflowRegistry } from './registry.js';
import { type LoadedProfile, loadProfile } from './store.js';
import { planTasks } from './tasks.js';
import type { EngineDeps } from './transition.js';
import { type ClosedTask, type DueChange, type ProfileChange, type TaskInsert, writeProfileChange } from './writer.js';

/**
 * Moving running profiles from one version of a workflow to the next (decision 009,
 * `pnpm steckbrief workflows migrate <id> --to <version>`). The target version declares in
 * `migrations` which version it takes over and which state each of that version's states becomes.
 * Each profile moves in ONE profile change through the writer (writer.ts), like a transition:
 *
 * - a `MIGRATE` history entry from the old state to the mapped one, payload `{fromVersion, toVersion}`;
 * - the profile's workflow version, state, snapshot and scope as the target version has them;
 * - its open tasks re-planned for the new state: a task the new version no longer wants is cancelled, one
 *   it wants anew is opened, one it wants under the same key for another kind or group is replaced; a task
 *   kept whose deadline the new version sets differently gets its due date moved by the difference (for a due
 *   date nobody moved: the task's opening plus the new deadline); the outbox row lists it, so the worker
 *   moves its reminders and escalation;
 * - one notice to the applicant (template `workflow_migrated`).
 *
 * A profile whose state has no mapping is refused and reported: it keeps running on its version and can be
 * moved by a later run once it has reached a mapped state. Profiles already on the target version are not
 * touched, so a second run changes nothing. Each profile is moved in its own transaction with its row
 * locked and its version re-checked: a transition that races the migration waits, then fails its version
 * check and is planned again on the new version (transition.ts retries), so neither change is lost.
 */

const DAY_MS = 86_400_000;
export const MIGRATE_EVENT = 'MIGRATE';

export interface MigrationInput {
  workflow: string;
  /** The target version; it must declare `migrations`. */
  to: number;
  /** Report what would happen and change nothing. */
  dryRun?: boolean;
  /** Who runs the migration (the history's actor); null for the operator's command line. */
  actorId?: string | null;
}

export interface TaskMove {
  taskId: string;
  kind: string;
  from: Date | null;
  to: Date | null;
}

export type MigrationOutcome =
  | {
      status: 'migrated' | 'would-migrate';
      profileId: string;
      title: string | null;
      from: string;
      to: string;
      opened: string[];
      closed: string[];
      moved: TaskMove[];
    }
  | { status: 'refused'; profileId: string; title: string | null; from: string; reason: string }
  | { status: 'skipped' | 'failed'; profileId: string; title: string | null; reason: string };

export interface MigrationReport {
  workflow: string;
  fromVersion: number;
  toVersion: number;
  dryRun: boolean;
  /** Profiles already on the target version before this run (not touched). */
  alreadyMigrated: number;
  outcomes: MigrationOutcome[];
}

export type MigrationPlan =
  | { refused: string }
  | { change: ProfileChange; from: string; to: string; opened: string[]; closed: string[]; moved: TaskMove[] };

/** The source and target definitions of a migration to `to`, or Conflict when that version declares none. */
export function migrationDefinitions(
  registry: WorkflowRegistry,
  workflow: string,
  to: number,
): { source: WorkflowDefinition; target: WorkflowDefinition } {
  const target = registry.get(workflow, to);
  if (!target.migrations) {
    throw new Conflict(
      `Version ${to} von ${workflow} beschreibt keine Migration. / Version ${to} of ${workflow} declares no migration.`,
    );
  }
  return { source: registry.get(workflow, target.migrations.from), target };
}

/** Plan moving one profile (on the source version) onto the target version, without touching the database. */
export function planMigration(args: {
  registry: WorkflowRegistry;
  source: WorkflowDefinition;
  target: WorkflowDefinition;
  profile: LoadedProfile;
  now: Date;
  actorId?: string | null;
}): MigrationPlan {
  const { registry, source, target, profile, now } = args;
  const migration = target.migrations;
  const from = profile.state;
  const to = migration?.states[from];
  if (!migration || !to) {
    const label = source.states[from]?.de ?? from;
    return {
      refused: `Status "${label}" (${from}) hat in Version ${target.version} keine Entsprechung. / State ${from} has no mapping in version ${target.version}.`,
    };
  }
  const oldContext = profile.snapshot.context;
  const context = migration.context ? migration.context({ state: from, context: oldContext }) : oldContext;
  const snapshot: StoredSnapshot = persistSnapshot(target.machine.resolveState({ value: to, context }));

  // Tasks by key, as a transition plans them (planTasks); then the kept ones are compared with what the
  // new version asks for under their key.
  const plan = planTasks({
    registry,
    definition: target,
    state: to,
    context,
    current: profile.openTasks,
    ownerKey: profile.owner_key,
    senderRoles: [],
    now,
  });
  const openTasks: TaskInsert[] = plan.open.map(({ spec: _s, claimed_by: _c, created_at: _a, ...t }) => t);
  const closeTasks: ClosedTask[] = plan.close.map(({ task }) => ({
    id: task.id,
    kind: task.kind,
    status: 'cancelled',
  }));
  const dueChanges: DueChange[] = [];
  const moved: TaskMove[] = [];
  const wanted = new Map(target.tasks({ state: to, context }).map((spec) => [spec.key, spec]));
  const before = new Map(source.tasks({ state: from, context: oldContext }).map((spec) => [spec.key, spec]));
  for (const task of profile.openTasks) {
    const spec = wanted.get(task.key);
    if (!spec) continue;
    const due = registry.dueFor(target, spec.kind, to, spec.due);
    const group = assigneeScope(spec.scope, profile.owner_key);
    if (spec.kind !== task.kind || spec.role !== task.assignee_role || group !== task.assignee_scope) {
      // Another task under the same key: the old one is cancelled, the new one opened from now.
      closeTasks.push({ id: task.id, kind: task.kind, status: 'cancelled' });
      openTasks.push({
        id: randomUUID(),
        key: spec.key,
        kind: spec.kind,
        state: to,
        assignee_role: spec.role,
        assignee_scope: group,
        due_at: due ? new Date(now.getTime() + due.days * DAY_MS) : null,
      });
      continue;
    }
    const old = before.get(task.key);
    const oldDue = registry.dueFor(source, task.kind, from, old?.due);
    if ((oldDue?.days ?? null) === (due?.days ?? null)) continue;
    // Moved by the difference between the two deadlines, so a due date someone moved keeps its extension;
    // for a task whose due date nobody moved this is its opening plus the new version's deadline.
    const dueAt = !due
      ? null
      : task.due_at && oldDue
        ? new Date(task.due_at.getTime() + (due.days - oldDue.days) * DAY_MS)
        : new Date(task.created_at.getTime() + due.days * DAY_MS);
    dueChanges.push({ taskId: task.id, kind: task.kind, dueAt });
    moved.push({ taskId: task.id, kind: task.kind, from: task.due_at, to: dueAt });
  }

  const applicantRole = target.creatorRoles[0];
  const change: ProfileChange = {
    profileId: profile.id,
    workflowId: target.id,
    expectedVersion: profile.version,
    at: now,
    history: {
      event: MIGRATE_EVENT,
      from,
      to,
      actorId: args.actorId ?? null,
      payload: { fromVersion: source.version, toVersion: target.version },
      comment: null,
    },
    state: to,
    snapshot,
    scope: target.scope({ state: to, context, data: profile.data }),
    workflowVersion: target.version,
    openTasks,
    closeTasks,
    dueChanges,
    notices: applicantRole
      ? [{ template: MIGRATION_NOTICE_TEMPLATE, role: applicantRole, scope: resolveScope('owner', profile.owner_key) }]
      : [],
  };
  return {
    change,
    from,
    to,
    opened: openTasks.map((t) => t.kind),
    closed: closeTasks.map((t) => t.kind),
    moved,
  };
}

/** Move every profile of the source version that can be moved (or, with `dryRun`, report what would happen). */
export async function migrateProfiles(deps: EngineDeps, input: MigrationInput): Promise<MigrationReport> {
  const { db, registry, now = () => new Date() } = deps;
  const { source, target } = migrationDefinitions(registry, input.workflow, input.to);
  const dryRun = input.dryRun ?? false;
  const candidates = await db
    .selectFrom('profiles')
    .select(['id', 'title'])
    .where('workflow_id', '=', target.id)
    .where('workflow_version', '=', source.version)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const { count } = await db
    .selectFrom('profiles')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('workflow_id', '=', target.id)
    .where('workflow_version', '=', target.version)
    .executeTakeFirstOrThrow();
  const outcomes: MigrationOutcome[] = [];
  for (const { id, title } of candidates) {
    const skipped = (reason: string): MigrationOutcome => ({ status: 'skipped', profileId: id, title, reason });
    const outcome = await migrateOne(id, title, skipped).catch(
      (error: unknown): MigrationOutcome => ({
        status: 'failed',
        profileId: id,
        title,
        reason: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
      }),
    );
    if (outcome.status === 'migrated') deps.onTransition?.({ workflow: target.id, event: MIGRATE_EVENT });
    outcomes.push(outcome);
  }
  return {
    workflow: target.id,
    fromVersion: source.version,
    toVersion: target.version,
    dryRun,
    alreadyMigrated: Number(count),
    outcomes,
  };

  /** One profile in its own transaction; an error rolls back this profile only. */
  function migrateOne(id: string, title: string | null, skipped: (reason: string) => MigrationOutcome) {
    return db.transaction().execute(async (trx): Promise<MigrationOutcome> => {
      // The row lock makes a concurrent transition wait for this one (and then fail its version check).
      const locked = await trx
        .selectFrom('profiles')
        .select(['workflow_version'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!locked) return skipped('Profil gelöscht. / Profile deleted.');
      if (locked.workflow_version !== source.version) {
        return skipped(
          `Bereits auf Version ${locked.workflow_version}. / Already on version ${locked.workflow_version}.`,
        );
      }
      const profile = await loadProfile(trx, id);
      if (!profile) return skipped('Profil gelöscht. / Profile deleted.');
      const plan = planMigration({ registry, source, target, profile, now: now(), actorId: input.actorId });
      if ('refused' in plan)
        return { status: 'refused', profileId: id, title, from: profile.state, reason: plan.refused };
      const result = {
        status: dryRun ? ('would-migrate' as const) : ('migrated' as const),
        profileId: id,
        title,
        from: plan.from,
        to: plan.to,
        opened: plan.opened,
        closed: plan.closed,
        moved: plan.moved,
      };
      if (dryRun) return result;
      if (!(await writeProfileChange(trx, plan.change))) {
        // Cannot happen while the row is locked; reported rather than retried.
        return skipped('Profil wurde gleichzeitig geändert. / Profile changed concurrently.');
      }
      return result;
    });
  }
}
