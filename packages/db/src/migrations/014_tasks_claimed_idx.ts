import { type Kysely, sql } from 'kysely';

/**
 * "Meine Aufgaben" as an index range: the open tasks a user has claimed, by due date. Without it the
 * inbox read every open task of the user's groups in due order and kept the claimed ones (at 100 000
 * profiles a MIL reviewer's group has ~1 400 open tasks: 0.55 ms for that step, 0.004 ms with this
 * index; docs/benchmarks.md). Only open tasks, like `tasks_open_group_due_idx`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index tasks_open_claimed_due_idx on tasks (claimed_by, due_at, id) where status = 'open'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists tasks_open_claimed_due_idx`.execute(db);
}
