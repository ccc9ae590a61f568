import type { EngineEvent } from '@steckbrief/engine';
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { exampleProfile } from '../src/example.js';
import { initialContext, type Ministry, machine, type PipelineContext } from '../src/machine.js';

/**
 * The Brandenburg machine stepped with xstate's pure `transition()` (no actor, no database): every
 * transition and guard of src/machine.ts. An event carries what the engine hands the machine: the
 * validated payload, the sender's grants and the profile's data.
 */

type Grant = { role: string; [scope: string]: string | number };
type Snapshot = ReturnType<typeof machine.resolveState>;

const applicant: Grant[] = [{ role: 'applicant' }];
const wrl: Grant[] = [{ role: 'wrl' }];
const werkstatt4: Grant[] = [{ role: 'werkstatt', werkstatt: 4 }];
const commissioner: Grant[] = [{ role: 'commissioner' }];
const imag: Grant[] = [{ role: 'imag' }];
const ministry = (...codes: Ministry[]): Grant[] => codes.map((code) => ({ role: 'ministry', ministry: code }));

const complete = exampleProfile();
const incomplete = exampleProfile({ title: undefined });

function at(value: string, context: Partial<PipelineContext> = {}): Snapshot {
  return machine.resolveState({ value, context: { ...initialContext, ...context } });
}

function event(
  type: string,
  {
    payload = {},
    grants = applicant,
    data = complete,
    userId = 'u-1',
  }: { payload?: Record<string, unknown>; grants?: Grant[]; data?: Record<string, unknown>; userId?: string } = {},
): EngineEvent<Record<string, any>> {
  return { type, payload, data, actor: { userId, organisation: null, grants } };
}

/** The snapshot after the event; `refused` when the machine did not take it (no transition enabled). */
function send(snapshot: Snapshot, e: EngineEvent<Record<string, any>>) {
  const [next] = transition(machine, snapshot, e);
  return { next, refused: !snapshot.can(e), state: next.value, context: next.context };
}

/** A profile in ministry review after a positive Votum naming MIL as lead and MWAE as involved. */
const review = (context: Partial<PipelineContext> = {}) =>
  at('ministry_review', {
    werkstatt: 4,
    leadMinistry: 'MIL',
    ministries: ['MIL', 'MWAE'],
    statements: {},
    ...context,
  });

describe('draft', () => {
  it('SUBMIT with complete data moves to intake and takes the Werkstatt from the data', () => {
    const { state, context, refused } = send(
      at('draft'),
      event('SUBMIT', { data: exampleProfile({ werkstatt: 2, subArea: undefined }) }),
    );
    expect(refused).toBe(false);
    expect(state).toBe('intake');
    expect(context.werkstatt).toBe(2);
  });

  it('SUBMIT with incomplete data is refused and the profile stays a draft', () => {
    const result = send(at('draft'), event('SUBMIT', { data: incomplete }));
    expect(result.refused).toBe(true);
    expect(result.state).toBe('draft');
    expect(result.context).toEqual(initialContext);
  });
});

describe('intake', () => {
  it('ACCEPT moves to qualification with the Werkstatt the office assigns, not the applicant’s', () => {
    const { state, context } = send(
      at('intake', { werkstatt: 4 }),
      event('ACCEPT', { grants: wrl, payload: { werkstatt: 3 } }),
    );
    expect(state).toBe('qualification');
    expect(context.werkstatt).toBe(3);
  });

  it('REQUEST_REVISION moves to revision, remembering intake as the asking stage and counting the round', () => {
    const { state, context } = send(
      at('intake', { revisions: 1 }),
      event('REQUEST_REVISION', { grants: wrl, payload: { reason: 'Kosten fehlen' } }),
    );
    expect(state).toBe('revision');
    expect(context.revisionFrom).toBe('intake');
    expect(context.revisions).toBe(2);
  });

  it('REJECT ends the profile as rejected', () => {
    const { next } = send(at('intake'), event('REJECT', { grants: wrl, payload: { reason: 'Nicht förderfähig' } }));
    expect(next.value).toBe('rejected');
    expect(next.status).toBe('done');
  });
});

