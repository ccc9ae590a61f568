import type { TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile, type EngineDeps, setTaskDue } from '@steckbrief/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/worker.js';
import {
  completeProfile,
  type People,
  pollUntil,
  type SmtpSink,
  startWorkerTestEnv,
  type WorkerTestEnv,
} from './helpers.js';

let env: WorkerTestEnv;
let database: TestDatabase;
let sink: SmtpSink;
let worker: RunningWorker;
let people: People;
let deps: EngineDeps;

beforeAll(async () => {
  // Reminders 4 s and 2 s before the due date, so a task due in a few seconds runs through all of them.
  env = await startWorkerTestEnv('worker_deadlines', { worker: { reminderOffsets: [4_000, 2_000] } });
  ({ database, sink, worker, people, deps } = env);
});
afterAll(() => env?.stop());

/** A submitted and accepted profile: its open Votum task belongs to Werkstatt 4. */
async function votumTask() {
  const profile = await createProfile(deps, people.applicant1, { data: completeProfile() });
  await applyEvent(deps, people.applicant1, { profileId: profile.id, type: 'SUBMIT' });
  await applyEvent(deps, people.wrl1, { profileId: profile.id, type: 'ACCEPT', payload: { werkstatt: 4 } });
  const task = await database.db
    .selectFrom('tasks')
    .select('id')
    .where('profile_id', '=', profile.id)
    .where('kind', '=', 'werkstatt_votum')
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return { profileId: profile.id, taskId: task.id };
}

const mailsFor = (taskId: string) => sink.messages.filter((m) => m.cause.includes(`:${taskId}:`));

describe('deadlines', () => {
  it('sends the reminders and one escalation for a task due in seconds, but nothing for one closed or moved in time', async () => {
    const due = () => new Date(Date.now() + 7_000);
    const late = await votumTask();
    const closed = await votumTask();
    const moved = await votumTask();
    await setTaskDue(deps, people.wrl1, late.taskId, due());
    await setTaskDue(deps, people.wrl1, closed.taskId, due());
    await setTaskDue(deps, people.wrl1, moved.taskId, due());
    // Before the first reminder: one task is decided, the other's due date moves a day ahead.
    await applyEvent(deps, people.werkstatt4, {
      profileId: closed.profileId,
      type: 'VOTE',
      payload: { votum: 'positive', leadMinistry: 'MIL', ministries: [] },
    });
    await setTaskDue(deps, people.wrl1, moved.taskId, new Date(Date.now() + 86_400_000));

    // Werkstatt 4 gets two reminders; the escalation goes to Werkstatt 4 and the WRL office.
    await pollUntil(
      () => mailsFor(late.taskId).filter((m) => m.cause.startsWith('escalation:')).length === 3,
      30_000,
      'escalation',
    );
    await pollUntil(
      async () => {
        const timers = await database.db
          .selectFrom('task_timers')
          .select('status')
          .where('task_id', 'in', [closed.taskId, moved.taskId])
          .where('status', '=', 'planned')
          .where('fire_at', '<', new Date())
          .execute();
        return timers.length === 0;
      },
      10_000,
      'stale timers settle',
    );

    const late4 = mailsFor(late.taskId);
    const reminders = late4.filter((m) => m.cause.startsWith('reminder:'));
    expect(reminders.map((m) => m.to).sort()).toEqual([people.werkstatt4.email, people.werkstatt4.email]);
    expect(new Set(reminders.map((m) => m.cause)).size).toBe(2);
    expect(reminders[0]?.subject).toMatch(/^Erinnerung: Votum der Werkstatt abgeben bis /);
    const escalations = late4.filter((m) => m.cause.startsWith('escalation:'));
    expect(escalations.map((m) => m.to).sort()).toEqual(
      [people.werkstatt4.email, people.wrl1.email, people.wrl2.email].sort(),
    );
    expect(escalations[0]?.subject).toMatch(/^Frist überschritten: Votum der Werkstatt abgeben/);
    expect(escalations[0]?.text).toContain(
      '(zuständig: Werkstatt 4: Daseinsvorsorge, ländliche Entwicklung & smart regions)',
    );
    // The office acts on the task's own page.
    expect(escalations[0]?.text).toContain(`/aufgaben/${late.taskId}`);

    expect(mailsFor(closed.taskId)).toEqual([]);
    expect(mailsFor(moved.taskId)).toEqual([]);
    const stale = await database.db
      .selectFrom('task_timers')
      .select(['task_id', 'status', 'due_at'])
      .where('task_id', 'in', [closed.taskId, moved.taskId])
      .execute();
    expect(stale.filter((t) => t.status === 'fired')).toEqual([]);
    // The moved task keeps timers for its new due date.
    expect(stale.filter((t) => t.task_id === moved.taskId && t.status === 'planned').length).toBe(3);
  }, 60_000);

  it('sends nothing more when the jobs of fired timers run again, and each repeated job completes', async () => {
    // Its own task: due in 3 s, so the reminder 2 s before and the escalation fire within the test.
    const { taskId } = await votumTask();
    await setTaskDue(deps, people.wrl1, taskId, new Date(Date.now() + 3_000));
    const firedTimers = () =>
      database.db
        .selectFrom('task_timers')
        .select(['id', 'cause'])
        .where('task_id', '=', taskId)
        .where('status', '=', 'fired')
        .execute();
    const settled = async () =>
      (
        await database.db
          .selectFrom('mail_deliveries')
          .select('id')
          .where('cause', 'like', `%:${taskId}:%`)
          .where('status', 'in', ['pending', 'sending'])
          .execute()
      ).length === 0;
    await pollUntil(
      async () => (await firedTimers()).length === 2 && mailsFor(taskId).length === 4 && (await settled()),
      20_000,
      'reminder and escalation sent',
    );
    const fired = await firedTimers();
    // One reminder to Werkstatt 4; the escalation to Werkstatt 4 and the two WRL members.
    expect(mailsFor(taskId).length).toBe(4);

    // Run each fired timer's job again, as a rebuilt or duplicated job would; kept in Redis to read its outcome.
    const jobs = await worker.queues.timers.addBulk(
      fired.map((t) => ({
        name: 'fire',
        data: { timerId: t.id },
        opts: { jobId: `again-${t.id}`, attempts: 1, removeOnComplete: false, removeOnFail: false },
      })),
    );
    const states = () => Promise.all(jobs.map((j) => j.getState()));
    await pollUntil(
      async () => (await states()).every((s) => s === 'completed' || s === 'failed'),
      10_000,
      'repeated timer jobs finished',
    );
    expect(await states()).toEqual(['completed', 'completed']);
    await pollUntil(settled, 10_000, 'deliveries settle');
    expect(mailsFor(taskId).length).toBe(4);
    expect(new Set(mailsFor(taskId).map((m) => m.messageId)).size).toBe(4);
  }, 40_000);
});
