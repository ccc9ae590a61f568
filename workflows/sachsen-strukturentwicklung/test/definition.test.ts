import {
  Conflict,
  createRegistry,
  type EngineDeps,
  Forbidden,
  GuardFailed,
  NotFound,
  planEvent,
} from '@steckbrief/engine';
import { describe, expect, it } from 'vitest';
import { exampleProposal } from '../src/example.js';
import { sachsenStrukturentwicklung as saxony } from '../src/index.js';
import { initialContext, type SaxonContext } from '../src/machine.js';
import { SCORING } from '../src/scoring.js';

/**
 * The Saxon definition around its machine (who may send what in which state, the tasks each state opens,
 * the profile's visibility scope, the notices, the RBA session kind) through the engine's pure planning
 * step: no database, no HTTP. How it sits next to Brandenburg in one registry: packages/workflows/test.
 */

type Actor = Parameters<typeof planEvent>[1];
type Profile = NonNullable<Parameters<typeof planEvent>[3]>;
type Grant = Actor['grants'][number];

const NOW = new Date('2026-11-30T10:00:00Z');
const OWNER_KEY = 'org:stadt-weisswasser';
const registry = createRegistry([saxony]);
// planEvent plans without a database; the handle is never used.
const deps = { db: undefined as unknown as EngineDeps['db'], registry, now: () => NOW };

const who = (userId: string, ...grants: Grant[]): Actor => ({ userId, organisation: null, grants });
const applicant: Actor = { userId: 'u-applicant', organisation: 'stadt-weisswasser', grants: [{ role: 'applicant' }] };
const landkreis = (lk: string) => who(`u-${lk}`, { role: 'landkreis', landkreis: lk });
const vorpruefstelle = who('u-vp', { role: 'vorpruefstelle' });
const sas = who('u-sas', { role: 'sas' });
const imag = who('u-imag-sn', { role: 'imag-sachsen' });
const rba = (revier: string) => who(`u-rba-${revier}`, { role: 'rba', revier });
const bund = who('u-bund', { role: 'bund' });

const allSevens = Object.fromEntries(SCORING.criteria.map((c) => [c.id, 7]));
const inLausitz: Partial<SaxonContext> = { route: 'landkreis', landkreis: 'goerlitz', revier: 'lausitz' };

function profile(state: string, context: Partial<SaxonContext> = {}, data = exampleProposal()): Profile {
  const ctx: SaxonContext = { ...initialContext, ...context };
  return {
    id: '5c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    workflow_id: saxony.id,
    workflow_version: saxony.version,
    state,
    version: 1,
    data,
    owner_key: OWNER_KEY,
    scope: saxony.scope({ state, context: ctx, data }),
    submitted_at: state === 'draft' ? null : NOW,
    created_at: NOW,
    updated_at: NOW,
    snapshot: { value: state, context: ctx },
    openTasks: saxony.tasks({ state, context: ctx }).map((t) => ({
      id: `task-${t.key}`,
      key: t.key,
      kind: t.kind,
      state,
      assignee_role: t.role,
      assignee_scope: t.scope === 'owner' ? `owner:${OWNER_KEY}` : (t.scope ?? ''),
      due_at: null,
      claimed_by: null,
      created_at: NOW,
    })),
  };
}

const send = (current: Profile, actor: Actor, type: string, payload: Record<string, unknown> = {}) =>
  planEvent(deps, actor, { profileId: current.id, type, payload }, current).write;

function refusal(run: () => unknown): Error & { issues: Array<{ path: string; message: string }> } {
  try {
    run();
  } catch (error) {
    return error as Error & { issues: Array<{ path: string; message: string }> };
  }
  throw new Error('the event was accepted');
}

const tasksOf = (write: ReturnType<typeof send>) =>
  write.openTasks.map((t) => `${t.kind} ${t.assignee_role} ${t.assignee_scope}`.trim());

