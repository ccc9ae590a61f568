import type { Db } from '@steckbrief/db';
import { sql } from 'kysely';

/**
 * The earliest-due open task of each listed profile, for "Meine Steckbriefe" (one query instead of a
 * profile load each). Only call it with ids the engine listed for the viewer: it does not check visibility.
 */
export async function nextTasks(
  db: Db,
  profileIds: string[],
): Promise<Map<string, { kind: string; dueAt: Date | null }>> {
  if (!profileIds.length) return new Map();
  const rows = await db
    .selectFrom('tasks')
    .select(['profile_id', 'kind', 'due_at'])
    .where('profile_id', 'in', profileIds)
    .where('status', '=', 'open')
    .orderBy('profile_id')
    .orderBy(sql`due_at asc nulls last`)
    .orderBy('created_at')
    .execute();
  const out = new Map<string, { kind: string; dueAt: Date | null }>();
  for (const r of rows) if (!out.has(r.profile_id)) out.set(r.profile_id, { kind: r.kind, dueAt: r.due_at });
  return out;
}
