import { describe, expect, it } from 'vitest';
import { createRegistry, type DeadlineOverrides } from '../src/registry.js';
import { type OpenTask, planTasks } from '../src/tasks.js';
import { NOW, OWNER_KEY, openTask, type ReviewContext, review } from './fixture.js';

const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

function plan(
  state: string,
  current: OpenTask[],
  {
    context = { panel: 'north', comments: 0 } as ReviewContext,
    senderRoles = [] as string[],
    deadlines = {} as DeadlineOverrides,
  } = {},
) {
  return planTasks({
    registry: createRegistry([review], { deadlines }),
    definition: review,
    state,
    context,
    current,
    ownerKey: OWNER_KEY,
    senderRoles,
    now: NOW,
  });
}

const draftTask = openTask({
  key: 'draft',
  kind: 'complete',
  assignee_role: 'applicant',
  assignee_scope: `owner:${OWNER_KEY}`,
});
const triageTask = openTask({ key: 'triage', kind: 'triage', state: 'submitted', assignee_role: 'office' });

describe('planTasks', () => {
  it('opens the tasks the new state wants, with the group, state and due date they belong to', () => {
    const { open } = plan('review', []);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      key: 'decide',
      kind: 'decide',
      state: 'review',
      assignee_role: 'panel',
      assignee_scope: 'panel:north',
      due_at: inDays(10),
      claimed_by: null,
      created_at: NOW,
    });
    expect(open[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('resolves an owner-scoped task to the profile’s owner and leaves a task without due date undated', () => {
    const { open } = plan('draft', []);
    expect(open[0]).toMatchObject({ assignee_role: 'applicant', assignee_scope: `owner:${OWNER_KEY}`, due_at: null });
  });

  it('keeps a task that is still wanted, with its id, due date and claim', () => {
    const claimed = { ...triageTask, due_at: inDays(2), claimed_by: 'u-office' };
    const result = plan('submitted', [claimed]);
    expect(result.open).toEqual([]);
    expect(result.close).toEqual([]);
    expect(result.remaining).toEqual([claimed]);
  });

  it('closes a task no longer wanted as done when the sender belongs to its role', () => {
    const { close } = plan('review', [triageTask], { senderRoles: ['office'] });
    expect(close).toEqual([{ task: triageTask, status: 'done' }]);
  });

  it('closes a task no longer wanted as cancelled when someone else moved the profile on', () => {
    const { close } = plan('withdrawn', [triageTask], { senderRoles: ['applicant'] });
    expect(close).toEqual([{ task: triageTask, status: 'cancelled' }]);
  });

  it('lists the remaining tasks kept first and newly opened after, without their specs', () => {
    const reviewContext: ReviewContext = { panel: 'south', comments: 0 };
    const stale = openTask({ key: 'decide', kind: 'decide', state: 'review', assignee_role: 'panel' });
    const result = plan('review', [draftTask, stale], { context: reviewContext });
    expect(result.close.map((c) => c.task.key)).toEqual(['draft']);
    expect(result.remaining).toEqual([stale]);

    const fresh = plan('submitted', [draftTask]);
    expect(fresh.remaining.map((t) => t.key)).toEqual(['triage']);
    expect(fresh.remaining[0]).not.toHaveProperty('spec');
  });

  it('takes a deployment’s deadline for the task kind before the one for the state and the definition’s', () => {
    const byKind = plan('review', [], { deadlines: { review: { decide: { days: 3 }, review: { days: 7 } } } });
    expect(byKind.open[0]?.due_at).toEqual(inDays(3));
    const byState = plan('review', [], { deadlines: { review: { review: { days: 7 } } } });
    expect(byState.open[0]?.due_at).toEqual(inDays(7));
    const otherWorkflow = plan('review', [], { deadlines: { other: { decide: { days: 1 } } } });
    expect(otherWorkflow.open[0]?.due_at).toEqual(inDays(10));
  });

  it('opens and closes nothing in a final state without tasks when none is open', () => {
    expect(plan('approved', [])).toEqual({ open: [], close: [], remaining: [] });
  });
});