describe('revision', () => {
  it('RESUBMIT returns to intake when intake asked, and takes the Werkstatt from the revised data', () => {
    const revised = exampleProfile({ werkstatt: 1, subArea: undefined });
    const { state, context } = send(
      at('revision', { revisionFrom: 'intake', werkstatt: 4, revisions: 1 }),
      event('RESUBMIT', { data: revised }),
    );
    expect(state).toBe('intake');
    expect(context).toMatchObject({ revisionFrom: null, werkstatt: 1, revisions: 1 });
  });

  it('RESUBMIT returns to qualification when the Werkstatt asked, keeping its Werkstatt', () => {
    const { state, context } = send(
      at('revision', { revisionFrom: 'qualification', werkstatt: 3 }),
      event('RESUBMIT', { data: exampleProfile() }),
    );
    expect(state).toBe('qualification');
    expect(context).toMatchObject({ revisionFrom: null, werkstatt: 3 });
  });

  it('RESUBMIT returns to ministry review when the lead ministry asked, and every ministry answers anew', () => {
    const asked = review({
      revisionFrom: 'ministry_review',
      statements: { MWAE: { opinion: 'endorse', text: 'Gut', by: 'u-9' } },
    });
    const { state, context } = send(at('revision', asked.context), event('RESUBMIT'));
    expect(state).toBe('ministry_review');
    expect(context).toMatchObject({
      revisionFrom: null,
      leadMinistry: 'MIL',
      ministries: ['MIL', 'MWAE'],
      statements: {},
    });
  });

  it('RESUBMIT with incomplete data is refused whichever stage asked', () => {
    for (const revisionFrom of ['intake', 'qualification', 'ministry_review'] as const) {
      const result = send(at('revision', { revisionFrom }), event('RESUBMIT', { data: incomplete }));
      expect(result.refused).toBe(true);
      expect(result.state).toBe('revision');
    }
  });
});

describe('qualification', () => {
  const qualification = () => at('qualification', { werkstatt: 4 });
  const vote = (payload: Record<string, unknown>) => event('VOTE', { grants: werkstatt4, payload });

  it('a positive VOTE opens the ministry review with the lead ministry first and no ministry twice', () => {
    const { state, context } = send(
      qualification(),
      vote({ votum: 'positive', leadMinistry: 'MWAE', ministries: ['MIL', 'MWAE', 'MIL'] }),
    );
    expect(state).toBe('ministry_review');
    expect(context).toMatchObject({ leadMinistry: 'MWAE', ministries: ['MWAE', 'MIL'], statements: {} });
  });

  it('a positive VOTE naming only the lead ministry involves that ministry alone', () => {
    const { context } = send(qualification(), vote({ votum: 'positive', leadMinistry: 'MIL' }));
    expect(context.ministries).toEqual(['MIL']);
  });

  it('a VOTE for further qualification sends the profile to revision on behalf of the Werkstatt', () => {
    const { state, context } = send(qualification(), vote({ votum: 'further_qualification', reason: 'Mehr Details' }));
    expect(state).toBe('revision');
    expect(context).toMatchObject({ revisionFrom: 'qualification', revisions: 1 });
  });

  it('a negative VOTE ends the profile as rejected', () => {
    expect(send(qualification(), vote({ votum: 'negative', reason: 'Kein Bezug' })).state).toBe('rejected');
  });

  it('a VOTE without a known votum is refused', () => {
    const result = send(qualification(), vote({ votum: 'abstain' }));
    expect(result.refused).toBe(true);
    expect(result.state).toBe('qualification');
  });
});

