import { createRegistry, planMigration } from '@steckbrief/engine';
import { describe, expect, it } from 'vitest';
import { lausitzBrandenburg } from '../src/index.js';
import { initialContext, type PipelineContext } from '../src/machine.js';
import { lausitzBrandenburgV2 } from '../src/v2/index.js';

/**
 * Planning the migration of a v1 profile onto v2 without a database: the MIGRATE change the writer
 * would commit (history entry, version, tasks, notice), and the refusal of an unmapped state.
 */

const DAY_MS = 86_400_000;
const registry = createRegistry([lausitzBrandenburg, lausitzBrandenburgV2]);
const OPENED = new Date('2026-11-02T09:00:00Z');
const NOW = new Date('2026-11-30T12:00:00Z');
const OWNER = 'org:Gemeinde Schipkau';

type Planned = ReturnType<typeof planMigration>;

function profileIn(
  state: string,
  context: Partial<PipelineContext>,
  tasks: Array<{ key: string; kind: string; role: string; scope?: string; due: Date | null }>,
) {
  return {
    id: '6f1c2a4e-9b7d-4c3e-8a21-0d5e6f7a8b9c',
    workflow_id: 'lausitz-brandenburg',
    workflow_version: 1,
    state,
    version: 4,
    data: { title: 'Radweg' },
    owner_key: OWNER,
    scope: {},
    submitted_at: OPENED,
    created_at: OPENED,
    updated_at: OPENED,
    snapshot: { value: state, context: { ...initialContext, ...context } },
    openTasks: tasks.map((t, i) => ({
      id: `00000000-0000-4000-8000-00000000000${i}`,
      key: t.key,
      kind: t.kind,
      state,
      assignee_role: t.role,
      assignee_scope: t.scope ?? '',
      due_at: t.due,
      claimed_by: null,
      created_at: OPENED,
    })),
  };
}

const plan = (profile: ReturnType<typeof profileIn>): Planned =>
  planMigration({ registry, source: lausitzBrandenburg, target: lausitzBrandenburgV2, profile, now: NOW });
const changeOf = (planned: Planned) => {
  if (!('change' in planned)) throw new Error(`refused: ${planned.refused}`);
  return planned.change;
};

describe('planning the migration of a v1 profile onto v2', () => {
  it('records one MIGRATE entry with both versions and notifies the applicant once', () => {
    const change = changeOf(
      plan(
        profileIn('draft', {}, [
          { key: 'draft', kind: 'complete_profile', role: 'applicant', scope: `owner:${OWNER}`, due: null },
        ]),
      ),
    );
    expect(change).toMatchObject({
      expectedVersion: 4,
      workflowVersion: 2,
      state: 'draft',
      history: {
        event: 'MIGRATE',
        from: 'draft',
        to: 'draft',
        actorId: null,
        payload: { fromVersion: 1, toVersion: 2 },
      },
      notices: [{ template: 'workflow_migrated', role: 'applicant', scope: `owner:${OWNER}` }],
      openTasks: [],
      closeTasks: [],
      dueChanges: [],
    });
  });

  it('moves the revision task’s due date from 28 to 42 days after it opened, keeping the task', () => {
    const change = changeOf(
      plan(
        profileIn('revision', { revisionFrom: 'intake', revisions: 1 }, [
          {
            key: 'revision',
            kind: 'revise_profile',
            role: 'applicant',
            scope: `owner:${OWNER}`,
            due: new Date(OPENED.getTime() + 28 * DAY_MS),
          },
        ]),
      ),
    );
    expect(change.dueChanges).toEqual([
      {
        taskId: '00000000-0000-4000-8000-000000000000',
        kind: 'revise_profile',
        dueAt: new Date(OPENED.getTime() + 42 * DAY_MS),
      },
    ]);
    expect(change.openTasks).toEqual([]);
    expect(change.closeTasks).toEqual([]);
    expect(change.snapshot?.context).toMatchObject({ revisionFrom: 'intake', revisions: 1 });
  });

  it('keeps an extension the office granted: the due date moves by the 14 days v2 adds', () => {
    const extended = new Date(OPENED.getTime() + 35 * DAY_MS);
    const change = changeOf(
      plan(
        profileIn('revision', { revisionFrom: 'intake' }, [
          { key: 'revision', kind: 'revise_profile', role: 'applicant', scope: `owner:${OWNER}`, due: extended },
        ]),
      ),
    );
    expect(change.dueChanges?.[0]?.dueAt).toEqual(new Date(extended.getTime() + 14 * DAY_MS));
  });

  it('leaves tasks whose deadline v2 does not change as they are', () => {
    const change = changeOf(
      plan(
        profileIn('qualification', { werkstatt: 4 }, [
          { key: 'qualification:agenda', kind: 'plan_agenda', role: 'wrl', due: null },
          { key: 'qualification:votum', kind: 'werkstatt_votum', role: 'werkstatt', scope: 'werkstatt:4', due: null },
        ]),
      ),
    );
    expect([change.openTasks, change.closeTasks, change.dueChanges]).toEqual([[], [], []]);
    expect(change.scope).toEqual({ werkstatt: ['4'] });
  });

  it('refuses a profile in intake, naming the state', () => {
    expect(plan(profileIn('intake', {}, [{ key: 'intake', kind: 'intake_check', role: 'wrl', due: null }]))).toEqual({
      refused:
        'Status "Eingangsprüfung" (intake) hat in Version 2 keine Entsprechung. / State intake has no mapping in version 2.',
    });
  });
});
