import type { Database, Db } from '@steckbrief/db';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';

export interface Recipient {
  id: string;
  email: string;
  name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Membership of a task group (`role`, `scope` as stored on tasks), as a predicate on `users`:
 * '' = everyone with the role; `owner:org:<organisation>` = the role's users of that organisation;
 * `owner:user:<id>` = that user; `<attribute>:<value>` = users whose grant of the role carries that
 * value (compared as text, so `{"werkstatt": 4}` matches `werkstatt:4`). Disabled users never.
 */
export function inGroup(eb: ExpressionBuilder<Database, 'users'>, role: string, scope: string) {
  let attribute: [string, string] | null = null;
  const conditions: Expression<SqlBool>[] = [eb('users.disabled_at', 'is', null)];
  if (scope.startsWith('owner:org:')) {
    conditions.push(eb('users.organisation', '=', scope.slice('owner:org:'.length)));
  } else if (scope.startsWith('owner:user:')) {
    const id = scope.slice('owner:user:'.length);
    conditions.push(UUID.test(id) ? eb('users.id', '=', id) : sql<SqlBool>`false`);
  } else if (scope !== '') {
    const at = scope.indexOf(':');
    attribute = at > 0 ? [scope.slice(0, at), scope.slice(at + 1)] : [scope, ''];
  }
  const grant = attribute
    ? sql<SqlBool>`exists (select 1 from jsonb_array_elements(users.roles) g where g->>'role' = ${role} and g->>${attribute[0]} = ${attribute[1]})`
    : sql<SqlBool>`exists (select 1 from jsonb_array_elements(users.roles) g where g->>'role' = ${role})`;
  conditions.push(grant);
  return eb.and(conditions);
}

/** The members of several groups, each user once. */
export async function resolveGroups(db: Db, groups: Array<{ role: string; scope: string }>): Promise<Recipient[]> {
  if (!groups.length) return [];
  return db
    .selectFrom('users')
    .select(['users.id', 'users.email', 'users.name'])
    .where((eb) => eb.or(groups.map((g) => inGroup(eb, g.role, g.scope))))
    .orderBy('users.id')
    .execute();
}

export const resolveGroup = (db: Db, role: string, scope: string) => resolveGroups(db, [{ role, scope }]);
