import type { EngineEvent } from '@steckbrief/engine';
import { assign, setup } from 'xstate';
import { completeProfileSchema } from './profile-schema.js';

export const MINISTRIES = ['MIL', 'MLUK', 'MBJS', 'MSGIV', 'MWFK', 'MWAE', 'STK'] as const;
export type Ministry = (typeof MINISTRIES)[number];
export type RevisionFrom = 'intake' | 'qualification' | 'ministry_review';

export interface Statement {
  opinion: 'endorse' | 'concerns';
  text: string;
  by: string;
}

export interface PipelineContext {
  /** The stage that asked for the revision: RESUBMIT returns there. */
  revisionFrom: RevisionFrom | null;
  werkstatt: number | null;
  leadMinistry: Ministry | null;
  ministries: Ministry[];
  statements: Partial<Record<Ministry, Statement>>;
  priority: number | null;
  deferrals: number;
  revisions: number;
}

type P = Record<string, any>;
type Ev = EngineEvent<P>;

const holdsMinistry = (e: Ev, ministry: string | null) =>
  ministry !== null && e.actor.grants.some((g) => g.role === 'ministry' && g.ministry === ministry);

/** Which ministry a STATEMENT speaks for: the payload's, or the sender's only pending one. */
export function statementMinistry(context: PipelineContext, e: Ev): Ministry | null {
  if (e.payload.ministry) return e.payload.ministry as Ministry;
  const mine = pendingMinistries(context).filter((m) => holdsMinistry(e, m));
  return mine.length === 1 ? (mine[0] as Ministry) : null;
}

export const pendingMinistries = (c: PipelineContext) => c.ministries.filter((m) => !c.statements[m]);

export const initialContext: PipelineContext = {
  revisionFrom: null,
  werkstatt: null,
  leadMinistry: null,
  ministries: [],
  statements: {},
  priority: null,
  deferrals: 0,
  revisions: 0,
};

/** Types, guards and actions of the pipeline, shared by the machines of every version (src/v2/machine.ts). */
export const pipeline = setup({
  types: {} as { context: PipelineContext; events: Ev },
  guards: {
    profileComplete: ({ event }) => completeProfileSchema.safeParse(event.data).success,
    revisionFromIntake: ({ context, event }) =>
      context.revisionFrom === 'intake' && completeProfileSchema.safeParse(event.data).success,
    revisionFromQualification: ({ context, event }) =>
      context.revisionFrom === 'qualification' && completeProfileSchema.safeParse(event.data).success,
    revisionFromMinistryReview: ({ context, event }) =>
      context.revisionFrom === 'ministry_review' && completeProfileSchema.safeParse(event.data).success,
    votePositive: ({ event }) => event.payload.votum === 'positive',
    voteFurtherQualification: ({ event }) => event.payload.votum === 'further_qualification',
    voteNegative: ({ event }) => event.payload.votum === 'negative',
    statementAllowed: ({ context, event }) => {
      const m = statementMinistry(context, event);
      return m !== null && pendingMinistries(context).includes(m) && holdsMinistry(event, m);
    },
    lastStatement: ({ context, event }) => {
      const m = statementMinistry(context, event);
      const pending = pendingMinistries(context);
      return m !== null && pending.length === 1 && pending[0] === m && holdsMinistry(event, m);
    },
    senderIsLeadMinistry: ({ context, event }) => holdsMinistry(event, context.leadMinistry),
  },
  actions: {
    takeWerkstattFromData: assign({
      werkstatt: ({ event }) => (typeof event.data.werkstatt === 'number' ? event.data.werkstatt : null),
    }),
    takeWerkstattFromPayload: assign({ werkstatt: ({ event }) => event.payload.werkstatt as number }),
    revisionFromIntake: assign({ revisionFrom: 'intake', revisions: ({ context }) => context.revisions + 1 }),
    revisionFromQualification: assign({
      revisionFrom: 'qualification',
      revisions: ({ context }) => context.revisions + 1,
    }),
    revisionFromMinistryReview: assign({
      revisionFrom: 'ministry_review',
      revisions: ({ context }) => context.revisions + 1,
    }),
    clearRevision: assign({ revisionFrom: null }),
    // A resubmitted profile has changed: every involved ministry reviews it anew.
    clearStatements: assign({ statements: {} }),
    openMinistryReview: assign({
      leadMinistry: ({ event }) => event.payload.leadMinistry as Ministry,
      ministries: ({ event }) => [
        ...new Set([event.payload.leadMinistry as Ministry, ...((event.payload.ministries ?? []) as Ministry[])]),
      ],
      statements: {},
    }),
    recordStatement: assign({
      statements: ({ context, event }) => ({
        ...context.statements,
        [statementMinistry(context, event) as Ministry]: {
          opinion: event.payload.opinion,
          text: event.payload.text,
          by: event.actor.userId,
        },
      }),
    }),
    recordPriority: assign({ priority: ({ event }) => (event.payload.priority as number | undefined) ?? null }),
    countDeferral: assign({ deferrals: ({ context }) => context.deferrals + 1 }),
  },
});

export const machine = pipeline.createMachine({
  id: 'lausitz-brandenburg',
  initial: 'draft',
  context: initialContext,
  states: {
    draft: {
      on: {
        SUBMIT: { target: 'intake', guard: 'profileComplete', actions: 'takeWerkstattFromData' },
        WITHDRAW: 'withdrawn',
      },
    },
    intake: {
      on: {
        ACCEPT: { target: 'qualification', actions: 'takeWerkstattFromPayload' },
        REQUEST_REVISION: { target: 'revision', actions: 'revisionFromIntake' },
        REJECT: 'rejected',
        WITHDRAW: 'withdrawn',
      },
    },
    revision: {
      on: {
        RESUBMIT: [
          { target: 'intake', guard: 'revisionFromIntake', actions: ['clearRevision', 'takeWerkstattFromData'] },
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
    qualification: {
      on: {
        VOTE: [
          { target: 'ministry_review', guard: 'votePositive', actions: 'openMinistryReview' },
          { target: 'revision', guard: 'voteFurtherQualification', actions: 'revisionFromQualification' },
          { target: 'rejected', guard: 'voteNegative' },
        ],
        WITHDRAW: 'withdrawn',
      },
    },
    ministry_review: {
      on: {
        STATEMENT: [
          { target: 'commissioner_approval', guard: 'lastStatement', actions: 'recordStatement' },
          { guard: 'statementAllowed', actions: 'recordStatement' },
        ],
        REQUEST_REVISION: { target: 'revision', guard: 'senderIsLeadMinistry', actions: 'revisionFromMinistryReview' },
        WITHDRAW: 'withdrawn',
      },
    },
    commissioner_approval: {
      on: {
        APPROVE: 'imag_pending',
        RETURN: 'qualification',
        WITHDRAW: 'withdrawn',
      },
    },
    imag_pending: {
      on: {
        CONFIRM: { target: 'confirmed', actions: 'recordPriority' },
        // Deferred projects stay pending and go on the next session's agenda.
        DEFER: { actions: 'countDeferral' },
        REJECT: 'rejected',
        WITHDRAW: 'withdrawn',
      },
    },
    confirmed: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});
