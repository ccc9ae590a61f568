import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { z } from 'zod';
import {
  DefinitionError,
  defineWorkflow,
  describePayload,
  type EventSpec,
  machineEventTypes,
  machineStateIds,
  type RoleSpec,
  type WorkflowDefinition,
} from '../src/definition.js';
import { NotFound } from '../src/errors.js';
import { createRegistry } from '../src/registry.js';
import { review } from './fixture.js';

const base: WorkflowDefinition = review;
const eventSpec = (type: string) => base.events[type] as EventSpec;

/** Build the review definition with some parts replaced, and report what defineWorkflow throws. */
function problemsWith(changes: Partial<WorkflowDefinition>): string {
  try {
    defineWorkflow({ ...base, ...changes });
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as Error).message;
  }
  throw new Error('defineWorkflow accepted the broken definition');
}

describe('machineStateIds and machineEventTypes', () => {
  it('lists the machine’s top-level states', () => {
    expect(machineStateIds(review.machine)).toEqual([
      'draft',
      'submitted',
      'review',
      'approved',
      'rejected',
      'withdrawn',
    ]);
  });

  it('lists every event the machine handles, in a state or at the root', () => {
    expect([...machineEventTypes(review.machine)].sort()).toEqual([
      'ASSIGN',
      'COMMENT',
      'DECIDE',
      'SUBMIT',
      'WITHDRAW',
    ]);
  });
});

describe('defineWorkflow', () => {
  it('returns a consistent definition unchanged', () => {
    expect(defineWorkflow(review)).toBe(review);
  });

  it('refuses a state without a label, naming the workflow and the state', () => {
    const { withdrawn: _withdrawn, ...states } = review.states;
    expect(problemsWith({ states })).toBe('workflow review@1: state "withdrawn" has no label');
  });

  it('refuses an event the machine handles but the definition does not specify', () => {
    const { COMMENT: _comment, ...events } = review.events;
    expect(problemsWith({ events })).toBe('workflow review@1: event "COMMENT" has no event spec');
  });

  it('refuses an event that names a role the workflow does not declare', () => {
    const events = { ...review.events, DECIDE: { ...eventSpec('DECIDE'), roles: ['panel', 'jury'] } };
    expect(problemsWith({ events })).toBe('workflow review@1: event "DECIDE" names unknown role "jury"');
  });

  it('refuses per-state event roles for a state the machine does not have, and unknown roles there', () => {
    const events = {
      ...review.events,
      COMMENT: { ...eventSpec('COMMENT'), roles: { submitted: ['office'], archive: ['clerk'] } },
    };
    expect(problemsWith({ events })).toBe(
      'workflow review@1: event "COMMENT" names unknown role "clerk"; event "COMMENT" names unknown state "archive"',
    );
  });

  it('refuses an editable state that is not a state of the machine', () => {
    expect(problemsWith({ editableStates: ['draft', 'drafting'] })).toBe(
      'workflow review@1: editable state "drafting" is not a state',
    );
  });

  it('refuses an internal payload field that the event’s payload schema does not have', () => {
    const events = { ...review.events, COMMENT: { ...eventSpec('COMMENT'), internalPayload: ['text', 'mood'] } };
    expect(problemsWith({ events })).toBe(
      'workflow review@1: event "COMMENT" marks unknown payload field "mood" internal',
    );
  });

  it('refuses an enumerated payload value without a German and an English label', () => {
    const decide = eventSpec('DECIDE');
    const events = {
      ...review.events,
      DECIDE: {
        ...decide,
        fields: { verdict: { label: decide.fields?.verdict?.label ?? { de: 'E', en: 'V' }, values: {} } },
      },
    };
    expect(problemsWith({ events })).toBe(
      'workflow review@1: event "DECIDE" payload field "verdict" value "approve" has no German and English label; ' +
        'event "DECIDE" payload field "verdict" value "reject" has no German and English label',
    );
  });

  it('refuses an enumerated scope value without a German and an English label', () => {
    const panel = review.roles.panel as RoleSpec;
    const roles = {
      ...review.roles,
      panel: {
        ...panel,
        scope: { ...panel.scope, labels: { north: { de: 'Nord', en: 'North' } } } as RoleSpec['scope'],
      },
    };
    expect(problemsWith({ roles })).toBe(
      'workflow review@1: role "panel" scope value "south" has no German and English label',
    );
  });

  it('finds enumerated values inside arrays, optional fields and the options of a union', () => {
    const payload = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('one'), tags: z.array(z.enum(['a', 'b'])).default([]) }).strict(),
      z.object({ kind: z.literal('two'), level: z.enum(['low']).optional() }).strict(),
    ]);
    const events = {
      ...review.events,
      DECIDE: { ...eventSpec('DECIDE'), payload, fields: undefined, outcomeField: undefined },
    };
    expect(problemsWith({ events })).toBe(
      [
        'workflow review@1: event "DECIDE" payload field "kind" has no label',
        'event "DECIDE" payload field "kind" value "one" has no German and English label',
        'event "DECIDE" payload field "kind" value "two" has no German and English label',
        'event "DECIDE" payload field "tags" has no label',
        'event "DECIDE" payload field "tags" value "a" has no German and English label',
        'event "DECIDE" payload field "tags" value "b" has no German and English label',
        'event "DECIDE" payload field "level" has no label',
        'event "DECIDE" payload field "level" value "low" has no German and English label',
      ].join('; '),
    );
  });

  it('labels the given payload values in the order of the event’s fields and leaves free text out', () => {
    const spec = {
      ...eventSpec('DECIDE'),
      fields: {
        verdict: eventSpec('DECIDE').fields?.verdict ?? { label: { de: '', en: '' } },
        panels: { label: { de: 'Gremien', en: 'Panels' }, values: { north: { de: 'Nord', en: 'North' } } },
        note: { label: { de: 'Notiz', en: 'Note' } },
      },
    };
    expect(describePayload(spec, { note: 'frei', panels: ['north', 'west'], verdict: 'approve' })).toEqual([
      { field: 'verdict', label: { de: 'Entscheidung', en: 'Verdict' }, values: [{ de: 'Annehmen', en: 'Approve' }] },
      {
        field: 'panels',
        label: { de: 'Gremien', en: 'Panels' },
        values: [
          { de: 'Nord', en: 'North' },
          { de: 'west', en: 'west' },
        ],
      },
    ]);
  });

  it('names every problem of a definition in one message', () => {
    const machine = createMachine({ id: 'tiny', initial: 'a', states: { a: { on: { GO: 'b' } }, b: {} } });
    const message = problemsWith({ machine, states: { a: { de: 'A', en: 'A' } }, events: {}, editableStates: [] });
    expect(message).toBe('workflow review@1: state "b" has no label; event "GO" has no event spec');
  });
});