describe('ministry_review', () => {
  const statement = (grants: Grant[], payload: Record<string, unknown> = {}, userId = 'u-min') =>
    event('STATEMENT', { grants, userId, payload: { opinion: 'endorse', text: 'Einverstanden', ...payload } });

  it('a STATEMENT of a pending ministry is recorded with its author, and the review goes on', () => {
    const { state, context, refused } = send(review(), statement(ministry('MWAE'), {}, 'u-mwae'));
    expect(refused).toBe(false);
    expect(state).toBe('ministry_review');
    expect(context.statements).toEqual({ MWAE: { opinion: 'endorse', text: 'Einverstanden', by: 'u-mwae' } });
  });

  it('the last pending STATEMENT moves the profile to the commissioner with every statement recorded', () => {
    const first = send(review(), statement(ministry('MIL'), { opinion: 'concerns', text: 'Lärmschutz' }, 'u-mil'));
    const { state, context } = send(first.next, statement(ministry('MWAE'), {}, 'u-mwae'));
    expect(state).toBe('commissioner_approval');
    expect(context.statements).toEqual({
      MIL: { opinion: 'concerns', text: 'Lärmschutz', by: 'u-mil' },
      MWAE: { opinion: 'endorse', text: 'Einverstanden', by: 'u-mwae' },
    });
  });

  it('a second STATEMENT of a ministry that has answered is refused', () => {
    const answered = review({ statements: { MIL: { opinion: 'endorse', text: 'Ja', by: 'u-mil' } } });
    expect(send(answered, statement(ministry('MIL'))).refused).toBe(true);
    expect(send(answered, statement(ministry('MIL'), { ministry: 'MIL' })).refused).toBe(true);
  });

  it('a STATEMENT of a ministry that is not involved is refused', () => {
    expect(send(review(), statement(ministry('MBJS'))).refused).toBe(true);
    expect(send(review(), statement(ministry('MBJS'), { ministry: 'MBJS' })).refused).toBe(true);
  });

  it('a STATEMENT naming a ministry the sender does not belong to is refused', () => {
    expect(send(review(), statement(ministry('MIL'), { ministry: 'MWAE' })).refused).toBe(true);
  });

  it('a sender of two pending ministries must name the one they speak for', () => {
    const both = ministry('MIL', 'MWAE');
    expect(send(review(), statement(both)).refused).toBe(true);
    const named = send(review(), statement(both, { ministry: 'MWAE' }));
    expect(named.refused).toBe(false);
    expect(Object.keys(named.context.statements)).toEqual(['MWAE']);
  });

  it('REQUEST_REVISION by the lead ministry sends the profile to revision on behalf of the ministry review', () => {
    const { state, context } = send(
      review(),
      event('REQUEST_REVISION', { grants: ministry('MIL'), payload: { reason: 'Finanzierung unklar' } }),
    );
    expect(state).toBe('revision');
    expect(context).toMatchObject({ revisionFrom: 'ministry_review', revisions: 1 });
  });

  it('REQUEST_REVISION by an involved ministry that does not lead is refused', () => {
    const result = send(review(), event('REQUEST_REVISION', { grants: ministry('MWAE'), payload: { reason: 'Nein' } }));
    expect(result.refused).toBe(true);
    expect(result.state).toBe('ministry_review');
  });
});

describe('commissioner_approval', () => {
  const approval = () => at('commissioner_approval', { werkstatt: 4, leadMinistry: 'MIL', ministries: ['MIL'] });

  it('APPROVE submits the profile to the IMAG', () => {
    expect(send(approval(), event('APPROVE', { grants: commissioner })).state).toBe('imag_pending');
  });

  it('RETURN sends the profile back to its Werkstatt for qualification', () => {
    const { state, context } = send(
      approval(),
      event('RETURN', { grants: commissioner, payload: { reason: 'Nochmal' } }),
    );
    expect(state).toBe('qualification');
    expect(context.werkstatt).toBe(4);
  });
});

describe('imag_pending', () => {
  const pending = () => at('imag_pending', { werkstatt: 4, deferrals: 1 });

  it('CONFIRM ends the profile as confirmed with the priority the IMAG gives', () => {
    const { next, context } = send(pending(), event('CONFIRM', { grants: imag, payload: { priority: 7 } }));
    expect(next.value).toBe('confirmed');
    expect(next.status).toBe('done');
    expect(context.priority).toBe(7);
  });

  it('CONFIRM without a priority records none', () => {
    expect(send(pending(), event('CONFIRM', { grants: imag })).context.priority).toBeNull();
  });

  it('DEFER keeps the profile pending and counts the deferral', () => {
    const { state, context } = send(pending(), event('DEFER', { grants: imag, payload: { reason: 'Haushalt' } }));
    expect(state).toBe('imag_pending');
    expect(context.deferrals).toBe(2);
  });

  it('REJECT ends the profile as rejected', () => {
    expect(send(pending(), event('REJECT', { grants: imag, payload: { reason: 'Kein Budget' } })).state).toBe(
      'rejected',
    );
  });
});

describe('WITHDRAW', () => {
  const open = [
    'draft',
    'intake',
    'revision',
    'qualification',
    'ministry_review',
    'commissioner_approval',
    'imag_pending',
  ];

  it.each(open)('withdraws the profile from %s', (state) => {
    const { next, refused } = send(at(state), event('WITHDRAW'));
    expect(refused).toBe(false);
    expect(next.value).toBe('withdrawn');
    expect(next.status).toBe('done');
  });

  it.each(['confirmed', 'rejected', 'withdrawn'])('leaves a %s profile as it is', (state) => {
    const { next, refused } = send(at(state), event('WITHDRAW'));
    expect(refused).toBe(true);
    expect(next.value).toBe(state);
  });
});