describe('who may send what', () => {
  it('lets the applicant SUBMIT a complete proposal and refuses one outside flood areas unchecked, naming the field', () => {
    expect(send(profile('draft'), applicant, 'SUBMIT').state).toBe('landkreis_review');
    const error = refusal(() =>
      send(profile('draft', {}, exampleProposal({ outsideFloodArea: false })), applicant, 'SUBMIT'),
    );
    expect(error).toBeInstanceOf(GuardFailed);
    expect(error.issues.map((i) => i.path)).toEqual(['data.outsideFloodArea']);
  });

  it('lets only the proposal’s own Landkreis FORWARD it, and hides it from other Landkreise', () => {
    const review = profile('landkreis_review', inLausitz);
    expect(send(review, landkreis('goerlitz'), 'FORWARD').state).toBe('vorpruefung');
    expect(refusal(() => send(review, landkreis('bautzen'), 'FORWARD'))).toBeInstanceOf(NotFound);
    expect(refusal(() => send(review, sas, 'FORWARD'))).toBeInstanceOf(Forbidden);
  });

  it('lets each stage request a revision only in its own state', () => {
    const reason = { reason: 'Genehmigungsstand fehlt' };
    expect(send(profile('landkreis_review', inLausitz), landkreis('goerlitz'), 'REQUEST_REVISION', reason).state).toBe(
      'revision',
    );
    expect(send(profile('vorpruefung', inLausitz), vorpruefstelle, 'REQUEST_REVISION', reason).state).toBe('revision');
    expect(send(profile('sas_check', inLausitz), sas, 'REQUEST_REVISION', reason).state).toBe('revision');
    expect(
      refusal(() => send(profile('sas_check', inLausitz), vorpruefstelle, 'REQUEST_REVISION', reason)),
    ).toBeInstanceOf(Forbidden);
  });

  it('lets the Vorprüfstelle, the SAS and the RBA REJECT, each in its own state', () => {
    const reason = { reason: 'Nicht förderfähig' };
    expect(send(profile('vorpruefung', inLausitz), vorpruefstelle, 'REJECT', reason).state).toBe('rejected');
    expect(send(profile('sas_check', inLausitz), sas, 'REJECT', reason).state).toBe('rejected');
    expect(send(profile('rba_pending', inLausitz), rba('lausitz'), 'REJECT', reason).state).toBe('rejected');
    expect(refusal(() => send(profile('rba_pending', inLausitz), sas, 'REJECT', reason))).toBeInstanceOf(Forbidden);
  });

  it('refuses a SCORE that leaves out a criterion or rates above the maximum', () => {
    const check = profile('sas_check', inLausitz);
    const { jobs: _jobs, ...missing } = allSevens;
    expect(send(check, sas, 'SCORE', { ratings: allSevens, recommendation: 'Förderempfehlung' }).state).toBe(
      'imag_statement',
    );
    for (const ratings of [missing, { ...allSevens, jobs: SCORING.maxPoints + 1 }]) {
      const error = refusal(() => send(check, sas, 'SCORE', { ratings, recommendation: 'Förderempfehlung' }));
      expect(error.issues.map((i) => i.path)).toEqual(['payload.ratings.jobs']);
    }
  });

  it('lets the RBA of the proposal’s Revier decide, and hides the proposal from the other Revier’s RBA', () => {
    const pending = profile('rba_pending', { ...inLausitz, score: 80 });
    expect(send(pending, rba('lausitz'), 'APPROVE').state).toBe('bund_review');
    expect(refusal(() => send(pending, rba('mitteldeutschland'), 'APPROVE'))).toBeInstanceOf(NotFound);
  });

  it('explains a refused approval below the minimum score', () => {
    const low = profile('rba_pending', { ...inLausitz, score: 41 });
    const error = refusal(() => send(low, rba('lausitz'), 'APPROVE'));
    expect(error).toBeInstanceOf(GuardFailed);
    expect(error.issues[0]?.message).toContain(`unter der Mindestpunktzahl ${SCORING.minimumScore}`);
  });

  it('lets only the Bund answer in the federal review', () => {
    const review = profile('bund_review', { ...inLausitz, score: 80 });
    expect(send(review, bund, 'NO_OBJECTIONS').state).toBe('confirmed');
    expect(send(review, bund, 'OBJECTION', { consequence: 'return', reason: 'Doppelförderung prüfen' }).state).toBe(
      'sas_check',
    );
    expect(refusal(() => send(review, sas, 'NO_OBJECTIONS'))).toBeInstanceOf(Forbidden);
    expect(refusal(() => send(profile('rba_pending', inLausitz), bund, 'NO_OBJECTIONS'))).toBeInstanceOf(Conflict);
  });
});