describe('createRegistry', () => {
  const v2 = { ...review, version: 2 };
  const other = { ...review, id: 'other' };

  it('refuses to start without any workflow', () => {
    expect(() => createRegistry([])).toThrow(DefinitionError);
  });

  it('refuses the same workflow version twice', () => {
    expect(() => createRegistry([review, review])).toThrow('workflow review@1 registered twice');
  });

  it('refuses a role that two workflows scope differently', () => {
    const roles = {
      ...review.roles,
      office: { ...(base.roles.office as RoleSpec), scope: { kind: 'owner' as const } },
    };
    expect(() => createRegistry([review, { ...other, roles }])).toThrow('role "office" is scoped differently in other');
  });

  it('refuses a role that two workflows scope by different attributes', () => {
    const panel = review.roles.panel as RoleSpec;
    const roles = {
      ...review.roles,
      panel: { ...panel, scope: { ...panel.scope, attribute: 'revier' } as RoleSpec['scope'] },
    };
    expect(() => createRegistry([review, { ...other, roles }])).toThrow('role "panel" is scoped differently in other');
  });

  it('finds a workflow’s latest version by id, and any version by id and number', () => {
    const registry = createRegistry([v2, review]);
    expect(registry.get('review')).toBe(v2);
    expect(registry.get('review', 1)).toBe(review);
    expect(registry.get('review', 2)).toBe(v2);
  });

  it('answers NotFound for an unknown workflow or version', () => {
    const registry = createRegistry([review]);
    expect(() => registry.get('missing')).toThrow(NotFound);
    expect(() => registry.get('review', 3)).toThrow(NotFound);
    expect(registry.has('missing')).toBe(false);
    expect(registry.has('review')).toBe(true);
  });

  it('lists the latest version of each workflow once', () => {
    expect(createRegistry([review, v2, other]).list()).toEqual([v2, other]);
  });

  it('defaults to the first workflow unless told otherwise', () => {
    expect(createRegistry([review, other]).defaultWorkflowId).toBe('review');
    expect(createRegistry([review, other], { defaultWorkflowId: 'other' }).defaultWorkflowId).toBe('other');
  });

  it('knows the roles of every workflow by name', () => {
    const registry = createRegistry([review]);
    expect([...registry.roles.keys()].sort()).toEqual(['applicant', 'office', 'panel']);
    expect(registry.roles.get('panel')?.scope).toMatchObject({ kind: 'attribute', attribute: 'panel' });
  });

  it('takes a deadline override by task kind, then by state, then the fallback, else none', () => {
    const registry = createRegistry([review], {
      deadlines: { review: { decide: { days: 2 }, submitted: { days: 4 } } },
    });
    expect(registry.dueFor(review, 'decide', 'review', { days: 10 })).toEqual({ days: 2 });
    expect(registry.dueFor(review, 'triage', 'submitted', { days: 5 })).toEqual({ days: 4 });
    expect(registry.dueFor(review, 'triage', 'review', { days: 5 })).toEqual({ days: 5 });
    expect(registry.dueFor(review, 'triage', 'review', undefined)).toBeNull();
  });
});
