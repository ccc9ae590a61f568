import type { RoleGrant } from '@steckbrief/db';
import type { ActorInfo, RoleSpec } from './definition.js';
import { attributeScope, ownerKey, ownerScope, resolveScope } from './keys.js';

/** A role as the registry knows it: its spec and, where known, the workflows that declare it. */
export interface RegisteredRole extends RoleSpec {
  workflows?: readonly string[];
}

/** The authenticated caller. `userId` is null only for the bootstrap admin token. */
export interface Actor {
  userId: string | null;
  organisation: string | null;
  grants: RoleGrant[];
}

export interface ProfileAccessFacts {
  /** The profile's workflow: a role reaches only profiles of the workflows that declare it. */
  workflow_id?: string;
  owner_key: string;
  scope: Record<string, string[]>;
  submitted_at: Date | null;
}

export function hasRole(actor: Actor, role: string): boolean {
  return actor.grants.some((g) => g.role === role);
}

/** Profiles belong to an organisation when the applicant has one, else to the applicant personally. */
export function ownerKeyOf(actor: Pick<Actor, 'userId' | 'organisation'>): string {
  return ownerKey(actor);
}

/** Does this grant reach this profile? Non-owner roles see a profile only once it was submitted. */
export function grantReaches(
  grant: RoleGrant,
  spec: RegisteredRole | undefined,
  actor: Actor,
  profile: ProfileAccessFacts,
): boolean {
  if (!spec || !actor.userId) return false;
  // A role scoped `all` in one workflow does not reach the profiles of another workflow.
  if (spec.workflows && profile.workflow_id !== undefined && !spec.workflows.includes(profile.workflow_id))
    return false;
  switch (spec.scope.kind) {
    case 'owner':
      return profile.owner_key === ownerKeyOf(actor);
    case 'all':
      return profile.submitted_at !== null;
    case 'attribute': {
      const value = grant[spec.scope.attribute];
      return (
        profile.submitted_at !== null &&
        value !== undefined &&
        (profile.scope[spec.scope.attribute] ?? []).includes(String(value))
      );
    }
  }
}

export function canSee(roles: ReadonlyMap<string, RegisteredRole>, actor: Actor, profile: ProfileAccessFacts): boolean {
  return actor.grants.some((g) => grantReaches(g, roles.get(g.role), actor, profile));
}

/**
 * Does the actor see this profile only as its owner (every grant that reaches it is owner-scoped)? Then
 * internal parts, such as the reviewing bodies' working texts, are left out of what they are shown.
 */
export function seesOnlyAsOwner(
  roles: ReadonlyMap<string, RegisteredRole>,
  actor: Actor,
  profile: ProfileAccessFacts,
): boolean {
  const reaching = actor.grants.filter((g) => grantReaches(g, roles.get(g.role), actor, profile));
  return reaching.length > 0 && reaching.every((g) => roles.get(g.role)?.scope.kind === 'owner');
}

/** The roles (out of `roles`) the actor holds with a scope that reaches this profile. */
export function reachingRoles(
  roles: ReadonlyMap<string, RegisteredRole>,
  actor: Actor,
  profile: ProfileAccessFacts,
  wanted: readonly string[],
): string[] {
  return actor.grants
    .filter((g) => wanted.includes(g.role) && grantReaches(g, roles.get(g.role), actor, profile))
    .map((g) => g.role);
}

/**
 * The task groups an actor belongs to, as (assignee_role, assignee_scope) pairs matching the tasks
 * table. Used for the inbox and for claim/release checks.
 */
export function taskGroupsOf(roles: ReadonlyMap<string, RegisteredRole>, actor: Actor): Array<[string, string]> {
  const groups: Array<[string, string]> = [];
  if (!actor.userId) return groups;
  for (const g of actor.grants) {
    const spec = roles.get(g.role);
    if (!spec) continue;
    if (spec.scope.kind === 'all') groups.push([g.role, '']);
    else if (spec.scope.kind === 'owner') groups.push([g.role, ownerScope(ownerKeyOf(actor))]);
    else if (g[spec.scope.attribute] !== undefined) {
      groups.push([g.role, attributeScope(spec.scope.attribute, String(g[spec.scope.attribute]))]);
    }
  }
  return groups;
}

/** Resolve a task spec's scope (`owner`, `attr:value` or none) to the stored assignee_scope. */
export function assigneeScope(scope: string | undefined, ownerKeyOfProfile: string): string {
  return resolveScope(scope, ownerKeyOfProfile);
}

export function actorInfo(actor: Actor): ActorInfo {
  return { userId: actor.userId ?? '', organisation: actor.organisation, grants: actor.grants };
}
