import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { up } from './013_outbox_contract.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('outbox_contract_migration');
});
afterAll(() => t.destroy());

const AT = new Date('2026-11-30T10:00:00.000Z');
const DUE = '2026-12-10T10:00:00.000Z';

/** A profile at version 2 (CREATE, SUBMIT) with an open task of group (wrl, '') and a closed one. */
async function profileWithTasks() {
  const user = await t.db
    .insertInto('users')
    .values({ email: `${randomUUID()}@example.org`, name: 'A', roles: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const profile = await t.db
    .insertInto('profiles')
    .values({
      workflow_id: 'w',
      workflow_version: 1,
      state: 'intake',
      snapshot: '{}',
      version: 2,
      data: '{}',
      scope: '{}',
      summary: '{}',
      owner_key: 'org:x',
      created_by: user.id,
      updated_at: AT,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('profile_history')
    .values([
      { profile_id: profile.id, seq: 1, event: 'CREATE', from_state: null, to_state: 'draft', payload: '{}', at: AT },
      {
        profile_id: profile.id,
        seq: 2,
        event: 'SUBMIT',
        from_state: 'draft',
        to_state: 'intake',
        payload: '{}',
        at: AT,
      },
    ])
    .execute();
  const task = (status: 'open' | 'done', kind: string) => ({
    id: randomUUID(),
    profile_id: profile.id,
    workflow_id: 'w',
    key: kind,
    kind,
    state: 'intake',
    assignee_role: 'wrl',
    assignee_scope: '',
    status,
    created_at: AT,
  });
  const open = task('open', 'intake');
  const closed = task('done', 'complete');
  await t.db.insertInto('tasks').values([open, closed]).execute();
  return { profileId: profile.id, open: open.id, closed: closed.id };
}

const payloadOf = async (cause: string) =>
  t.db.selectFrom('outbox').select(['topic', 'payload']).where('cause', '=', cause).executeTakeFirstOrThrow();

describe('migration 013', () => {
  it('rewrites unprocessed rows of the earlier shapes into transition rows of the outbox contract, and leaves processed rows', async () => {
    const { profileId, open, closed } = await profileWithTasks();
    const notice = `notify:${profileId}:2:task_assigned:wrl:`;
    const transitionPayload = {
      profileId,
      workflow: 'w',
      seq: 2,
      event: 'SUBMIT',
      from: 'draft',
      to: 'intake',
      notices: [],
      tasks: [
        { taskId: open, kind: 'intake', dueAt: DUE },
        { taskId: closed, kind: 'complete', closed: 'done' },
      ],
    };
    await t.db
      .insertInto('outbox')
      .values([
        {
          topic: 'transition',
          cause: 'old-transition',
          profile_id: profileId,
          payload: JSON.stringify(transitionPayload),
        },
        {
          topic: 'notification',
          cause: notice,
          profile_id: profileId,
          payload: JSON.stringify({
            template: 'task_assigned',
            profileId,
            seq: 2,
            to: 'intake',
            recipients: { role: 'wrl', scope: '' },
          }),
        },
        {
          topic: 'task.opened',
          cause: 'old-opened',
          profile_id: profileId,
          payload: JSON.stringify({ taskId: open, profileId, dueAt: DUE }),
          created_at: AT,
        },
        {
          topic: 'task.closed',
          cause: 'old-closed',
          profile_id: profileId,
          payload: JSON.stringify({ taskId: closed, profileId, status: 'done' }),
          created_at: AT,
        },
        {
          topic: 'task.opened',
          cause: 'old-processed',
          profile_id: profileId,
          payload: JSON.stringify({ taskId: open, profileId, dueAt: DUE }),
          processed_at: AT,
        },
      ])
      .execute();

    await up(t.db as never);

    const opened = { change: 'opened', taskId: open, kind: 'intake', dueAt: DUE, assignee: { role: 'wrl', scope: '' } };
    const closedChange = { change: 'closed', taskId: closed, kind: 'complete', status: 'done' };
    expect(await payloadOf('old-transition')).toEqual({
      topic: 'transition',
      payload: { ...transitionPayload, tasks: [opened, closedChange] },
    });
    const entry = { profileId, workflow: 'w', seq: 2, event: 'SUBMIT', from: 'draft', to: 'intake' };
    expect(await payloadOf(notice)).toEqual({
      topic: 'transition',
      payload: {
        ...entry,
        notices: [{ cause: notice, template: 'task_assigned', recipients: { role: 'wrl', scope: '' } }],
        tasks: [],
      },
    });
    expect(await payloadOf('old-opened')).toEqual({
      topic: 'transition',
      payload: { ...entry, notices: [], tasks: [opened] },
    });
    expect(await payloadOf('old-closed')).toEqual({
      topic: 'transition',
      payload: { ...entry, notices: [], tasks: [closedChange] },
    });
    expect(await payloadOf('old-processed')).toEqual({
      topic: 'task.opened',
      payload: { taskId: open, profileId, dueAt: DUE },
    });

    // Run again (a second process migrating at once): rows of the new shape stay as they are.
    const before = await t.db.selectFrom('outbox').select(['cause', 'topic', 'payload']).orderBy('id').execute();
    await up(t.db as never);
    expect(await t.db.selectFrom('outbox').select(['cause', 'topic', 'payload']).orderBy('id').execute()).toEqual(
      before,
    );
  });
});
