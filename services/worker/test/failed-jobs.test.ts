import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile, type EngineDeps, escalationCause, transitionCause } from '@steckbrief/engine';
import { jobIds } from '@steckbrief/queues';
import { createTestQueues, type TestQueues } from '@steckbrief/queues/testing';
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

let database: TestDatabase;
let redis: TestQueues;
let sink: SmtpSink;
let people: People;
let deps: EngineDeps;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  database = await createTestDatabase('worker_failed_jobs');
  redis = createTestQueues('worker_failed_jobs');
  sink = await startSmtpSink();
  people = await seedPeople(database.db);
  deps = { db: database.db, registry: buildRegistry() };
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await sink?.close();
  await redis?.destroy();
  await database?.destroy();
});

/** A submitted profile: its outbox row and its open intake task. */
async function submitted(title: string) {
  const profile = await createProfile(deps, people.applicant1, { data: completeProfile({ title }) });
  await applyEvent(deps, people.applicant1, { profileId: profile.id, type: 'SUBMIT' });
  const row = await database.db
    .selectFrom('outbox')
    .select(['id', 'topic', 'cause', 'payload', 'created_at'])
    .where('cause', '=', transitionCause(profile.id, 2))
    .executeTakeFirstOrThrow();
  const task = await database.db
    .selectFrom('tasks')
    .select(['id', 'profile_id', 'kind', 'due_at'])
    .where('profile_id', '=', profile.id)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return { profileId: profile.id, row, task };
}

async function startWorker(): Promise<RunningWorker> {
  const worker = await startTestWorker({
    db: database.db,
    schema: database.schema,
    databaseUrl: database.url,
    smtpUrl: sink.url,
    redisPrefix: redis.prefix,
  });
  workers.push(worker);
  return worker;
}

const outboxRow = (id: string) =>
  database.db
    .selectFrom('outbox')
    .select(['processed_at', 'attempts', 'last_error'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('jobs that failed for good', () => {
  it('processes an outbox row and a timer whose jobs used up their attempts during an outage, at the next reconciliation', async () => {
    const { profileId, row, task } = await submitted('Vorhaben im Ausfall');
    if (!task.due_at) throw new Error('the intake task has no due date');
    // The escalation of the intake task, due when the outage ended.
    const timer = await database.db
      .insertInto('task_timers')
      .values({
        cause: escalationCause(task.id, task.due_at),
        task_id: task.id,
        kind: 'escalation',
        offset_ms: 0,
        due_at: task.due_at,
        fire_at: new Date(Date.now() - 1_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The outage: both jobs ran out of attempts and stay in Redis as failed jobs with the row-derived ids.
    const outboxJobId = await redis.failedJob(
      redis.queues.outbox,
      'connect ECONNREFUSED 127.0.0.1:5432',
      { outboxId: row.id, topic: row.topic, cause: row.cause, payload: row.payload, createdAt: row.created_at },
      { jobId: jobIds.outbox(row.id) },
    );
    const timerJobId = await redis.failedJob(
      redis.queues.timers,
      'connect ECONNREFUSED 127.0.0.1:5432',
      { timerId: timer.id },
      { jobId: jobIds.timer(timer.id) },
    );

    const worker = await startWorker();
    await pollUntil(
      async () => {
        const fired = await database.db
          .selectFrom('task_timers')
          .select('status')
          .where('id', '=', timer.id)
          .executeTakeFirstOrThrow();
        return (await outboxRow(row.id)).processed_at !== null && fired.status === 'fired';
      },
      15_000,
      'outbox row processed and timer fired',
    );
    await pollUntil(
      async () =>
        (await database.db.selectFrom('mail_deliveries').select('id').where('status', '<>', 'delivered').execute())
          .length === 0,
      10_000,
      'mails delivered',
    );
    const notices = sink.messages.filter((m) => m.cause.startsWith(`notify:${profileId}:2:`));
    expect(notices.map((m) => m.to).sort()).toEqual(
      [people.applicant1.email, people.applicant2.email, people.wrl1.email, people.wrl2.email].sort(),
    );
    const escalations = sink.messages.filter((m) => m.cause === escalationCause(task.id, task.due_at as Date));
    expect(escalations.length).toBeGreaterThan(0);
    expect(await redis.queues.outbox.getJobState(outboxJobId)).not.toBe('failed');
    expect(await redis.queues.timers.getJobState(timerJobId)).not.toBe('failed');
    await worker.stop();
  }, 40_000);

  it('fails a poison outbox row at its first attempt, keeps the error on the row, and processes the other rows', async () => {
    const worker = await startWorker();
    const { task } = await submitted('Vorhaben davor');
    const [malformed, outOfRange] = await database.db
      .insertInto('outbox')
      .values([
        { topic: 'transition', cause: 'test:malformed', payload: JSON.stringify({ notices: 'none' }) },
        {
          // Well-formed, but with a due date PostgreSQL cannot store.
          topic: 'transition',
          cause: 'test:year-zero',
          payload: JSON.stringify({
            profileId: task.profile_id,
            workflow: 'lausitz-brandenburg',
            seq: 3,
            event: 'DEADLINE',
            from: 'intake',
            to: 'intake',
            notices: [],
            tasks: [{ change: 'due', taskId: task.id, kind: task.kind, dueAt: '0000-01-01T00:00:00Z' }],
          }),
        },
      ])
      .returning('id')
      .execute();
    const good = await submitted('Vorhaben danach');
    if (!malformed || !outOfRange) throw new Error('poison rows not inserted');

    const failed = async (id: string) => (await worker.queues.outbox.getJobState(jobIds.outbox(id))) === 'failed';
    await pollUntil(
      async () =>
        (await failed(malformed.id)) &&
        (await failed(outOfRange.id)) &&
        (await outboxRow(good.row.id)).processed_at !== null,
      10_000,
      'poison rows failed and the good row processed',
    );
    // A reconciliation leaves them failed: retrying cannot help.
    await worker.reconcile();
    for (const { id, error } of [
      { id: malformed.id, error: /expected/i },
      { id: outOfRange.id, error: /out of range/ },
    ]) {
      const after = await outboxRow(id);
      expect(after.processed_at).toBeNull();
      expect(after.attempts).toBe(1);
      expect(after.last_error).toMatch(error);
      const job = await worker.queues.outbox.getJob(jobIds.outbox(id));
      expect(await job?.getState()).toBe('failed');
      expect(job?.attemptsMade).toBe(1);
    }
  }, 30_000);
});
