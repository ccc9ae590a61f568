import type { Db } from '@steckbrief/db';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../src/access.js';
import {
  Conflict,
  type DomainError,
  Forbidden,
  GuardFailed,
  InvalidEvent,
  NotFound,
  StaleVersion,
} from '../src/errors.js';
import { createRegistry, type DeadlineOverrides } from '../src/registry.js';
import type { LoadedProfile } from '../src/store.js';
import { type EventInput, planEvent } from '../src/transition.js';
import { outboxRowOf } from '../src/writer.js';
import {
  actor,
  applicant,
  loadedProfile,
  NOW,
  northPanel,
  OWNER_KEY,
  office,
  PROFILE_ID,
  type ReviewContext,
  review,
} from './fixture.js';

/** planEvent must not touch the database: any use of this handle fails the test. */
const noDatabase = new Proxy({} as Db, {
  get(_target, property) {
    throw new Error(`planEvent touched the database (${String(property)})`);
  },
});

function plan(
  who: Actor,
  profile: LoadedProfile | undefined,
  input: Omit<EventInput, 'profileId'>,
  deadlines: DeadlineOverrides = {},
) {
  const deps = { db: noDatabase, registry: createRegistry([review], { deadlines }), now: () => NOW };
  return planEvent(deps, who, { profileId: PROFILE_ID, ...input }, profile);
}

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('planEvent accepted the event');
}

const DAY_MS = 86_400_000;
const inReview: ReviewContext = { panel: 'north', comments: 0 };

describe('planEvent refuses', () => {
  it('a profile that does not exist with NotFound', () => {
    expect(refusal(() => plan(office, undefined, { type: 'ASSIGN' }))).toBeInstanceOf(NotFound);
  });

  it('a profile the caller may not see with NotFound, before saying anything about the event', () => {
    // The office sees no drafts; a panel sees only profiles of its own panel.
    expect(refusal(() => plan(office, loadedProfile('draft'), { type: 'NO_SUCH_EVENT' }))).toBeInstanceOf(NotFound);
    const southReview = loadedProfile('review', { context: { panel: 'south', comments: 0 } });
    expect(refusal(() => plan(northPanel, southReview, { type: 'DECIDE' }))).toBeInstanceOf(NotFound);
  });

  it('an unknown event with InvalidEvent listing the events the workflow knows', () => {
    const error = refusal(() => plan(office, loadedProfile('submitted'), { type: 'APPROVE' }));
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error.issues).toEqual([
      { path: 'type', message: 'Erlaubt sind / allowed: SUBMIT, ASSIGN, COMMENT, DECIDE, WITHDRAW' },
    ]);
  });

  it('a stale If-Match version with StaleVersion', () => {
    const error = refusal(() =>
      plan(office, loadedProfile('submitted', { version: 4 }), {
        type: 'ASSIGN',
        payload: { panel: 'north' },
        expectedVersion: 3,
      }),
    );
    expect(error).toBeInstanceOf(StaleVersion);
  });

  it('an event none of whose roles the caller holds with Forbidden', () => {
    const error = refusal(() => plan(office, loadedProfile('submitted'), { type: 'WITHDRAW' }));
    expect(error).toBeInstanceOf(Forbidden);
    expect(error.message).toContain('Your role may not send this event');
  });

  it('an event the current state does not handle with Conflict naming the state', () => {
    const error = refusal(() => plan(office, loadedProfile('review', { context: inReview }), { type: 'ASSIGN' }));
    expect(error).toBeInstanceOf(Conflict);
    expect(error.message).toBe('"ASSIGN" ist im Status "In Prüfung" nicht möglich. / Not allowed in state review.');
  });

  it('every event in a final state with Conflict', () => {
    const error = refusal(() => plan(applicant, loadedProfile('withdrawn'), { type: 'WITHDRAW' }));
    expect(error).toBeInstanceOf(Conflict);
  });

  it('an event whose roles in this state the caller does not hold with Forbidden', () => {
    // COMMENT is the office's in `submitted` and the panel's in `review`.
    const error = refusal(() =>
      plan(office, loadedProfile('review', { context: inReview }), { type: 'COMMENT', payload: { text: 'Gut' } }),
    );
    expect(error).toBeInstanceOf(Forbidden);
    expect(error.message).toContain('Not your role in this state');
  });

  it('an event whose role the caller holds only for other profiles with Forbidden', () => {
    // Sees the profile as office, holds the panel role only for the other panel.
    const both = actor([{ role: 'office' }, { role: 'panel', panel: 'south' }]);
    const error = refusal(() =>
      plan(both, loadedProfile('review', { context: inReview }), { type: 'DECIDE', payload: { verdict: 'approve' } }),
    );
    expect(error).toBeInstanceOf(Forbidden);
  });

  it('a payload that fails its schema with InvalidEvent naming each field under payload', () => {
    const error = refusal(() =>
      plan(office, loadedProfile('submitted'), { type: 'ASSIGN', payload: { panel: 'east', extra: 1 } }),
    );
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['payload.extra', 'payload.panel']);
  });

  it('an event the machine’s guard refuses with GuardFailed and the definition’s explanation', () => {
    const error = refusal(() => plan(applicant, loadedProfile('draft', { data: { title: '' } }), { type: 'SUBMIT' }));
    expect(error).toBeInstanceOf(GuardFailed);
    expect(error.message).toContain('"Einreichen"');
    expect(error.issues).toEqual([{ path: 'data.title', message: 'Titel fehlt / Title missing' }]);
  });
});

