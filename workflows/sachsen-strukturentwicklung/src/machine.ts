import type { EngineEvent } from '@steckbrief/engine';
import { assign, setup } from 'xstate';
import { completeProfileSchema, isCountyOwned, type Landkreis, type Revier } from './profile-schema.js';
import { SCORING, weightedScore } from './scoring.js';

/** The stages that may ask the sponsor for a revision: RESUBMIT returns there. */
export type RevisionFrom = 'landkreis_review' | 'vorpruefung' | 'sas_check';

export interface ImagStatement {
  opinion: 'endorse' | 'concerns';
  text: string;
  by: string;
}

export interface SaxonContext {
  /** Whether the proposal came through its Landkreis or, county-owned, straight to the SAS. */
  route: 'landkreis' | 'sas' | null;
  landkreis: Landkreis | null;
  revier: Revier | null;
  revisionFrom: RevisionFrom | null;
  revisions: number;
  ratings: Record<string, number> | null;
  score: number | null;
  imagStatement: ImagStatement | null;
  setAsides: number;
  /** Bund objections that sent the proposal back to the SAS. */
  returns: number;
}

type P = Record<string, any>;
type Ev = EngineEvent<P>;

export const initialContext: SaxonContext = {
  route: null,
  landkreis: null,
  revier: null,
  revisionFrom: null,
  revisions: 0,
  ratings: null,
  score: null,
  imagStatement: null,
  setAsides: 0,
  returns: 0,
};

const complete = (e: Ev) => completeProfileSchema.safeParse(e.data).success;
const locationOf = (e: Ev) => ({
  landkreis: ((e.data.location as { landkreis?: Landkreis } | undefined)?.landkreis ?? null) as Landkreis | null,
  revier: (typeof e.data.revier === 'string' ? e.data.revier : null) as Revier | null,
});

/** Below the RBA's minimum score an approval needs a stated reason (SAXONY.md step 5). */
export const meetsMinimum = (c: Pick<SaxonContext, 'score'>, minimum = SCORING.minimumScore) =>
  c.score !== null && c.score >= minimum;

export const machine = setup({
  types: {} as { context: SaxonContext; events: Ev },
  guards: {
    // SAXONY.md step 1: a Landkreis, the Stadt Leipzig or one of their companies submits straight to the SAS.
    completeAndCountyOwned: ({ event }) => complete(event) && isCountyOwned(event.data),
    complete: ({ event }) => complete(event),
    resubmitToLandkreis: ({ context, event }) => context.revisionFrom === 'landkreis_review' && complete(event),
    resubmitToVorpruefung: ({ context, event }) => context.revisionFrom === 'vorpruefung' && complete(event),
    resubmitToSas: ({ context, event }) => context.revisionFrom === 'sas_check' && complete(event),
    approvable: ({ context, event }) =>
      meetsMinimum(context) || (typeof event.payload.reason === 'string' && event.payload.reason.length > 0),
    objectionEnds: ({ event }) => event.payload.consequence === 'end',
    objectionReturns: ({ event }) => event.payload.consequence === 'return',
  },
  actions: {
    viaLandkreis: assign({
      route: 'landkreis',
      landkreis: ({ event }) => locationOf(event).landkreis,
      revier: ({ event }) => locationOf(event).revier,
    }),
    viaSas: assign({
      route: 'sas',
      landkreis: ({ event }) => locationOf(event).landkreis,
      revier: ({ event }) => locationOf(event).revier,
    }),
    // The revised data may name another Landkreis or Revier: scope and tasks follow it.
    takeLocation: assign({
      landkreis: ({ event }) => locationOf(event).landkreis,
      revier: ({ event }) => locationOf(event).revier,
    }),
    revisionFromLandkreis: assign({
      revisionFrom: 'landkreis_review',
      revisions: ({ context }) => context.revisions + 1,
    }),
    revisionFromVorpruefung: assign({ revisionFrom: 'vorpruefung', revisions: ({ context }) => context.revisions + 1 }),
    revisionFromSas: assign({ revisionFrom: 'sas_check', revisions: ({ context }) => context.revisions + 1 }),
    clearRevision: assign({ revisionFrom: null }),
    recordScore: assign({
      ratings: ({ event }) => ({ ...(event.payload.ratings as Record<string, number>) }),
      score: ({ event }) => weightedScore(event.payload.ratings as Record<string, number>),
    }),
    recordImagStatement: assign({
      imagStatement: ({ event }) => ({
        opinion: event.payload.opinion as ImagStatement['opinion'],
        text: event.payload.text as string,
        by: event.actor.userId,
      }),
    }),
    countSetAside: assign({ setAsides: ({ context }) => context.setAsides + 1 }),
    // Returned by the Bund: the SAS scores anew and the IMAG and the RBA see the proposal again.
    returnToSas: assign({
      ratings: null,
      score: null,
      imagStatement: null,
      returns: ({ context }) => context.returns + 1,
    }),
  },
}).createMachine({
  id: 'sachsen-strukturentwicklung',
  initial: 'draft',
  context: initialContext,
  states: {
    draft: {
      on: {
        SUBMIT: [
          { target: 'vorpruefung', guard: 'completeAndCountyOwned', actions: 'viaSas' },
          { target: 'landkreis_review', guard: 'complete', actions: 'viaLandkreis' },
        ],
        WITHDRAW: 'withdrawn',
      },
    },
    landkreis_review: {
      on: {
        FORWARD: 'vorpruefung',
        REQUEST_REVISION: { target: 'revision', actions: 'revisionFromLandkreis' },
        WITHDRAW: 'withdrawn',
      },
    },
    revision: {
      on: {
        RESUBMIT: [
          { target: 'landkreis_review', guard: 'resubmitToLandkreis', actions: ['clearRevision', 'takeLocation'] },
          { target: 'vorpruefung', guard: 'resubmitToVorpruefung', actions: ['clearRevision', 'takeLocation'] },
          { target: 'sas_check', guard: 'resubmitToSas', actions: ['clearRevision', 'takeLocation'] },
        ],
        WITHDRAW: 'withdrawn',
      },
    },
    vorpruefung: {
      on: {
        PRECHECK: 'sas_check',
        REQUEST_REVISION: { target: 'revision', actions: 'revisionFromVorpruefung' },
        REJECT: 'rejected',
        WITHDRAW: 'withdrawn',
      },
    },
    sas_check: {
      on: {
        SCORE: { target: 'imag_statement', actions: 'recordScore' },
        REQUEST_REVISION: { target: 'revision', actions: 'revisionFromSas' },
        REJECT: 'rejected',
        WITHDRAW: 'withdrawn',
      },
    },
    imag_statement: {
      on: {
        STATEMENT: { target: 'rba_pending', actions: 'recordImagStatement' },
        WITHDRAW: 'withdrawn',
      },
    },
    rba_pending: {
      on: {
        APPROVE: { target: 'bund_review', guard: 'approvable' },
        // Set aside: the proposal stays before the RBA and comes onto a later session's agenda.
        SET_ASIDE: { actions: 'countSetAside' },
        REJECT: 'rejected',
        WITHDRAW: 'withdrawn',
      },
    },
    bund_review: {
      on: {
        NO_OBJECTIONS: 'confirmed',
        OBJECTION: [
          { target: 'rejected', guard: 'objectionEnds' },
          { target: 'sas_check', guard: 'objectionReturns', actions: 'returnToSas' },
        ],
        WITHDRAW: 'withdrawn',
      },
    },
    confirmed: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});
