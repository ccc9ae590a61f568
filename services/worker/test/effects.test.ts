import { randomUUID } from 'node:crypto';
import { applyEvent, createProfile, noticeCause, ownerKeyOf, ownerScope, transitionCause } from '@steckbrief/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, pollUntil, startWorkerTestEnv, type WorkerTestEnv } from './helpers.js';

/**
 * The outbox rows' effects beyond the happy path of `notifications.test.ts`: a task that moved on
 * between the transition and the worker, a repeated job, the tasks a notice lists, and rows that
 * cannot be rendered.
 */
let env: WorkerTestEnv;

beforeAll(async () => {
  // Timers due within 30 days go to Redis at once (the tasks here are due in 10 and 20 days).
  env = await startWorkerTestEnv('worker_effects', { worker: { timerHorizonMs: 30 * DAY } });
});
afterAll(() => env?.stop());

const DAY = 86_400_000;

/** A submitted profile, settled by the worker: its open WRL intake task, the owner's notice scope. */
async function submitted() {
  const profile = await createProfile(env.deps, env.people.applicant1, { data: completeProfile() });
  await applyEvent(env.deps, env.people.applicant1, { profileId: profile.id, type: 'SUBMIT' });
  const task = await env.database.db
    .selectFrom('tasks')
    .select(['id', 'kind', 'due_at', 'created_at', 'assignee_role', 'assignee_scope'])
    .where('profile_id', '=', profile.id)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  await settled(transitionCause(profile.id, 2));
  return { profileId: profile.id, task, ownerScope: ownerScope(ownerKeyOf(env.people.applicant1)) };
}

/** Wait until the outbox row is processed and no mail is left unsent; returns the row. */
async function settled(cause: string) {
  await pollUntil(
    async () => {
      const row = await env.database.db
        .selectFrom('outbox')
        .select('processed_at')
        .where('cause', '=', cause)
        .executeTakeFirst();
      const unsent = await env.database.db
        .selectFrom('mail_deliveries')
        .select('id')
        .where('status', 'in', ['pending', 'sending'])
        .execute();
      return !!row?.processed_at && unsent.length === 0;
    },
    20_000,
    `outbox row ${cause}`,
  );
  return env.database.db.selectFrom('outbox').selectAll().where('cause', '=', cause).executeTakeFirstOrThrow();
}

async function timersOf(taskId: string) {
  return env.database.db
    .selectFrom('task_timers')
    .select(['id', 'kind', 'status', 'due_at'])
    .where('task_id', '=', taskId)
    .orderBy('id')
    .execute();
}

const mailsOf = (cause: string) => env.sink.messages.filter((m) => m.cause === cause);

type Notice = { cause: string; template: string; recipients: { role: string; scope: string } };

/** The payload of a `transition` row for a SUBMIT (seq 2) of `profileId`, as the engine writes it. */
const submitEffects = (profileId: string, notices: Notice[], tasks: Array<Record<string, unknown>> = []) =>
  JSON.stringify({
    profileId,
    workflow: 'lausitz-brandenburg',
    seq: 2,
    event: 'SUBMIT',
    from: 'draft',
    to: 'intake',
    notices,
    tasks,
  });

