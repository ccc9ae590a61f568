import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile, type EngineDeps, ownerKeyOf } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/worker.js';
import {
  completeProfile,
  type People,
  pollUntil,
  type SmtpSink,
  seedPeople,
  startSmtpSink,
  startTestWorker,
} from './helpers.js';

/**
 * The outbox rows' effects beyond the happy path of `notifications.test.ts`: a task that moved on
 * between the transition and the worker, rows of the single-effect topics earlier versions wrote,
 * a repeated job, and rows that cannot be rendered.
 */
let database: TestDatabase;
let sink: SmtpSink;
let worker: RunningWorker;
let people: People;
let deps: EngineDeps;

beforeAll(async () => {
  database = await createTestDatabase('worker_effects');
  sink = await startSmtpSink();
  worker = await startTestWorker({
    db: database.db,
    schema: database.schema,
    databaseUrl: database.url,
    smtpUrl: sink.url,
  });
  people = await seedPeople(database.db);
  deps = { db: database.db, registry: buildRegistry() };
});

afterAll(async () => {
  await worker?.stop();
  await sink?.close();
  await database?.destroy();
});

const DAY = 86_400_000;

/** A submitted profile, settled by the worker: its open WRL intake task, the owner's notice scope. */
async function submitted() {
  const profile = await createProfile(deps, people.applicant1, { data: completeProfile() });
  await applyEvent(deps, people.applicant1, { profileId: profile.id, type: 'SUBMIT' });
  const task = await database.db
    .selectFrom('tasks')
    .select(['id', 'kind', 'due_at'])
    .where('profile_id', '=', profile.id)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  await settled(`transition:${profile.id}:2`);
  return { profileId: profile.id, task, ownerScope: `owner:${ownerKeyOf(people.applicant1)}` };
}

/** Wait until the outbox row is processed and no mail is left unsent; returns the row. */
async function settled(cause: string) {
  await pollUntil(
    async () => {
      const row = await database.db
        .selectFrom('outbox')
        .select('processed_at')
        .where('cause', '=', cause)
        .executeTakeFirst();
      const unsent = await database.db
        .selectFrom('mail_deliveries')
        .select('id')
        .where('status', 'in', ['pending', 'sending'])
        .execute();
      return !!row?.processed_at && unsent.length === 0;
    },
    20_000,
    `outbox row ${cause}`,
  );
  return database.db.selectFrom('outbox').selectAll().where('cause', '=', cause).executeTakeFirstOrThrow();
}

async function timersOf(taskId: string) {
  return database.db
    .selectFrom('task_timers')
    .select(['id', 'kind', 'status', 'due_at'])
    .where('task_id', '=', taskId)
    .orderBy('id')
    .execute();
}

const mailsOf = (cause: string) => sink.messages.filter((m) => m.cause === cause);

