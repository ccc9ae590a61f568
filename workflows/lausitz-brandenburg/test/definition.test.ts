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
import { exampleProfile } from '../src/example.js';
import { lausitzBrandenburg } from '../src/index.js';
import { initialContext, type PipelineContext } from '../src/machine.js';

/**
 * The Brandenburg definition around its machine (who may send what in which state, the tasks each
 * state opens, the profile's visibility scope and the notices) through the engine's pure planning
 * step: no database, no HTTP.
 */

type Actor = Parameters<typeof planEvent>[1];
type Profile = NonNullable<Parameters<typeof planEvent>[3]>;
type Grant = Actor['grants'][number];

const NOW = new Date('2026-11-30T10:00:00Z');
const DAY_MS = 86_400_000;
const OWNER_KEY = 'org:gemeinde-burg';
const registry = createRegistry([lausitzBrandenburg]);
// planEvent plans without a database; the handle is never used.
const deps = { db: undefined as unknown as EngineDeps['db'], registry, now: () => NOW };

const who = (userId: string, ...grants: Grant[]): Actor => ({ userId, organisation: null, grants });
const applicant: Actor = { userId: 'u-applicant', organisation: 'gemeinde-burg', grants: [{ role: 'applicant' }] };
const wrl = who('u-wrl', { role: 'wrl' });
const werkstatt = (n: number) => who(`u-ws${n}`, { role: 'werkstatt', werkstatt: n });
const ministry = (...codes: string[]) =>
  who(`u-${codes.join('-').toLowerCase()}`, ...codes.map((code) => ({ role: 'ministry', ministry: code })));
const commissioner = who('u-commissioner', { role: 'commissioner' });
const imag = who('u-imag', { role: 'imag' });

