import {
  capturedStatement,
  createTestDatabase,
  genericPlan,
  insertBareProfiles,
  type PlanNode,
  planNodes,
  type TestDatabase,
} from '@steckbrief/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeProfileChange } from '../src/writer.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase('writer_plan');
});
afterAll(() => t?.destroy());

describe('a transition that closes tasks', () => {
  it('reads the tasks it closes through an index condition in the generic plan of a running system, not every open task', async () => {
    const { db } = t;
    // 300 profiles, each with ten tasks done; statistics taken then (hardly any task open), as autovacuum finds a
    // running system between waves; then each profile gets an open task.
    const userId = await insertBareProfiles(db, 300);
    const task = (key: string, status: string) =>
      sql`insert into tasks (profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, status, created_at)
        select id, 'review', ${key}, 'decide', 'review', 'panel', 'panel:north', ${status}, now() from profiles`.execute(
        db,
      );
    for (let i = 1; i <= 10; i++) await task(`earlier-${i}`, 'done');
    await sql`analyze tasks`.execute(db);
    await task('second', 'open');
    const open = await db
      .selectFrom('tasks')
      .select(['id', 'profile_id'])
      .where('key', '=', 'second')
      .limit(1)
      .executeTakeFirstOrThrow();

    const statement = await capturedStatement(db, 'closed as', async () => {
      const written = await writeProfileChange(db, {
        profileId: open.profile_id,
        workflowId: 'review',
        expectedVersion: 1,
        at: new Date(),
        history: { event: 'DECIDE', from: 'review', to: 'done', actorId: userId },
        state: 'done',
        closeTasks: [{ id: open.id, kind: 'decide', status: 'done' }],
      });
      expect(written).toBe(true);
    });

    const plan = await genericPlan(db, statement.text, statement.values);
    const closing = planNodes(plan).find((n) => n['Node Type'] === 'ModifyTable' && n['Relation Name'] === 'tasks');
    expect(closing).toBeDefined();
    const scans = planNodes(closing as PlanNode).filter((n) => n['Relation Name'] === 'tasks' && n !== closing);
    expect(scans.length).toBeGreaterThan(0);
    // Each read of tasks is bounded by an index condition (the profile or the task ids), none reads every open task.
    for (const scan of scans)
      expect(scan['Index Cond'] ?? scan['Recheck Cond'] ?? 'no index condition').toMatch(/profile_id|\bid\b/);
  });
});