describe('outbox row effects', () => {
  it('plans the timers of a task that moved on before the worker saw the row for its current due date, and sends the notices once', async () => {
    const { profileId, task, ownerScope } = await submitted();
    const rowDue = new Date(Date.now() + 10 * DAY);
    const nowDue = new Date(Date.now() + 20 * DAY);
    const notice = `notify:${profileId}:2:state_changed:applicant:${ownerScope}:moved`;
    // The row says one due date; by the time it commits, the task already has another.
    await database.db.transaction().execute(async (trx) => {
      await trx.updateTable('tasks').set({ due_at: nowDue }).where('id', '=', task.id).execute();
      await trx
        .insertInto('outbox')
        .values({
          topic: 'transition',
          cause: 'transition:moved',
          profile_id: profileId,
          payload: JSON.stringify({
            profileId,
            workflow: 'lausitz-brandenburg',
            seq: 2,
            event: 'SUBMIT',
            from: 'draft',
            to: 'intake',
            notices: [
              { cause: notice, template: 'state_changed', recipients: { role: 'applicant', scope: ownerScope } },
            ],
            tasks: [{ taskId: task.id, kind: task.kind, dueAt: rowDue.toISOString() }],
          }),
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
    const jobs = await Promise.all(planned.map((t) => worker.queues.timers.getJob(`timer-${t.id}`)));
    expect(jobs.every((j) => j !== undefined)).toBe(true);
    expect(
      mailsOf(notice)
        .map((m) => m.to)
        .sort(),
    ).toEqual([people.applicant1.email, people.applicant2.email].sort());

    // The same row once more (a rebuilt or duplicated job): nothing new is recorded or sent.
    const before = sink.messages.length;
    await worker.queues.outbox.add(
      'transition',
      { outboxId: row.id, topic: row.topic, cause: row.cause, payload: row.payload, createdAt: row.created_at },
      { jobId: `again-${row.id}` },
    );
    await pollUntil(
      async () => {
        const c = await worker.queues.outbox.getJobCounts('wait', 'active');
        return c.wait === 0 && c.active === 0;
      },
      10_000,
      'repeat job done',
    );
    await settled('transition:moved');
    expect(sink.messages.length).toBe(before);
    expect(await timersOf(task.id)).toEqual(timers);
  });

  it('still handles the single-effect rows earlier versions wrote (notification, task.opened, task.closed)', async () => {
    const a = await submitted();
    const b = await submitted();
    const due = new Date(Date.now() + 10 * DAY);
    await database.db.updateTable('tasks').set({ due_at: due }).where('id', '=', a.task.id).execute();
    const notice = `notify:${a.profileId}:2:task_assigned:wrl::legacy`;
    await database.db
      .insertInto('outbox')
      .values([
        {
          topic: 'notification',
          cause: notice,
          profile_id: a.profileId,
          payload: JSON.stringify({
            template: 'task_assigned',
            profileId: a.profileId,
            workflow: 'lausitz-brandenburg',
            seq: 2,
            to: 'intake',
            recipients: { role: 'wrl', scope: '' },
          }),
        },
        {
          topic: 'task.opened',
          cause: `task.opened:${a.task.id}:legacy`,
          profile_id: a.profileId,
          payload: JSON.stringify({ taskId: a.task.id, profileId: a.profileId, dueAt: due.toISOString() }),
        },
        {
          topic: 'task.closed',
          cause: `task.closed:${b.task.id}:legacy`,
          profile_id: b.profileId,
          payload: JSON.stringify({ taskId: b.task.id, profileId: b.profileId, status: 'done' }),
        },
      ])
      .execute();
    await settled(notice);
    await settled(`task.opened:${a.task.id}:legacy`);
    await settled(`task.closed:${b.task.id}:legacy`);
    expect(
      mailsOf(notice)
        .map((m) => m.to)
        .sort(),
    ).toEqual([people.wrl1.email, people.wrl2.email].sort());
    expect(mailsOf(notice)[0]?.subject).toMatch(/^Neue Aufgabe/);
    const aTimers = (await timersOf(a.task.id)).filter((t) => t.status === 'planned');
    expect(aTimers.map((t) => t.due_at.getTime())).toEqual([due.getTime(), due.getTime(), due.getTime()]);
    expect((await timersOf(b.task.id)).filter((t) => t.status === 'planned')).toEqual([]);
  });

  it('sends the other notices of a row when one has an unknown template, and marks a row whose profile is gone', async () => {
    const { profileId, ownerScope } = await submitted();
    const good = `notify:${profileId}:2:state_changed:applicant:${ownerScope}:good`;
    const bad = `notify:${profileId}:2:no_such_template:applicant:${ownerScope}`;
    const payload = (id: string) =>
      JSON.stringify({
        profileId: id,
        workflow: 'lausitz-brandenburg',
        seq: 2,
        event: 'SUBMIT',
        from: 'draft',
        to: 'intake',
        notices: [
          { cause: bad, template: 'no_such_template', recipients: { role: 'applicant', scope: ownerScope } },
          { cause: good, template: 'state_changed', recipients: { role: 'applicant', scope: ownerScope } },
        ],
        tasks: [],
      });
    await database.db
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
