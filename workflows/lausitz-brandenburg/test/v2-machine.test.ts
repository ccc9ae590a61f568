import type { EngineEvent } from '@steckbrief/engine';
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { exampleProfile } from '../src/example.js';
import { lausitzBrandenburg } from '../src/index.js';
import { initialContext, type PipelineContext } from '../src/machine.js';
import { lausitzBrandenburgV2 } from '../src/v2/index.js';
import { machine } from '../src/v2/machine.js';

/**
 * Version 2 of the Brandenburg machine stepped with xstate's pure `transition()` (no actor, no
 * database): the formal pre-check before intake, the resubmission paths that lead back to it, and
 * the states v2 takes over from v1 unchanged.
 */

type Grant = { role: string; [scope: string]: string | number };
type Snapshot = ReturnType<typeof machine.resolveState>;

const applicant: Grant[] = [{ role: 'applicant' }];
const wrl: Grant[] = [{ role: 'wrl' }];
const complete = exampleProfile();

const at = (value: string, context: Partial<PipelineContext> = {}): Snapshot =>
  machine.resolveState({ value, context: { ...initialContext, ...context } });

function send(
  snapshot: Snapshot,
  type: string,
  grants: Grant[],
  payload: Record<string, unknown> = {},
  data = complete,
) {
  const e: EngineEvent<Record<string, any>> = {
    type,
    payload,
    data,
    actor: { userId: 'u-1', organisation: null, grants },
  };
  const refused = !snapshot.can(e);
  const [next] = transition(machine, snapshot, e);
  return { refused, state: next.value, context: next.context as PipelineContext };
}

describe('lausitz-brandenburg v2 machine', () => {
  it('SUBMIT with complete data moves to the formal pre-check, not to intake', () => {
    expect(send(at('draft'), 'SUBMIT', applicant)).toMatchObject({ refused: false, state: 'pre_check' });
    expect(send(at('draft'), 'SUBMIT', applicant, {}, exampleProfile({ title: undefined })).refused).toBe(true);
  });

  it('PASS_PRE_CHECK moves the profile from the pre-check to the intake check', () => {
    expect(send(at('pre_check'), 'PASS_PRE_CHECK', wrl)).toMatchObject({ refused: false, state: 'intake' });
  });

  it('REQUEST_REVISION at the pre-check opens a revision that is resubmitted to the pre-check', () => {
    const revised = send(at('pre_check'), 'REQUEST_REVISION', wrl, { reason: 'Formblatt fehlt' });
    expect(revised).toMatchObject({ state: 'revision', context: { revisionFrom: 'intake', revisions: 1 } });
    const back = send(at('revision', revised.context), 'RESUBMIT', applicant);
    expect(back).toMatchObject({ refused: false, state: 'pre_check', context: { revisionFrom: null } });
  });

  it('a revision asked for at intake is resubmitted to the pre-check as well', () => {
    const revised = send(at('intake'), 'REQUEST_REVISION', wrl, { reason: 'Kosten unklar' });
    expect(send(at('revision', revised.context), 'RESUBMIT', applicant).state).toBe('pre_check');
  });

  it('a revision from the Werkstatt or the ministry review returns where it came from, as in v1', () => {
    expect(send(at('revision', { revisionFrom: 'qualification' }), 'RESUBMIT', applicant).state).toBe('qualification');
    expect(send(at('revision', { revisionFrom: 'ministry_review' }), 'RESUBMIT', applicant).state).toBe(
      'ministry_review',
    );
  });

  it('WITHDRAW ends the procedure from the pre-check; final states take no event', () => {
    expect(send(at('pre_check'), 'WITHDRAW', applicant).state).toBe('withdrawn');
    expect(send(at('confirmed'), 'WITHDRAW', applicant).refused).toBe(true);
  });

  it('keeps v1’s intake and later states: ACCEPT assigns the Werkstatt, the commissioner approves', () => {
    expect(send(at('intake'), 'ACCEPT', wrl, { werkstatt: 3 })).toMatchObject({
      state: 'qualification',
      context: { werkstatt: 3 },
    });
    expect(send(at('commissioner_approval'), 'APPROVE', [{ role: 'commissioner' }]).state).toBe('imag_pending');
    expect(send(at('pre_check'), 'ACCEPT', wrl, { werkstatt: 3 }).refused).toBe(true);
  });
});

describe('lausitz-brandenburg v2 definition', () => {
  const tasks = (state: string) => lausitzBrandenburgV2.tasks({ state, context: initialContext });

  it('gives the WRL office the formal pre-check within 5 days', () => {
    expect(tasks('pre_check')).toEqual([{ key: 'pre_check', kind: 'formal_pre_check', role: 'wrl', due: { days: 5 } }]);
  });

  it('renames the revision task and gives the applicant 42 days instead of 28', () => {
    expect(lausitzBrandenburg.tasks({ state: 'revision', context: initialContext })[0]?.due).toEqual({ days: 28 });
    expect(tasks('revision')[0]).toMatchObject({ key: 'revision', kind: 'revise_profile', due: { days: 42 } });
    expect(lausitzBrandenburgV2.taskKinds.revise_profile?.de).toBe('Steckbrief nachbessern und erneut einreichen');
    expect(lausitzBrandenburg.taskKinds.revise_profile?.de).toBe('Steckbrief überarbeiten');
  });

  it('maps every v1 state onto itself except intake, which it leaves unmapped', () => {
    const v1States = Object.keys(lausitzBrandenburg.states);
    const mapped = lausitzBrandenburgV2.migrations?.states ?? {};
    expect(v1States.filter((s) => !(s in mapped))).toEqual(['intake']);
    for (const [from, to] of Object.entries(mapped)) expect(to).toBe(from);
    expect(lausitzBrandenburgV2.migrations?.from).toBe(1);
  });

  it('lets only the WRL office pass the pre-check or ask for a revision there', () => {
    expect(lausitzBrandenburgV2.events.PASS_PRE_CHECK?.roles).toEqual(['wrl']);
    expect(lausitzBrandenburgV2.events.REQUEST_REVISION?.roles).toMatchObject({ pre_check: ['wrl'] });
  });
});
