import type { Db, RoleGrant } from '@steckbrief/db';
import { sql } from 'kysely';

export interface Recipient {
  id: string;
  email: string;
  name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The registered, enabled users of a task group (`role`, `scope` as stored on tasks):
 * '' = everyone with the role; `owner:org:<organisation>` = the role's users of that organisation;
 * `owner:user:<id>` = that user; `<attribute>:<value>` = users whose grant of the role carries that value.
 */
export async function resolveGroup(db: Db, role: string, scope: string): Promise<Recipient[]> {
  let query = db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'roles'])
    .where('disabled_at', 'is', null)
    .where(sql<boolean>`roles @> ${JSON.stringify([{ role }])}::jsonb`);
  let attribute: [string, string] | null = null;
  if (scope.startsWith('owner:org:')) {
    query = query.where('organisation', '=', scope.slice('owner:org:'.length));
  } else if (scope.startsWith('owner:user:')) {
    const id = scope.slice('owner:user:'.length);
    if (!UUID.test(id)) return [];
    query = query.where('id', '=', id);
  } else if (scope !== '') {
    const at = scope.indexOf(':');
    attribute = at > 0 ? [scope.slice(0, at), scope.slice(at + 1)] : [scope, ''];
  }
  const rows = await query.orderBy('id').execute();
  return rows
    .filter(
      (u) =>
        !attribute ||
        (u.roles as RoleGrant[]).some(
          (g) => g.role === role && g[attribute[0]] !== undefined && String(g[attribute[0]]) === attribute[1],
        ),
    )
    .map(({ id, email, name }) => ({ id, email, name }));
}

/** Several groups, each user once (the first group that names them wins). */
export async function resolveGroups(db: Db, groups: Array<{ role: string; scope: string }>): Promise<Recipient[]> {
  const seen = new Map<string, Recipient>();
  for (const g of groups) {
    for (const r of await resolveGroup(db, g.role, g.scope)) if (!seen.has(r.id)) seen.set(r.id, r);
  }
  return [...seen.values()];
}
