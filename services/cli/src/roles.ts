import { type NewUser, newUserSchema } from '@steckbrief/accounts';
import type { RoleGrant } from '@steckbrief/db';
import { SYSTEM_ROLES, type WorkflowRegistry } from '@steckbrief/engine';

/** The `--role` forms the deployed workflows accept: `<role>` or `<role>:<attribute>`, then the system roles. */
export function roleOptionHelp(registry: WorkflowRegistry): string {
  const roles = [...registry.roles.entries()].map(([name, spec]) =>
    spec.scope.kind === 'attribute' ? `${name}:<${spec.scope.attribute}>` : name,
  );
  return [...roles, ...SYSTEM_ROLES].join(', ');
}

/**
 * Turn `--role` values into grants: `<role>` or `<role>:<scope value>` (see roleOptionHelp). The value after the
 * colon is the role's scope attribute (as the workflow names it); numeric attributes are coerced when the
 * role's schema wants a number. The result is still validated by `newUserSchema` before anything is stored.
 */
export function parseRoleOption(registry: WorkflowRegistry, text: string): RoleGrant {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const role = colon === -1 ? trimmed : trimmed.slice(0, colon);
  const value = colon === -1 ? undefined : trimmed.slice(colon + 1).trim();
  if (!role) throw new Error(`"${text}" is not a role; use one of ${roleOptionHelp(registry)}`);
  const spec = registry.roles.get(role);
  if (spec?.scope.kind !== 'attribute') {
    if (value !== undefined) throw new Error(`role "${role}" takes no scope value (got "${value}")`);
    return { role };
  }
  const attribute = spec.scope.attribute;
  if (!value) throw new Error(`role "${role}" needs a ${attribute}, e.g. ${role}:<${attribute}>`);
  const asString = spec.scope.values.safeParse(value);
  if (asString.success) return { role, [attribute]: value };
  const number = Number(value);
  if (value !== '' && Number.isFinite(number) && spec.scope.values.safeParse(number).success) {
    return { role, [attribute]: number };
  }
  throw new Error(`"${value}" is not a valid ${attribute} for role "${role}"`);
}

/** `<role>` or `<role>:<scope value>`: the inverse of parseRoleOption, for listings. */
export function formatGrant(grant: RoleGrant): string {
  const attributes = Object.entries(grant).filter(([key]) => key !== 'role');
  return [grant.role, ...attributes.map(([, value]) => String(value))].join(':');
}

export interface UsersCreateOptions {
  email: string;
  name: string;
  organisation?: string;
  role: string[];
}

/** The options of `users create` as a validated new user; throws with every problem named. */
export function newUserFromOptions(registry: WorkflowRegistry, options: UsersCreateOptions): NewUser {
  const roles = options.role.map((r) => parseRoleOption(registry, r));
  const result = newUserSchema(registry).safeParse({
    email: options.email,
    name: options.name,
    ...(options.organisation !== undefined ? { organisation: options.organisation } : {}),
    roles,
  });
  if (!result.success) {
    throw new Error(result.error.issues.map((i) => `${i.path.join('.') || 'user'}: ${i.message}`).join('\n'));
  }
  return result.data;
}