describe('outbox row effects', () => {
  it('plans the timers of a task that moved on before the worker saw the row for its current due date, and sends the notices once', async () => {
    const { profileId, task, ownerScope } = await submitted();
    const rowDue = new Date(Date.now() + 10 * DAY);
    const nowDue = new Date(Date.now() + 20 * DAY);
    const notice = `notify:${profileId}:2:state_changed:applicant:${ownerScope}:moved`;
    // The row says one due date; by the time it commits, the task already has another.
    await env.database.db.transaction().execute(async (trx) => {
      await trx.updateTable('tasks').set({ due_at: nowDue }).where('id', '=', task.id).execute();
      await trx
        .insertInto('outbox')
        .values({
          topic: 'transition',
          cause: 'transition:moved',
          profile_id: profileId,
          payload: submitEffects(
            profileId,
            [{ cause: notice, template: 'state_changed', recipients: { role: 'applicant', scope: ownerScope } }],
            [
              {
                change: 'opened',
                taskId: task.id,
                kind: task.kind,
                dueAt: rowDue.toISOString(),
                assignee: { role: task.assignee_role, scope: task.assignee_scope },
              },
            ],
          ),
        })
        .execute();
    });
    const row = await settled('transition:moved');
    expect(row.last_error).toBeNull();
    const timers = await timersOf(task.id);
    const planned = timers.filter((t) => t.status === 'planned');
    expect(planned.map((t) => t.due_at.getTime())).toEqual([nowDue.getTime(), nowDue.getTime(), nowDue.getTime()]);
    expect(planned.map((t) => t.kind).sort()).toEqual(['escalation', 'reminder', 'reminder']);
    expect(timers.filter((t) => t.due_at.getTime() === rowDue.getTime())).toEqual([]);
    // Redis holds a delayed job for each planned timer.
    const jobs = await Promise.all(planned.map((t) => env.worker.queues.timers.getJob(`timer-${t.id}`)));
    expect(jobs.every((j) => j !== undefined)).toBe(true);
    expect(
      mailsOf(notice)
        .map((m) => m.to)
        .sort(),
    ).toEqual([env.people.applicant1.email, env.people.applicant2.email].sort());

    // The same row once more (a rebuilt or duplicated job): nothing new is recorded or sent.
    const before = env.sink.messages.length;
    // Kept in Redis with one attempt, so its outcome can be read: a repeat that threw would send nothing too.
    const again = await env.worker.queues.outbox.add(
      'transition',
      { outboxId: row.id, topic: row.topic, cause: row.cause, payload: row.payload, createdAt: row.created_at },
      { jobId: `again-${row.id}`, attempts: 1, removeOnComplete: false, removeOnFail: false },
    );
    await pollUntil(async () => ['completed', 'failed'].includes(await again.getState()), 10_000, 'repeat job done');
    expect(await again.getState()).toBe('completed');
    await settled('transition:moved');
    expect(env.sink.messages.length).toBe(before);
    expect(await timersOf(task.id)).toEqual(timers);
  });

  it('lists in a notice the tasks whose ids the row carries, not other tasks of the group opened at the same instant', async () => {
    const { profileId, task } = await submitted();
    // A second open task of the same group, created at exactly the instant of the SUBMIT's entry.
    const other = randomUUID();
    await env.database.db
      .insertInto('tasks')
      .values({
        id: other,
        profile_id: profileId,
        workflow_id: 'lausitz-brandenburg',
        key: 'other',
        kind: task.kind,
        state: 'intake',
        assignee_role: task.assignee_role,
        assignee_scope: task.assignee_scope,
        due_at: null,
        created_at: task.created_at,
      })
      .execute();
    const group = { role: task.assignee_role, scope: task.assignee_scope };
    const notice = `${noticeCause({ profileId, seq: 2, template: 'task_assigned', ...group })}:ids`;
    await env.database.db
      .insertInto('outbox')
      .values({
        topic: 'transition',
        cause: 'transition:ids',
        profile_id: profileId,
        payload: submitEffects(
          profileId,
          [{ cause: notice, template: 'task_assigned', recipients: group }],
          [
            {
              change: 'opened',
              taskId: task.id,
              kind: task.kind,
              dueAt: task.due_at?.toISOString() ?? null,
              assignee: group,
            },
          ],
        ),
      })
      .execute();
    expect((await settled('transition:ids')).last_error).toBeNull();
    const mails = mailsOf(notice);
    expect(mails.map((m) => m.to).sort()).toEqual([env.people.wrl1.email, env.people.wrl2.email].sort());
    // One listed task: the mail links to its page, and never to the other one.
    for (const mail of mails) {
      expect(mail.text).toContain(`/aufgaben/${task.id}`);
      expect(mail.text).not.toContain(other);
    }
  });

  it('fails a row whose payload does not match the outbox contract without sending anything', async () => {
    const { profileId, ownerScope: scope } = await submitted();
    const notice = `notify:${profileId}:2:state_changed:applicant:${scope}:legacy-shape`;
    // The shape of a task entry before the contract named the change (`closed` instead of `change`).
    await env.database.db
      .insertInto('outbox')
      .values({
        topic: 'transition',
        cause: 'transition:legacy-shape',
        profile_id: profileId,
        payload: submitEffects(
          profileId,
          [{ cause: notice, template: 'state_changed', recipients: { role: 'applicant', scope } }],
          [{ taskId: randomUUID(), kind: 'intake', closed: 'done' }],
        ),
      })
      .execute();
    await pollUntil(
      async () =>
        (
          await env.database.db
            .selectFrom('outbox')
            .select('last_error')
            .where('cause', '=', 'transition:legacy-shape')
            .executeTakeFirstOrThrow()
        ).last_error !== null,
      10_000,
      'row failed',
    );
    const row = await env.database.db
      .selectFrom('outbox')
      .select(['processed_at', 'last_error'])
      .where('cause', '=', 'transition:legacy-shape')
      .executeTakeFirstOrThrow();
    expect(row.processed_at).toBeNull();
    expect(row.last_error).toMatch(/change/);
    expect(mailsOf(notice)).toEqual([]);
  });

  it('sends the other notices of a row when one has an unknown template, and marks a row whose profile is gone', async () => {
    const { profileId, ownerScope } = await submitted();
    const good = `notify:${profileId}:2:state_changed:applicant:${ownerScope}:good`;
    const bad = `notify:${profileId}:2:no_such_template:applicant:${ownerScope}`;
    const payload = (id: string) =>
      submitEffects(id, [
        { cause: bad, template: 'no_such_template', recipients: { role: 'applicant', scope: ownerScope } },
        { cause: good, template: 'state_changed', recipients: { role: 'applicant', scope: ownerScope } },
      ]);
    await env.database.db
      .insertInto('outbox')
      .values([
        { topic: 'transition', cause: 'transition:bad-template', profile_id: profileId, payload: payload(profileId) },
        { topic: 'transition', cause: 'transition:gone', profile_id: null, payload: payload(randomUUID()) },
      ])
      .execute();
    expect((await settled('transition:bad-template')).last_error).toBeNull();
    expect(mailsOf(good)).toHaveLength(2);
    expect(mailsOf(bad)).toEqual([]);
    expect((await settled('transition:gone')).last_error).toBe('profile not found');
  });
});