describe('the transition table', () => {
  /** Every (state, event, target) the machine declares, targetless transitions as their own state. */
  function edges(): string[] {
    const out = new Set<string>();
    for (const [state, node] of Object.entries(machine.root.states)) {
      for (const [type, transitions] of node.transitions) {
        for (const t of transitions) out.add(`${state} ${type} ${t.target?.[0]?.key ?? state}`);
      }
    }
    return [...out].sort();
  }

  // The same edges as the diagram in docs/architecture.md; a new transition needs a spec above.
  it('declares exactly these (state, event, target) transitions', () => {
    expect(edges()).toEqual(
      [
        'draft SUBMIT intake',
        'draft WITHDRAW withdrawn',
        'intake ACCEPT qualification',
        'intake REQUEST_REVISION revision',
        'intake REJECT rejected',
        'intake WITHDRAW withdrawn',
        'revision RESUBMIT intake',
        'revision RESUBMIT qualification',
        'revision RESUBMIT ministry_review',
        'revision WITHDRAW withdrawn',
        'qualification VOTE ministry_review',
        'qualification VOTE revision',
        'qualification VOTE rejected',
        'qualification WITHDRAW withdrawn',
        'ministry_review STATEMENT commissioner_approval',
        'ministry_review STATEMENT ministry_review',
        'ministry_review REQUEST_REVISION revision',
        'ministry_review WITHDRAW withdrawn',
        'commissioner_approval APPROVE imag_pending',
        'commissioner_approval RETURN qualification',
        'commissioner_approval WITHDRAW withdrawn',
        'imag_pending CONFIRM confirmed',
        'imag_pending DEFER imag_pending',
        'imag_pending REJECT rejected',
        'imag_pending WITHDRAW withdrawn',
      ].sort(),
    );
  });

  it('handles an event only in the states the table names', () => {
    const table = new Set(edges().map((e) => e.split(' ').slice(0, 2).join(' ')));
    const types = new Set(edges().map((e) => e.split(' ')[1] as string));
    for (const state of Object.keys(machine.root.states)) {
      for (const type of types) {
        const e = event(type, { grants: [...applicant, ...wrl, ...werkstatt4, ...commissioner, ...imag] });
        if (!table.has(`${state} ${type}`)) expect(send(at(state), e).refused, `${type} in ${state}`).toBe(true);
      }
    }
  });
});

describe('a whole journey', () => {
  it('goes from draft to confirmed through one revision, two statements and one deferral', () => {
    const steps: Array<[EngineEvent<Record<string, any>>, string]> = [
      [event('SUBMIT'), 'intake'],
      [event('REQUEST_REVISION', { grants: wrl, payload: { reason: 'Bitte ergänzen' } }), 'revision'],
      [event('RESUBMIT'), 'intake'],
      [event('ACCEPT', { grants: wrl, payload: { werkstatt: 4 } }), 'qualification'],
      [
        event('VOTE', {
          grants: werkstatt4,
          payload: { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE'] },
        }),
        'ministry_review',
      ],
      [
        event('STATEMENT', { grants: ministry('MWAE'), payload: { opinion: 'endorse', text: 'Ja' } }),
        'ministry_review',
      ],
      [
        event('STATEMENT', { grants: ministry('MIL'), payload: { opinion: 'endorse', text: 'Ja' } }),
        'commissioner_approval',
      ],
      [event('APPROVE', { grants: commissioner }), 'imag_pending'],
      [event('DEFER', { grants: imag, payload: { reason: 'Nächste Sitzung' } }), 'imag_pending'],
      [event('CONFIRM', { grants: imag, payload: { priority: 2 } }), 'confirmed'],
    ];
    let snapshot = at('draft');
    for (const [e, expected] of steps) {
      const result = send(snapshot, e);
      expect(result.refused, `${e.type} in ${String(snapshot.value)}`).toBe(false);
      expect(result.state).toBe(expected);
      snapshot = result.next;
    }
    expect(snapshot.context).toMatchObject({
      revisionFrom: null,
      werkstatt: 4,
      leadMinistry: 'MIL',
      ministries: ['MIL', 'MWAE'],
      priority: 2,
      deferrals: 1,
      revisions: 1,
    });
  });
});
