import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile, type EngineDeps, migrateProfiles } from '@steckbrief/engine';
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
 * A migration's effects in the worker, with real PostgreSQL, Redis and an SMTP sink: the applicant's
 * one notice, and the deadline timers of a migrated task. `lausitz-brandenburg` v2 gives the revision
 * task 42 days instead of v1's 28, counted from when the task was opened, so migrating a profile in
 * revision moves the task's due date, and its reminders and escalation follow it.
 */

const DAY_MS = 86_400_000;
let database: TestDatabase;
let sink: SmtpSink;
let worker: RunningWorker | undefined;
let people: People;
const registry = buildRegistry();

/** A profile in revision, the revision requested at `at` (the task opens then). */
async function inRevision(title: string, at: Date) {
  const deps: EngineDeps = { db: database.db, registry, now: () => at };
  const profile = await createProfile(deps, people.applicant1, { data: completeProfile({ title }) });
  await applyEvent(deps, people.applicant1, { profileId: profile.id, type: 'SUBMIT' });
  return profile.id;
}

async function requestRevision(profileId: string, at: Date) {
  const deps: EngineDeps = { db: database.db, registry, now: () => at };
  await applyEvent(deps, people.wrl1, {
    profileId,
    type: 'REQUEST_REVISION',
    payload: { reason: 'Bitte den Finanzierungsplan ergänzen.' },
  });
  return database.db
    .selectFrom('tasks')
    .select(['id', 'created_at', 'due_at'])
    .where('profile_id', '=', profileId)
    .where('kind', '=', 'revise_profile')
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
}

const plannedTimers = (taskId: string) =>
  database.db
    .selectFrom('task_timers')
    .select(['kind', 'due_at', 'fire_at'])
    .where('task_id', '=', taskId)
    .where('status', '=', 'planned')
    .orderBy('fire_at')
    .execute();

// The soon-due profile's revision was requested 42 days ago less 20 s: under v1 it was due two weeks ago,
// under v2 it is due in 20 s. Migrated before the worker starts, so no v1 timer ever fires for it.
const start = Date.now();
const soonRequested = new Date(start - 42 * DAY_MS + 20_000);
let soon: { profileId: string; taskId: string; newDue: Date };
let laterProfileId: string;

beforeAll(async () => {
  database = await createTestDatabase('worker_migration');
  people = await seedPeople(database.db);
  sink = await startSmtpSink();
  const soonProfile = await inRevision('Radweg Migration', soonRequested);
  const task = await requestRevision(soonProfile, soonRequested);
  soon = { profileId: soonProfile, taskId: task.id, newDue: new Date(task.created_at.getTime() + 42 * DAY_MS) };
  // Still in intake at the first migration run: refused there, migrated by the second.
  laterProfileId = await inRevision('Bürgerhaus Migration', new Date());
  const first = await migrateProfiles({ db: database.db, registry }, { workflow: 'lausitz-brandenburg', to: 2 });
  expect(first.outcomes.map((o) => o.status).sort()).toEqual(['migrated', 'refused']);
  worker = await startTestWorker({
    db: database.db,
    schema: database.schema,
    databaseUrl: database.url,
    smtpUrl: sink.url,
    reminderOffsets: [4_000, 2_000],
  });
});

afterAll(async () => {
  await worker?.stop();
  await sink?.close();
  await database?.destroy();
});

describe('a migrated task’s deadline timers', () => {
  it('are moved to the new due date while the worker runs: the old ones cancelled, new ones planned', async () => {
    const task = await requestRevision(laterProfileId, new Date());
    const oldDue = task.due_at as Date;
    expect(oldDue.getTime() - task.created_at.getTime()).toBe(28 * DAY_MS);
    await pollUntil(async () => (await plannedTimers(task.id)).length === 3, 20_000, 'v1 timers planned');
    expect((await plannedTimers(task.id)).every((t) => t.due_at.getTime() === oldDue.getTime())).toBe(true);

    const second = await migrateProfiles({ db: database.db, registry }, { workflow: 'lausitz-brandenburg', to: 2 });
    expect(second.outcomes).toMatchObject([{ profileId: laterProfileId, status: 'migrated' }]);
    const newDue = new Date(task.created_at.getTime() + 42 * DAY_MS);
    await pollUntil(
      async () => (await plannedTimers(task.id)).every((t) => t.due_at.getTime() === newDue.getTime()),
      20_000,
      'timers moved',
    );
    expect((await plannedTimers(task.id)).map((t) => [t.kind, newDue.getTime() - t.fire_at.getTime()])).toEqual([
      ['reminder', 4_000],
      ['reminder', 2_000],
      ['escalation', 0],
    ]);
    const cancelled = await database.db
      .selectFrom('task_timers')
      .select('due_at')
      .where('task_id', '=', task.id)
      .where('status', '=', 'cancelled')
      .execute();
    expect(cancelled.length).toBe(3);
    expect(cancelled.every((t) => t.due_at.getTime() === oldDue.getTime())).toBe(true);
  });

  it('send the reminders for the new due date under v2’s task name, and the applicant one migration notice', async () => {
    const reminders = () =>
      sink.messages.filter(
        (m) => m.cause.startsWith(`reminder:${soon.taskId}:`) || m.cause.startsWith(`escalation:${soon.taskId}:`),
      );
    // Two reminders and the escalation, each to both members of the applicant's organisation.
    await pollUntil(() => reminders().some((m) => m.cause.startsWith('escalation:')), 60_000, 'escalation sent');
    const causes = [...new Set(reminders().map((m) => m.cause))].sort();
    const due = soon.newDue.getTime();
    expect(causes).toEqual([
      `escalation:${soon.taskId}:${due}`,
      `reminder:${soon.taskId}:${due}:2000`,
      `reminder:${soon.taskId}:${due}:4000`,
    ]);
    const reminder = reminders().find((m) => m.cause.endsWith(':4000'));
    expect(reminder?.subject).toContain('Erinnerung: Steckbrief nachbessern und erneut einreichen bis');

    const notices = sink.messages.filter(
      (m) => m.cause.includes(':workflow_migrated:') && m.cause.includes(soon.profileId),
    );
    expect(new Set(notices.map((m) => m.to))).toEqual(new Set([people.applicant1.email, people.applicant2.email]));
    expect(notices[0]?.subject).toContain('Verfahren umgestellt: Überarbeitung');
    expect(notices[0]?.text).toContain('wurde auf eine neue Fassung umgestellt');
  });
});
