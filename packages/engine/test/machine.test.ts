import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, assign, type SnapshotFrom, setup, transition } from 'xstate';
import { actorInfo } from '../src/access.js';
import type { EngineEvent } from '../src/definition.js';
import {
  eventsHandledIn,
  nextSnapshot,
  persistSnapshot,
  restoreSnapshot,
  type StoredSnapshot,
  stateOf,
} from '../src/machine.js';
import { applicant, office, type ReviewContext, review, reviewMachine } from './fixture.js';

const at = (value: string, context: Partial<ReviewContext> = {}): AnyMachineSnapshot =>
  restoreSnapshot(review, { value, context: { panel: null, comments: 0, ...context } });

function event(type: string, payload: Record<string, unknown> = {}, data: Record<string, unknown> = {}): EngineEvent {
  return { type, payload, data, actor: actorInfo(office) };
}

describe('nextSnapshot', () => {
  it('moves to the target state and applies assign actions to the context', () => {
    const next = nextSnapshot(reviewMachine, at('submitted'), event('ASSIGN', { panel: 'north' }));
    expect(persistSnapshot(next)).toEqual({ value: 'review', context: { panel: 'north', comments: 0 } });
  });

  it('stays in the state for a targetless transition and still updates the context', () => {
    const next = nextSnapshot(reviewMachine, at('review', { panel: 'north', comments: 2 }), event('COMMENT'));
    expect(persistSnapshot(next)).toEqual({ value: 'review', context: { panel: 'north', comments: 3 } });
  });

  it('takes the first transition whose guard passes', () => {
    expect(stateOf(nextSnapshot(reviewMachine, at('review'), event('DECIDE', { verdict: 'approve' })))).toBe(
      'approved',
    );
    expect(stateOf(nextSnapshot(reviewMachine, at('review'), event('DECIDE', { verdict: 'reject' })))).toBe('rejected');
  });

  it('leaves the snapshot where it was when the guard refuses', () => {
    const next = nextSnapshot(reviewMachine, at('draft'), event('SUBMIT', {}, { title: '' }));
    expect(persistSnapshot(next)).toEqual({ value: 'draft', context: { panel: null, comments: 0 } });
  });

  it('handles an event declared at the root in every state that is not final', () => {
    for (const state of ['draft', 'submitted', 'review']) {
      expect(stateOf(nextSnapshot(reviewMachine, at(state), event('WITHDRAW')))).toBe('withdrawn');
    }
  });

  it('computes the same snapshot as xstate’s pure transition()', () => {
    const steps: Array<[string, Partial<ReviewContext>, EngineEvent]> = [
      ['draft', {}, event('SUBMIT', {}, { title: 'Brücke' })],
      ['submitted', {}, event('ASSIGN', { panel: 'south' })],
      ['submitted', { comments: 4 }, event('COMMENT', { text: 'ok' })],
      ['review', { panel: 'south' }, event('DECIDE', { verdict: 'reject' })],
      ['review', {}, event('WITHDRAW')],
    ];
    for (const [state, context, e] of steps) {
      const [expected] = transition(reviewMachine, at(state, context) as SnapshotFrom<typeof reviewMachine>, e);
      const actual = nextSnapshot(reviewMachine, at(state, context), e);
      expect({ value: actual.value, context: actual.context, status: actual.status }).toEqual({
        value: expected.value,
        context: expected.context,
        status: expected.status,
      });
    }
  });

  it('executes no action other than assign', () => {
    const effects: string[] = [];
    const machine = setup({
      types: {} as { context: { n: number }; events: { type: 'GO' } },
      actions: {
        sideEffect: () => {
          effects.push('ran');
        },
        bump: assign({ n: ({ context }) => context.n + 1 }),
      },
    }).createMachine({
      initial: 'a',
      context: { n: 0 },
      states: { a: { on: { GO: { target: 'b', actions: ['sideEffect', 'bump'] } } }, b: { entry: 'sideEffect' } },
    });
    const start = machine.resolveState({ value: 'a', context: { n: 0 } });
    const next = nextSnapshot(machine, start, { type: 'GO' });
    expect(next.value).toBe('b');
    expect(next.context).toEqual({ n: 1 });
    expect(effects).toEqual([]);
  });

  it('gives the same answer for the same input however often it runs', () => {
    const start = at('submitted', { comments: 1 });
    const first = nextSnapshot(reviewMachine, start, event('COMMENT'));
    const second = nextSnapshot(reviewMachine, start, event('COMMENT'));
    expect(persistSnapshot(second)).toEqual(persistSnapshot(first));
    expect(persistSnapshot(start)).toEqual({ value: 'submitted', context: { panel: null, comments: 1 } });
  });
});

describe('restoreSnapshot, persistSnapshot and stateOf', () => {
  it('restores a stored snapshot that persists back to the same value and context', () => {
    const stored: StoredSnapshot = { value: 'review', context: { panel: 'south', comments: 7 } };
    const snapshot = restoreSnapshot(review, stored);
    expect(snapshot.value).toBe('review');
    expect(persistSnapshot(snapshot)).toEqual(stored);
  });

  it('restores a final state as a finished machine', () => {
    expect(at('approved').status).toBe('done');
  });

  it('refuses a nested state value, since workflows must be flat machines', () => {
    const nested = { ...at('review'), value: { review: 'inner' } } as unknown as AnyMachineSnapshot;
    expect(() => stateOf(nested)).toThrow('workflows must be flat machines');
  });
});

describe('eventsHandledIn', () => {
  it('lists the events of the state and those handled at the root', () => {
    expect([...eventsHandledIn(review, 'submitted')].sort()).toEqual(['ASSIGN', 'COMMENT', 'WITHDRAW']);
    expect([...eventsHandledIn(review, 'draft')].sort()).toEqual(['SUBMIT', 'WITHDRAW']);
  });

  it('lists no event for a final state, not even root events', () => {
    for (const state of ['approved', 'rejected', 'withdrawn']) expect(eventsHandledIn(review, state).size).toBe(0);
  });

  it('agrees with the snapshot about what a guardless event can do', () => {
    const e: EngineEvent = { type: 'ASSIGN', payload: { panel: 'north' }, data: {}, actor: actorInfo(applicant) };
    expect(at('submitted').can(e)).toBe(eventsHandledIn(review, 'submitted').has('ASSIGN'));
    expect(at('draft').can(e)).toBe(eventsHandledIn(review, 'draft').has('ASSIGN'));
  });
});