/** A profile as the engine loads it, in `state` with the tasks that state opens. */
function profile(state: string, context: Partial<PipelineContext> = {}, data = exampleProfile()): Profile {
  const ctx: PipelineContext = { ...initialContext, ...context };
  return {
    id: '0b7e4c1a-2f3d-4e5a-9b6c-7d8e9f0a1b2c',
    workflow_id: lausitzBrandenburg.id,
    workflow_version: lausitzBrandenburg.version,
    state,
    version: 1,
    data,
    owner_key: OWNER_KEY,
    scope: lausitzBrandenburg.scope({ state, context: ctx, data }),
    submitted_at: state === 'draft' ? null : NOW,
    created_at: NOW,
    updated_at: NOW,
    snapshot: { value: state, context: ctx },
    openTasks: lausitzBrandenburg.tasks({ state, context: ctx }).map((t) => ({
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

/** The profile after the planned write, as the next read would load it. */
function after(current: Profile, actor: Actor, type: string, payload: Record<string, unknown> = {}): Profile {
  const write = send(current, actor, type, payload);
  const closed = new Set(write.closeTasks.map((t) => t.id));
  return {
    ...current,
    state: write.state,
    version: current.version + 1,
    scope: write.scope,
    snapshot: write.snapshot,
    openTasks: [
      ...current.openTasks.filter((t) => !closed.has(t.id)),
      ...write.openTasks.map((t) => ({ ...t, claimed_by: null, created_at: NOW })),
    ],
  };
}

function refusal(run: () => unknown): Error & { issues: Array<{ path: string; message: string }> } {
  try {
    run();
  } catch (error) {
    return error as Error & { issues: Array<{ path: string; message: string }> };
  }
  throw new Error('the event was accepted');
}

const inReview = { werkstatt: 4, leadMinistry: 'MIL', ministries: ['MIL', 'MWAE'] } as Partial<PipelineContext>;

describe('who may send what', () => {
  it('lets the applicant SUBMIT a complete draft and refuses an incomplete one, naming the missing field', () => {
    expect(send(profile('draft'), applicant, 'SUBMIT').state).toBe('intake');
    const error = refusal(() => send(profile('draft', {}, exampleProfile({ title: undefined })), applicant, 'SUBMIT'));
    expect(error).toBeInstanceOf(GuardFailed);
    expect(error.issues.map((i) => i.path)).toEqual(['data.title']);
  });

  it('lets the WRL office request a revision at intake, and not in the ministry review', () => {
    expect(send(profile('intake'), wrl, 'REQUEST_REVISION', { reason: 'Kosten fehlen' }).state).toBe('revision');
    const error = refusal(() =>
      send(profile('ministry_review', inReview), wrl, 'REQUEST_REVISION', { reason: 'Nein' }),
    );
    expect(error).toBeInstanceOf(Forbidden);
  });

  it('lets only the lead ministry request a revision in the ministry review, and says so to the others', () => {
    const review = profile('ministry_review', inReview);
    expect(send(review, ministry('MIL'), 'REQUEST_REVISION', { reason: 'Unklar' }).state).toBe('revision');
    const error = refusal(() => send(review, ministry('MWAE'), 'REQUEST_REVISION', { reason: 'Unklar' }));
    expect(error).toBeInstanceOf(GuardFailed);
    expect(error.issues[0]?.message).toContain('Only the lead ministry can request a revision');
  });

  it('lets the WRL office REJECT at intake and the IMAG when the profile is before it, and no one else', () => {
    expect(send(profile('intake'), wrl, 'REJECT', { reason: 'Nicht förderfähig' }).state).toBe('rejected');
    expect(send(profile('imag_pending'), imag, 'REJECT', { reason: 'Kein Budget' }).state).toBe('rejected');
    expect(refusal(() => send(profile('imag_pending'), wrl, 'REJECT', { reason: 'Nein' }))).toBeInstanceOf(Forbidden);
    expect(refusal(() => send(profile('intake'), imag, 'REJECT', { reason: 'Nein' }))).toBeInstanceOf(Forbidden);
  });

  it('lets the profile’s own Werkstatt and the WRL office VOTE, and hides the profile from other Werkstätten', () => {
    const qualification = profile('qualification', { werkstatt: 4 });
    const vote = { votum: 'negative', reason: 'Kein Strukturbezug' };
    expect(send(qualification, werkstatt(4), 'VOTE', vote).state).toBe('rejected');
    expect(send(qualification, wrl, 'VOTE', vote).state).toBe('rejected');
    expect(refusal(() => send(qualification, werkstatt(2), 'VOTE', vote))).toBeInstanceOf(NotFound);
  });

  it('hides a profile in ministry review from ministries that are not involved', () => {
    const error = refusal(() => send(profile('ministry_review', inReview), ministry('MBJS'), 'STATEMENT', {}));
    expect(error).toBeInstanceOf(NotFound);
  });

  it('explains a refused STATEMENT: already answered, not the sender’s ministry, or which ministry is meant', () => {
    const answered = profile('ministry_review', {
      ...inReview,
      statements: { MIL: { opinion: 'endorse', text: 'Ja', by: 'u-mil' } },
    });
    const statement = { opinion: 'endorse', text: 'Einverstanden' };
    expect(refusal(() => send(answered, ministry('MIL'), 'STATEMENT', statement)).issues[0]?.message).toBe(
      'Das Ressort MIL hat bereits Stellung genommen. / Ministry MIL has already given its statement.',
    );
    const review = profile('ministry_review', inReview);
    const named = { ...statement, ministry: 'MWAE' };
    expect(refusal(() => send(review, ministry('MIL'), 'STATEMENT', named)).issues[0]?.message).toBe(
      'Sie gehören nicht zum Ressort MWAE. / You do not belong to ministry MWAE.',
    );
    expect(refusal(() => send(review, ministry('MIL', 'MWAE'), 'STATEMENT', statement)).issues[0]?.message).toBe(
      'Bitte das Ressort angeben, für das Sie Stellung nehmen. / Please name the ministry you speak for.',
    );
  });

  it('lets the commissioner APPROVE or RETURN and the IMAG CONFIRM or DEFER, each in its own state', () => {
    expect(send(profile('commissioner_approval'), commissioner, 'APPROVE').state).toBe('imag_pending');
    expect(send(profile('commissioner_approval'), commissioner, 'RETURN', { reason: 'Nochmal' }).state).toBe(
      'qualification',
    );
    expect(send(profile('imag_pending'), imag, 'CONFIRM', { priority: 3 }).state).toBe('confirmed');
    expect(send(profile('imag_pending'), imag, 'DEFER', { reason: 'Haushalt' }).state).toBe('imag_pending');
    expect(refusal(() => send(profile('imag_pending'), commissioner, 'APPROVE'))).toBeInstanceOf(Conflict);
  });

  it('lets the applicant WITHDRAW from every open state and from no final one', () => {
    for (const state of ['draft', 'intake', 'revision', 'qualification', 'commissioner_approval', 'imag_pending']) {
      expect(send(profile(state, { werkstatt: 4 }), applicant, 'WITHDRAW').state).toBe('withdrawn');
    }
    expect(send(profile('ministry_review', inReview), applicant, 'WITHDRAW').state).toBe('withdrawn');
    for (const state of ['confirmed', 'rejected', 'withdrawn']) {
      expect(refusal(() => send(profile(state), applicant, 'WITHDRAW'))).toBeInstanceOf(Conflict);
    }
  });
});

describe('tasks and visibility along the pipeline', () => {
  const tasksOf = (p: Profile) => p.openTasks.map((t) => `${t.kind} ${t.assignee_role} ${t.assignee_scope}`.trim());

  it('gives the Werkstatt the office assigned the Votum, and the office the agenda', () => {
    const accepted = after(profile('intake', { werkstatt: 4 }), wrl, 'ACCEPT', { werkstatt: 3 });
    expect(accepted.scope).toEqual({ werkstatt: ['3'] });
    expect(tasksOf(accepted)).toEqual(['plan_agenda wrl', 'werkstatt_votum werkstatt werkstatt:3']);
  });

  it('asks each involved ministry for a statement within 21 days and shows them the profile', () => {
    const write = send(profile('qualification', { werkstatt: 4 }), werkstatt(4), 'VOTE', {
      votum: 'positive',
      leadMinistry: 'MIL',
      ministries: ['MWAE'],
    });
    expect(write.scope).toEqual({ werkstatt: ['4'], ministry: ['MIL', 'MWAE'] });
    expect(write.openTasks.map((t) => [t.kind, t.assignee_scope, t.due_at])).toEqual([
      ['ministry_statement', 'ministry:MIL', new Date(NOW.getTime() + 21 * DAY_MS)],
      ['ministry_statement', 'ministry:MWAE', new Date(NOW.getTime() + 21 * DAY_MS)],
    ]);
    // The Werkstatt's Votum task is done; the office's agenda task is no longer needed.
    expect(write.closeTasks).toEqual([
      { id: 'task-qualification:agenda', kind: 'plan_agenda', status: 'cancelled' },
      { id: 'task-qualification:votum', kind: 'werkstatt_votum', status: 'done' },
    ]);
  });

  it('closes only the answering ministry’s task and hands the profile to the commissioner after the last', () => {
    const start = profile('ministry_review', inReview);
    const statement = { opinion: 'endorse', text: 'Einverstanden' };
    const first = send(start, ministry('MWAE'), 'STATEMENT', statement);
    expect(first.state).toBe('ministry_review');
    expect(first.closeTasks).toEqual([{ id: 'task-ministry_review:MWAE', kind: 'ministry_statement', status: 'done' }]);
    expect(first.openTasks).toEqual([]);

    const afterFirst = after(start, ministry('MWAE'), 'STATEMENT', statement);
    expect(afterFirst.openTasks.map((t) => t.id)).toEqual(['task-ministry_review:MIL']);
    const last = send(afterFirst, ministry('MIL'), 'STATEMENT', statement);
    expect(last.state).toBe('commissioner_approval');
    expect(last.closeTasks).toEqual([{ id: 'task-ministry_review:MIL', kind: 'ministry_statement', status: 'done' }]);
    expect(last.openTasks.map((t) => [t.kind, t.assignee_role])).toEqual([['commissioner_approval', 'commissioner']]);
  });

  it('asks the applicant to apply at the ILB once the IMAG confirms', () => {
    const write = send(profile('imag_pending'), imag, 'CONFIRM', {});
    expect(write.openTasks.map((t) => [t.kind, t.assignee_role, t.assignee_scope])).toEqual([
      ['apply_at_ilb', 'applicant', `owner:${OWNER_KEY}`],
    ]);
  });
});

describe('notices', () => {
  const noticesOf = (write: ReturnType<typeof send>) => write.notices.map((n) => `${n.template} ${n.role}`);

  it('tells the applicant of a state change and the WRL office of its new task on SUBMIT', () => {
    expect(noticesOf(send(profile('draft'), applicant, 'SUBMIT'))).toEqual([
      'state_changed applicant',
      'task_assigned wrl',
    ]);
  });

  it('tells the applicant of a deferral as a session result, with no task changing', () => {
    const write = send(profile('imag_pending'), imag, 'DEFER', { reason: 'Haushalt' });
    expect(noticesOf(write)).toEqual(['session_result applicant']);
    expect(write.openTasks).toEqual([]);
    expect(write.closeTasks).toEqual([]);
  });

  it('tells the applicant of a confirmation without a separate notice for their own new task', () => {
    expect(noticesOf(send(profile('imag_pending'), imag, 'CONFIRM', {}))).toEqual(['state_changed applicant']);
  });
});
