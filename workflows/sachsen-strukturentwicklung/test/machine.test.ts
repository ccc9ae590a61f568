import type { EngineEvent } from '@steckbrief/engine';
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { exampleProposal } from '../src/example.js';
import { initialContext, machine, type SaxonContext } from '../src/machine.js';
import { SCORING, weightedScore } from '../src/scoring.js';

/**
 * The Saxon machine stepped with xstate's pure `transition()` (no actor, no database): every transition
 * and guard of src/machine.ts. An event carries what the engine hands the machine: the validated payload,
 * the sender's grants and the profile's data.
 */

type Grant = { role: string; [scope: string]: string | number };
type Snapshot = ReturnType<typeof machine.resolveState>;

const applicant: Grant[] = [{ role: 'applicant' }];
const complete = exampleProposal();
const countyOwned = exampleProposal({ sponsor: { name: 'Landkreis Görlitz', kind: 'county' } });
const incomplete = exampleProposal({ goal: undefined });
const allTens = Object.fromEntries(SCORING.criteria.map((c) => [c.id, 10]));
const allFours = Object.fromEntries(SCORING.criteria.map((c) => [c.id, 4]));

function at(value: string, context: Partial<SaxonContext> = {}): Snapshot {
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

function send(snapshot: Snapshot, e: EngineEvent<Record<string, any>>) {
  const [next] = transition(machine, snapshot, e);
  return { next, refused: !snapshot.can(e), state: next.value, context: next.context };
}

const inLausitz = { route: 'landkreis', landkreis: 'goerlitz', revier: 'lausitz' } as const;

describe('draft', () => {
  it('SUBMIT of a municipality’s complete proposal moves to the Landkreis and takes Landkreis and Revier from the data', () => {
    const { state, context } = send(at('draft'), event('SUBMIT'));
    expect(state).toBe('landkreis_review');
    expect(context).toMatchObject({ route: 'landkreis', landkreis: 'goerlitz', revier: 'lausitz' });
  });

  it('SUBMIT of a county-owned proposal skips the Landkreis and goes to the pre-check', () => {
    for (const kind of ['county', 'county_company']) {
      const data = exampleProposal({ sponsor: { name: 'Landkreis Görlitz', kind } });
      const { state, context } = send(at('draft'), event('SUBMIT', { data }));
      expect(state).toBe('vorpruefung');
      expect(context.route).toBe('sas');
    }
  });

  it('SUBMIT with incomplete data is refused and the proposal stays a draft', () => {
    for (const data of [
      incomplete,
      exampleProposal({ outsideFloodArea: false }),
      { ...countyOwned, goal: undefined },
    ]) {
      const result = send(at('draft'), event('SUBMIT', { data }));
      expect(result.refused).toBe(true);
      expect(result.state).toBe('draft');
    }
  });
});

describe('landkreis_review', () => {
  it('FORWARD moves to the pre-check', () => {
    expect(send(at('landkreis_review', inLausitz), event('FORWARD')).state).toBe('vorpruefung');
  });

  it('REQUEST_REVISION moves to revision, remembering the Landkreis as the asking stage and counting the round', () => {
    const { state, context } = send(at('landkreis_review', inLausitz), event('REQUEST_REVISION'));
    expect(state).toBe('revision');
    expect(context).toMatchObject({ revisionFrom: 'landkreis_review', revisions: 1 });
  });

  it('REJECT is not an event of the Landkreis', () => {
    expect(send(at('landkreis_review', inLausitz), event('REJECT')).refused).toBe(true);
  });
});

describe('revision', () => {
  it('RESUBMIT returns to the stage that asked and takes the Landkreis and Revier from the revised data', () => {
    const moved = exampleProposal({
      location: { municipality: 'Delitzsch', landkreis: 'nordsachsen' },
      revier: 'mitteldeutschland',
    });
    const targets = {
      landkreis_review: 'landkreis_review',
      vorpruefung: 'vorpruefung',
      sas_check: 'sas_check',
    } as const;
    for (const [from, to] of Object.entries(targets)) {
      const { state, context } = send(
        at('revision', { ...inLausitz, revisionFrom: from as SaxonContext['revisionFrom'], revisions: 1 }),
        event('RESUBMIT', { data: moved }),
      );
      expect(state).toBe(to);
      expect(context).toMatchObject({
        revisionFrom: null,
        landkreis: 'nordsachsen',
        revier: 'mitteldeutschland',
        revisions: 1,
      });
    }
  });

  it('RESUBMIT with incomplete data is refused whichever stage asked', () => {
    for (const revisionFrom of ['landkreis_review', 'vorpruefung', 'sas_check'] as const) {
      const result = send(at('revision', { revisionFrom }), event('RESUBMIT', { data: incomplete }));
      expect(result.refused).toBe(true);
      expect(result.state).toBe('revision');
    }
  });
});

describe('vorpruefung', () => {
  it('PRECHECK moves to the SAS check', () => {
    expect(send(at('vorpruefung', inLausitz), event('PRECHECK')).state).toBe('sas_check');
  });

  it('REQUEST_REVISION moves to revision on behalf of the pre-check', () => {
    const { state, context } = send(at('vorpruefung', inLausitz), event('REQUEST_REVISION'));
    expect(state).toBe('revision');
    expect(context.revisionFrom).toBe('vorpruefung');
  });

  it('REJECT ends the proposal as rejected', () => {
    const { next } = send(at('vorpruefung', inLausitz), event('REJECT'));
    expect(next.value).toBe('rejected');
    expect(next.status).toBe('done');
  });
});

describe('sas_check', () => {
  it('SCORE records the ratings and their weighted score and moves to the IMAG statement', () => {
    const ratings = { jobs: 8, diversification: 6, demography: 5, sustainability: 7, mining_community: 10 };
    const { state, context } = send(at('sas_check', inLausitz), event('SCORE', { payload: { ratings } }));
    expect(state).toBe('imag_statement');
    expect(context.ratings).toEqual(ratings);
    // (30·8 + 20·6 + 15·5 + 15·7 + 20·10) / (100·10) = 74 %
    expect(context.score).toBe(74);
  });

  it('REQUEST_REVISION moves to revision on behalf of the SAS, and REJECT ends the proposal', () => {
    expect(send(at('sas_check', inLausitz), event('REQUEST_REVISION')).context.revisionFrom).toBe('sas_check');
    expect(send(at('sas_check', inLausitz), event('REJECT')).state).toBe('rejected');
  });
});

describe('weightedScore', () => {
  it('is 100 for full marks, 0 for none and the weighted share in between', () => {
    expect(weightedScore(allTens)).toBe(100);
    expect(weightedScore(Object.fromEntries(SCORING.criteria.map((c) => [c.id, 0])))).toBe(0);
    expect(weightedScore(allFours)).toBe(40);
  });

  it('follows a configured set of criteria, weights and maximum', () => {
    const config = {
      criteria: [
        { id: 'a', label: { de: 'A', en: 'A' }, weight: 3 },
        { id: 'b', label: { de: 'B', en: 'B' }, weight: 1 },
      ],
      maxPoints: 4,
      minimumScore: 50,
    };
    expect(weightedScore({ a: 4, b: 0 }, config)).toBe(75);
  });
});

describe('imag_statement', () => {
  it('STATEMENT records the one consolidated statement with its author and moves to the RBA', () => {
    const { state, context } = send(
      at('imag_statement', { ...inLausitz, score: 74 }),
      event('STATEMENT', { payload: { opinion: 'concerns', text: 'Folgekosten klären' }, userId: 'u-imag' }),
    );
    expect(state).toBe('rba_pending');
    expect(context.imagStatement).toEqual({ opinion: 'concerns', text: 'Folgekosten klären', by: 'u-imag' });
  });
});

describe('rba_pending', () => {
  it('APPROVE of a proposal at or above the minimum score moves to the Bund', () => {
    const { state } = send(at('rba_pending', { ...inLausitz, score: SCORING.minimumScore }), event('APPROVE'));
    expect(state).toBe('bund_review');
  });

  it('APPROVE below the minimum score is refused without a reason and taken with one', () => {
    const low = at('rba_pending', { ...inLausitz, score: SCORING.minimumScore - 1 });
    expect(send(low, event('APPROVE')).refused).toBe(true);
    expect(send(low, event('APPROVE', { payload: { reason: 'Bergbaugemeinde, Haushalt reicht' } })).state).toBe(
      'bund_review',
    );
  });

  it('SET_ASIDE keeps the proposal before the RBA and counts the round', () => {
    const { state, context } = send(at('rba_pending', { ...inLausitz, score: 40, setAsides: 1 }), event('SET_ASIDE'));
    expect(state).toBe('rba_pending');
    expect(context.setAsides).toBe(2);
  });

  it('REJECT ends the proposal as rejected', () => {
    expect(send(at('rba_pending', inLausitz), event('REJECT')).state).toBe('rejected');
  });
});

describe('bund_review', () => {
  const scored = {
    ...inLausitz,
    ratings: allTens,
    score: 100,
    imagStatement: { opinion: 'endorse', text: 'Ja', by: 'u' },
  } as const;

  it('NO_OBJECTIONS confirms the project, a final state', () => {
    const { next } = send(at('bund_review', scored), event('NO_OBJECTIONS'));
    expect(next.value).toBe('confirmed');
    expect(next.status).toBe('done');
  });

  it('an OBJECTION that ends the procedure rejects the proposal', () => {
    const { state } = send(at('bund_review', scored), event('OBJECTION', { payload: { consequence: 'end' } }));
    expect(state).toBe('rejected');
  });

  it('an OBJECTION that returns it sends it back to the SAS, clearing score and statement and counting the return', () => {
    const { state, context } = send(
      at('bund_review', scored),
      event('OBJECTION', { payload: { consequence: 'return' } }),
    );
    expect(state).toBe('sas_check');
    expect(context).toMatchObject({ ratings: null, score: null, imagStatement: null, returns: 1 });
  });

  it('an OBJECTION without a known consequence is refused', () => {
    expect(send(at('bund_review', scored), event('OBJECTION', { payload: {} })).refused).toBe(true);
  });
});

describe('WITHDRAW', () => {
  const open = [
    'draft',
    'landkreis_review',
    'revision',
    'vorpruefung',
    'sas_check',
    'imag_statement',
    'rba_pending',
    'bund_review',
  ];

  it('ends every open state as withdrawn', () => {
    for (const state of open) expect(send(at(state, inLausitz), event('WITHDRAW')).state).toBe('withdrawn');
  });

  it('is refused in every final state', () => {
    for (const state of ['confirmed', 'rejected', 'withdrawn']) {
      expect(send(at(state), event('WITHDRAW')).refused).toBe(true);
    }
  });
});
