import type { Database, Db } from '@steckbrief/db';
import { isUuid, parseGroupScope } from '@steckbrief/engine';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';

export interface Recipient {
  id: string;
  email: string;
  name: string;
}

/**
 * Membership of a task group (`role`, `scope` as stored on tasks), as a predicate on `users`:
 * '' = everyone with the role; `owner:org:<organisation>` = the role's users of that organisation;
 * `owner:user:<id>` = that user; `<attribute>:<value>` = users whose grant of the role carries that
 * value (compared as text, so `{"werkstatt": 4}` matches `werkstatt:4`). Disabled users never.
 */
export function inGroup(eb: ExpressionBuilder<Database, 'users'>, role: string, scope: string) {
  let attribute: [string, string] | null = null;
  const conditions: Expression<SqlBool>[] = [eb('users.disabled_at', 'is', null)];
  const group = parseGroupScope(scope);
  if (group.kind === 'owner-org') {
    conditions.push(eb('users.organisation', '=', group.organisation));
  } else if (group.kind === 'owner-user') {
    conditions.push(isUuid(group.userId) ? eb('users.id', '=', group.userId) : sql<SqlBool>`false`);
  } else if (group.kind === 'attribute') {
    attribute = [group.attribute, group.value];
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