describe('tasks, deadlines, scope and notices along the procedure', () => {
  it('gives the Landkreis of the proposal its review within 14 days and shows it the proposal', () => {
    const write = send(profile('draft'), applicant, 'SUBMIT');
    expect(write.scope).toEqual({ landkreis: ['goerlitz'], revier: ['lausitz'] });
    expect(tasksOf(write)).toEqual(['landkreis_review landkreis landkreis:goerlitz']);
    expect(write.openTasks[0]?.due_at?.toISOString()).toBe('2026-12-14T10:00:00.000Z');
  });

  it('sends a county-owned proposal to the Vorprüfstelle without a Landkreis in its scope', () => {
    const data = exampleProposal({ sponsor: { name: 'Landkreis Görlitz', kind: 'county' } });
    const write = send(profile('draft', {}, data), applicant, 'SUBMIT');
    expect(write.state).toBe('vorpruefung');
    expect(write.scope).toEqual({ revier: ['lausitz'] });
    expect(tasksOf(write)).toEqual(['precheck vorpruefstelle']);
  });

  it('opens the SAS check, the IMAG statement and, before the RBA, the agenda for the SAS and the decision for the Revier', () => {
    expect(tasksOf(send(profile('vorpruefung', inLausitz), vorpruefstelle, 'PRECHECK'))).toEqual(['sas_check sas']);
    const scored = send(profile('sas_check', inLausitz), sas, 'SCORE', {
      ratings: allSevens,
      recommendation: 'Empfohlen',
    });
    expect(tasksOf(scored)).toEqual(['imag_statement imag-sachsen']);
    const statement = send(profile('imag_statement', { ...inLausitz, score: 70 }), imag, 'STATEMENT', {
      opinion: 'endorse',
      text: 'Die Ressorts stimmen zu.',
    });
    expect(tasksOf(statement)).toEqual(['plan_rba_agenda sas', 'rba_decision rba revier:lausitz']);
  });

  it('asks the applicant to apply at the SAB once the Bund raises no objections', () => {
    const write = send(profile('bund_review', { ...inLausitz, score: 80 }), bund, 'NO_OBJECTIONS');
    expect(tasksOf(write)).toEqual([`apply_at_sab applicant owner:${OWNER_KEY}`]);
  });

  it('tells the applicant of each state change and of a set-aside, and each new group of its task', () => {
    const forwarded = send(profile('landkreis_review', inLausitz), landkreis('goerlitz'), 'FORWARD');
    expect(forwarded.notices.map((n) => `${n.template} ${n.role}`)).toEqual(
      expect.arrayContaining(['state_changed applicant', 'task_assigned vorpruefstelle']),
    );
    expect(
      saxony.notifications({
        event: 'SET_ASIDE',
        from: 'rba_pending',
        to: 'rba_pending',
        context: {},
        payload: {},
        openedTasks: [],
      }),
    ).toEqual([{ template: 'session_result', role: 'applicant', scope: 'owner' }]);
  });
});

describe('the RBA session kind', () => {
  it('is held per Revier with a six-week cut-off, defers by SET_ASIDE and ranks the agenda by the SAS score', () => {
    const rbaKind = saxony.sessions?.rba;
    expect(rbaKind?.cutOff).toEqual({ days: 42 });
    expect(rbaKind).toMatchObject({
      scopeAttribute: 'revier',
      deferEvents: ['SET_ASIDE'],
      agendaStates: ['rba_pending'],
    });
    expect(rbaKind?.rank?.({ state: 'rba_pending', context: { ...initialContext, score: 73 }, data: {} })).toBe(73);
  });
});