describe('planEvent, for an event it accepts,', () => {
  it('plans the new state, snapshot, version, history entry and submission mark', () => {
    const { write } = plan(applicant, loadedProfile('draft'), { type: 'SUBMIT', comment: 'Bitte prüfen' });
    expect(write).toMatchObject({
      profileId: PROFILE_ID,
      workflowId: 'review',
      expectedVersion: 3,
      at: NOW,
      state: 'submitted',
      snapshot: { value: 'submitted', context: { panel: null, comments: 0 } },
      scope: {},
      markSubmitted: true,
      history: {
        event: 'SUBMIT',
        from: 'draft',
        to: 'submitted',
        actorId: 'u-applicant',
        payload: {},
        comment: 'Bitte prüfen',
      },
    });
    expect(write.idempotency).toBeUndefined();
    expect(write.session).toBeUndefined();
  });

  it('closes the tasks the old state wanted and opens those of the new one, due after their duration', () => {
    const { write } = plan(applicant, loadedProfile('draft'), { type: 'SUBMIT' });
    expect(write.closeTasks).toEqual([{ id: 'task-draft', kind: 'complete', status: 'done' }]);
    expect(write.openTasks).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        key: 'triage',
        kind: 'triage',
        state: 'submitted',
        assignee_role: 'office',
        assignee_scope: '',
        due_at: new Date(NOW.getTime() + 5 * DAY_MS),
      },
    ]);
  });

  it('cancels a task of another group when the owner withdraws the profile', () => {
    const { write } = plan(applicant, loadedProfile('submitted'), { type: 'WITHDRAW' });
    expect(write.state).toBe('withdrawn');
    expect(write.markSubmitted).toBe(false);
    expect(write.closeTasks).toEqual([{ id: 'task-triage', kind: 'triage', status: 'cancelled' }]);
    expect(write.openTasks).toEqual([]);
  });

  it('takes the deployment’s deadline override for a new task', () => {
    const { write } = plan(applicant, loadedProfile('draft'), { type: 'SUBMIT' }, { review: { triage: { days: 2 } } });
    expect(write.openTasks[0]?.due_at).toEqual(new Date(NOW.getTime() + 2 * DAY_MS));
  });

  it('scopes the profile from the new context, so the assigned panel can see it', () => {
    const { write, view } = plan(office, loadedProfile('submitted'), { type: 'ASSIGN', payload: { panel: 'north' } });
    expect(write.scope).toEqual({ panel: ['north'] });
    expect(write.snapshot).toEqual({ value: 'review', context: { panel: 'north', comments: 0 } });
    expect(write.openTasks.map((t) => [t.assignee_role, t.assignee_scope])).toEqual([['panel', 'panel:north']]);
    expect(view.tasks.map((t) => t.scope)).toEqual(['panel:north']);
  });

  it('writes one outbox row for the transition, keyed by profile and new version, with its notices and task changes', () => {
    const { write } = plan(applicant, loadedProfile('draft'), { type: 'SUBMIT' });
    const row = outboxRowOf(write);
    expect(row?.topic).toBe('transition');
    expect(row?.cause).toBe(`transition:${PROFILE_ID}:4`);
    const opened = write.openTasks[0];
    expect(row?.payload).toEqual({
      profileId: PROFILE_ID,
      workflow: 'review',
      seq: 4,
      event: 'SUBMIT',
      from: 'draft',
      to: 'submitted',
      notices: [
        {
          cause: `notify:${PROFILE_ID}:4:state_changed:applicant:owner:${OWNER_KEY}`,
          template: 'state_changed',
          recipients: { role: 'applicant', scope: `owner:${OWNER_KEY}` },
        },
        {
          cause: `notify:${PROFILE_ID}:4:task_assigned:office:`,
          template: 'task_assigned',
          recipients: { role: 'office', scope: '' },
        },
      ],
      tasks: [
        {
          change: 'opened',
          taskId: opened?.id,
          kind: 'triage',
          dueAt: opened?.due_at?.toISOString(),
          assignee: { role: 'office', scope: '' },
        },
        { change: 'closed', taskId: 'task-draft', kind: 'complete', status: 'done' },
      ],
    });
  });

  it('writes no outbox row for a change that notifies nobody and moves no task', () => {
    const { write } = plan(office, loadedProfile('submitted'), { type: 'COMMENT', payload: { text: 'Gesehen' } });
    expect(write.state).toBe('submitted');
    expect(write.snapshot.context).toEqual({ panel: null, comments: 1 });
    expect(write.closeTasks).toEqual([]);
    expect(write.openTasks).toEqual([]);
    expect(write.notices).toEqual([]);
    expect(outboxRowOf(write)).toBeNull();
  });

  it('answers with the new state, version and open tasks, and the events the caller may send now', () => {
    const { view } = plan(office, loadedProfile('submitted'), { type: 'ASSIGN', payload: { panel: 'north' } });
    expect(view).toMatchObject({
      id: PROFILE_ID,
      workflow: 'review',
      workflowVersion: 1,
      state: 'review',
      stateLabel: { de: 'In Prüfung', en: 'In review' },
      version: 4,
      updatedAt: NOW.toISOString(),
    });
    expect(view.tasks.map((t) => t.key)).toEqual(['decide']);
    // The office may still do nothing in review: COMMENT there is the panel's.
    expect(view.availableEvents).toEqual([]);
  });

  it('lists the events the caller may send in the new state', () => {
    const { view } = plan(northPanel, loadedProfile('review', { context: inReview }), {
      type: 'COMMENT',
      payload: { text: 'Nachfrage' },
    });
    expect(view.availableEvents.map((e) => e.type).sort()).toEqual(['COMMENT', 'DECIDE']);
  });

  it('keeps the first submission time when a profile is submitted again', () => {
    const profile = loadedProfile('draft');
    const firstSubmission = new Date('2026-10-01T09:00:00Z');
    const { view, write } = plan(applicant, { ...profile, submitted_at: firstSubmission }, { type: 'SUBMIT' });
    expect(view.submittedAt).toBe(firstSubmission.toISOString());
    expect(write.markSubmitted).toBe(true);
  });

  it('records the answer under the Idempotency-Key when the request carries one', () => {
    const { write, view } = plan(applicant, loadedProfile('draft'), { type: 'SUBMIT', idempotencyKey: 'k-1' });
    expect(write.idempotency).toEqual({
      userId: 'u-applicant',
      key: 'k-1',
      requestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      status: 200,
      body: view,
    });
  });

  it('hashes the same request alike and a request with another payload differently', () => {
    const hashOf = (payload: Record<string, unknown>) =>
      plan(office, loadedProfile('submitted'), { type: 'ASSIGN', payload, idempotencyKey: 'k' }).write.idempotency
        ?.requestHash;
    expect(hashOf({ panel: 'north' })).toBe(hashOf({ panel: 'north' }));
    expect(hashOf({ panel: 'north' })).not.toBe(hashOf({ panel: 'south' }));
  });

  it('carries a session decision through to the write', () => {
    const session = { sessionId: 's-1', defers: false };
    const { write } = plan(northPanel, loadedProfile('review', { context: inReview }), {
      type: 'DECIDE',
      payload: { verdict: 'approve' },
      session,
    });
    expect(write.state).toBe('approved');
    expect(write.session).toEqual(session);
    expect(write.closeTasks).toEqual([{ id: 'task-decide', kind: 'decide', status: 'done' }]);
  });
});
