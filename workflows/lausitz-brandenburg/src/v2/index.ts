import { defineWorkflow, type EventSpec, type Label, type TaskSpec } from '@steckbrief/engine';
import { z } from 'zod';
import { lausitzBrandenburg as v1 } from '../index.js';
import { machine } from './machine.js';

const L = (de: string, en: string): Label => ({ de, en });

const { draft, ...laterStates } = v1.states;

/**
 * Version 2 of `lausitz-brandenburg`: the WRL office's formal pre-check (Formale Vorprüfung) before
 * the intake check, which becomes the check of content; the applicant's revision task is renamed
 * ("Steckbrief nachbessern und erneut einreichen") and gets six weeks instead of four. Everything else
 * is version 1's: roles, profile data, the other events and tasks, sessions, budget and notices.
 *
 * Profiles started on version 1 keep running on it. `pnpm steckbrief workflows migrate
 * lausitz-brandenburg --to 2` moves them over state by state as `migrations.states` says. A profile in
 * `intake` is not moved: whether the office already checked its form under version 1 is not recorded,
 * so it finishes its intake on version 1 and can be moved once it has left that state.
 */
export const lausitzBrandenburgV2 = defineWorkflow({
  ...v1,
  version: 2,
  machine,
  states: {
    draft,
    pre_check: L('Formale Vorprüfung', 'Formal pre-check'),
    ...laterStates,
    intake: L('Inhaltliche Eingangsprüfung', 'Content intake check'),
  },
  events: {
    ...v1.events,
    PASS_PRE_CHECK: {
      label: L('Formale Vorprüfung abschließen', 'Complete the formal pre-check'),
      roles: ['wrl'],
      payload: z.object({}).strict(),
    },
    REQUEST_REVISION: {
      ...(v1.events.REQUEST_REVISION as EventSpec),
      roles: { pre_check: ['wrl'], intake: ['wrl'], ministry_review: ['ministry'] },
    },
  },
  taskKinds: {
    ...v1.taskKinds,
    formal_pre_check: L('Formale Vorprüfung durchführen', 'Carry out the formal pre-check'),
    intake_check: L('Inhaltliche Eingangsprüfung durchführen', 'Carry out the content intake check'),
    revise_profile: L('Steckbrief nachbessern und erneut einreichen', 'Rework and resubmit the profile'),
  },
  tasks({ state, context }): TaskSpec[] {
    switch (state) {
      case 'pre_check':
        return [{ key: 'pre_check', kind: 'formal_pre_check', role: 'wrl', due: { days: 5 } }];
      case 'revision':
        return [{ key: 'revision', kind: 'revise_profile', role: 'applicant', scope: 'owner', due: { days: 42 } }];
      default:
        return v1.tasks({ state, context });
    }
  },
  budget: v1.budget && { ...v1.budget, pendingStates: ['pre_check', ...v1.budget.pendingStates] },
  // The pages show the new state like the other states before a decision and say what it means.
  presentation: v1.presentation && {
    ...v1.presentation,
    stateTones: { ...v1.presentation.stateTones, pre_check: 'info' },
    stateExplanations: {
      ...v1.presentation.stateExplanations,
      pre_check: L(
        'Die Geschäftsstelle der WRL prüft, ob der Steckbrief formal vollständig ist.',
        'The WRL office checks that the profile is formally complete.',
      ),
    },
  },
  migrations: {
    from: 1,
    states: {
      draft: 'draft',
      revision: 'revision',
      qualification: 'qualification',
      ministry_review: 'ministry_review',
      commissioner_approval: 'commissioner_approval',
      imag_pending: 'imag_pending',
      confirmed: 'confirmed',
      rejected: 'rejected',
      withdrawn: 'withdrawn',
    },
  },
});
