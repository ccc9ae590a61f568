import { applyEvent, createProfile, type EngineDeps, setTaskDue } from '@steckbrief/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, type People, pollUntil, startWorkerTestEnv, type WorkerTestEnv } from './helpers.js';

const HORIZON_MS = 60_000;
const DAY_MS = 86_400_000;

let env: WorkerTestEnv;
let people: People;
let deps: EngineDeps;
/** The worker's clock runs this far ahead of the real one. */
let ahead = 0;

beforeAll(async () => {
  env = await startWorkerTestEnv('worker_timer_horizon', {
    worker: {
      reminderOffsets: [4_000, 2_000],
      timerHorizonMs: HORIZON_MS,
      // Reconciliation only when the test asks for it.
      reconcileIntervalMs: 3_600_000,
      now: () => new Date(Date.now() + ahead),
    },
  });
  ({ people, deps } = env);
});
afterAll(() => env?.stop());

/** A task's planned timers, and which of them Redis holds a job for. */
async function timersOf(taskId: string) {
  const rows = await env.database.db
    .selectFrom('task_timers')
    .select(['id', 'kind', 'fire_at'])
    .where('task_id', '=', taskId)
    .where('status', '=', 'planned')
    .orderBy('fire_at')
    .execute();
  const jobs = await Promise.all(rows.map((r) => env.worker.queues.timers.getJob(`timer-${r.id}`)));
  return rows.map((r, i) => ({ kind: r.kind, inRedis: jobs[i] !== undefined }));
}

describe('timers and the horizon', () => {
  it('keeps a task due in two days out of Redis and hands its timers over once reconciliation finds them within the horizon', async () => {
    const profile = await createProfile(deps, people.applicant1, { data: completeProfile() });
    await applyEvent(deps, people.applicant1, { profileId: profile.id, type: 'SUBMIT' });
    const task = await env.database.db
      .selectFrom('tasks')
      .select('id')
      .where('profile_id', '=', profile.id)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    const due = new Date(Date.now() + 2 * DAY_MS);
    await setTaskDue(deps, people.wrl1, task.id, due);
    await pollUntil(
      async () => (await timersOf(task.id)).map((t) => t.kind).join() === 'reminder,reminder,escalation',
      10_000,
      'timers planned for the new due date',
    );
    // Planned in PostgreSQL, none of them in Redis.
    expect(await timersOf(task.id)).toEqual([
      { kind: 'reminder', inRedis: false },
      { kind: 'reminder', inRedis: false },
      { kind: 'escalation', inRedis: false },
    ]);

    // Reconciliation while they are still beyond the horizon adds nothing.
    await env.worker.reconcile();
    expect((await timersOf(task.id)).some((t) => t.inRedis)).toBe(false);

    // Half a minute before the due date, every timer lies within the horizon: reconciliation hands them over.
    ahead = due.getTime() - Date.now() - 30_000;
    await env.worker.reconcile();
    expect(await timersOf(task.id)).toEqual([
      { kind: 'reminder', inRedis: true },
      { kind: 'reminder', inRedis: true },
      { kind: 'escalation', inRedis: true },
    ]);
  });
});
