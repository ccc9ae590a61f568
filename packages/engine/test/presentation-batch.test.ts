import { describe, expect, it } from 'vitest';
import { presentationProblems, type WorkflowPresentation } from '../src/presentation.js';

const presentation: WorkflowPresentation = {
  noun: 'Antrag',
  createButton: 'Neuen Antrag anlegen',
  sections: [],
  stateTones: {},
  stateExplanations: {},
  submitEvents: {},
  submitNotice: 'Mit dem Absenden geht der Antrag zur Prüfung.',
  withdrawEvent: 'WITHDRAW',
  revisionState: 'draft',
};

describe('a presentation’s batch', () => {
  it('is consistent when its state and event exist', () => {
    const batch = { state: 'submitted', event: 'ACCEPT', title: 'Mehrere Anträge annehmen' };
    expect(presentationProblems({ ...presentation, batch }, ['draft', 'submitted'], ['WITHDRAW', 'ACCEPT'])).toEqual(
      [],
    );
  });

  it('names an unknown state and an unknown event', () => {
    const batch = { state: 'nowhere', event: 'NOTHING', title: 'Mehrere Anträge annehmen' };
    expect(presentationProblems({ ...presentation, batch }, ['draft', 'submitted'], ['WITHDRAW', 'ACCEPT'])).toEqual([
      'presentation batches from unknown state "nowhere"',
      'presentation batches with unknown event "NOTHING"',
    ]);
  });
});
