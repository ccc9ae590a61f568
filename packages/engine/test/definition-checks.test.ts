import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { DefinitionError, defineWorkflow, type EventSpec, type WorkflowDefinition } from '../src/definition.js';
import { machineEdges } from '../src/definition-checks.js';
import { createRegistry } from '../src/registry.js';
import { review, reviewMachine } from './fixture.js';

/**
 * The load-time checks, one deliberately broken definition per rule: each stops the start with one
 * line naming the workflow, its version and the offending state, event, task or field.
 */

const TEMPLATES = ['state_changed', 'task_assigned', 'workflow_migrated'];

function refusal(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('the broken definition was accepted');
}

const broken = (changes: Partial<WorkflowDefinition>) => () => defineWorkflow({ ...review, ...changes });

describe('definitions checked when they load', () => {
  it('accepts the consistent fixture, also in a registry that knows its notice templates', () => {
    expect(() => createRegistry([review], { noticeTemplates: TEMPLATES })).not.toThrow();
  });

  it('refuses a state the machine cannot reach from its initial state', () => {
    const machine = createMachine({
      ...reviewMachine.config,
      states: { ...reviewMachine.config.states, archived: { type: 'final' } },
    } as never);
    const states = { ...review.states, archived: { de: 'Archiviert', en: 'Archived' } };
    expect(refusal(broken({ machine, states }))).toBe(
      'workflow review@1: state "archived" is not reachable from "draft"',
    );
  });

  it('refuses a task whose role the workflow does not declare', () => {
    const tasks: WorkflowDefinition['tasks'] = (args) =>
      args.state === 'submitted' ? [{ key: 'triage', kind: 'triage', role: 'jury' }] : review.tasks(args);
    expect(refusal(broken({ tasks }))).toBe(
      'workflow review@1: state "submitted" task "triage" names undeclared role "jury"',
    );
  });

  it('refuses an event without a payload schema', () => {
    const events = {
      ...review.events,
      COMMENT: { ...(review.events.COMMENT as EventSpec), payload: undefined as unknown as EventSpec['payload'] },
    };
    expect(refusal(broken({ events }))).toBe('workflow review@1: event "COMMENT" has no payload schema');
  });

  it('refuses a notice template the deployment does not know, naming the transition', () => {
    const notifications: WorkflowDefinition['notifications'] = (t) =>
      t.event === 'ASSIGN' ? [{ template: 'panel_letter', role: 'panel', scope: '' }] : [];
    const definition = defineWorkflow({ ...review, notifications });
    expect(refusal(() => createRegistry([definition], { noticeTemplates: TEMPLATES }))).toBe(
      'workflow review@1: event "ASSIGN" from "submitted" to "review" sends unknown notice template "panel_letter"',
    );
  });

  it('refuses a state label without English', () => {
    const states = { ...review.states, review: { de: 'In Prüfung', en: ' ' } };
    expect(refusal(broken({ states }))).toBe('workflow review@1: state "review" has no German and English label');
  });

  it('refuses a task kind label without German', () => {
    const taskKinds = { ...review.taskKinds, decide: { de: '', en: 'Decide' } };
    expect(refusal(broken({ taskKinds }))).toBe(
      'workflow review@1: task kind "decide" has no German and English label',
    );
  });

  it('refuses a migration onto a state the new version does not have', () => {
    const migrations = { from: 1, states: { draft: 'draft', review: 'in_review' } };
    expect(refusal(broken({ version: 2, migrations }))).toBe(
      'workflow review@2: migration maps state "review" onto unknown state "in_review"',
    );
  });

  it('refuses a migration from a version that is not registered, or from a state that version lacks', () => {
    const v2 = defineWorkflow({ ...review, version: 2, migrations: { from: 1, states: { archive: 'draft' } } });
    expect(refusal(() => createRegistry([v2]))).toBe(
      'workflow review@2: migration from version 1, which is not registered',
    );
    expect(refusal(() => createRegistry([review, v2]))).toBe(
      'workflow review@2: migration maps state "archive", which version 1 does not have',
    );
  });

  it('refuses a migration when the deployment cannot send its notice', () => {
    const v2 = defineWorkflow({ ...review, version: 2, migrations: { from: 1, states: { draft: 'draft' } } });
    expect(refusal(() => createRegistry([review, v2], { noticeTemplates: ['state_changed', 'task_assigned'] }))).toBe(
      'workflow review@2: migration notice template "workflow_migrated" is unknown',
    );
  });

  it('refuses a default version for new profiles that is not registered', () => {
    expect(refusal(() => createRegistry([review], { defaultVersions: { review: 3 } }))).toBe(
      'workflow review@3: configured for new profiles but not registered',
    );
  });

  it('lists every transition of the machine, root transitions from every open state', () => {
    const edges = machineEdges(review.machine).map((e) => `${e.from} ${e.event} ${e.to}`);
    expect(edges).toContain('draft SUBMIT submitted');
    expect(edges).toContain('submitted COMMENT submitted');
    expect(edges).toContain('review WITHDRAW withdrawn');
    expect(edges.some((e) => e.startsWith('approved '))).toBe(false);
  });
});

describe('versions in the registry', () => {
  const v2 = defineWorkflow({ ...review, version: 2, migrations: { from: 1, states: { draft: 'draft' } } });

  it('starts new profiles on the latest version unless a default version is configured', () => {
    expect(createRegistry([review, v2]).get('review')).toBe(v2);
    expect(createRegistry([review, v2]).defaultVersion('review')).toBe(2);
    const pinned = createRegistry([review, v2], { defaultVersions: { review: 1 } });
    expect(pinned.get('review')).toBe(review);
    expect(pinned.list()).toEqual([review]);
    expect(pinned.get('review', 2)).toBe(v2);
  });

  it('lists every registered version of a workflow, oldest first', () => {
    expect(createRegistry([v2, review]).versions('review')).toEqual([review, v2]);
    expect(createRegistry([review]).versions('missing')).toEqual([]);
  });
});
