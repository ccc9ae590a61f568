import { pipeline, machine as v1 } from '../machine.js';

/**
 * Version 2 of the Brandenburg pipeline: a formal pre-check by the WRL office (Formale Vorprüfung)
 * between submission and the intake check. Every state not named here behaves exactly as in version 1
 * (its configuration is v1's); the guards and actions are v1's too.
 *
 * - SUBMIT leads to `pre_check`; there the office passes the profile on to `intake` (PASS_PRE_CHECK)
 *   or asks for a revision (REQUEST_REVISION, as at intake).
 * - A revision asked for at the pre-check or at intake is resubmitted to the pre-check again.
 */
const { draft: _draft, ...later } = (v1.config.states ?? {}) as Record<string, never>;

export const machine = pipeline.createMachine({
  id: 'lausitz-brandenburg',
  initial: 'draft',
  context: v1.config.context as never,
  states: {
    draft: {
      on: {
        SUBMIT: { target: 'pre_check', guard: 'profileComplete', actions: 'takeWerkstattFromData' },
        WITHDRAW: 'withdrawn',
      },
    },
    pre_check: {
      on: {
        PASS_PRE_CHECK: 'intake',
        REQUEST_REVISION: { target: 'revision', actions: 'revisionFromIntake' },
        WITHDRAW: 'withdrawn',
      },
    },
    ...later,
    revision: {
      on: {
        RESUBMIT: [
          { target: 'pre_check', guard: 'revisionFromIntake', actions: ['clearRevision', 'takeWerkstattFromData'] },
          { target: 'qualification', guard: 'revisionFromQualification', actions: 'clearRevision' },
          {
            target: 'ministry_review',
            guard: 'revisionFromMinistryReview',
            actions: ['clearRevision', 'clearStatements'],
          },
        ],
        WITHDRAW: 'withdrawn',
      },
    },
  },
});
