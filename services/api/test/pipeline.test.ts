import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeProfile, startTestApi, type TestApi } from './helpers.js';

/**
 * Every transition and guard of the lausitz-brandenburg pipeline (SPEC §3), driven over HTTP.
 * After each step the test compares the whole history ({seq, event, from, to}) and the open tasks.
 */

const ORG = 'Gemeinde Burg';
const OWNER_SCOPE = `owner:org:${ORG}`;

let api: TestApi;
type User = { id: string; token: string };
let owner: User, wrl: User, w4: User, w2: User, mil: User, mwae: User, mbjs: User, commissioner: User, imag: User;

beforeAll(async () => {
  api = await startTestApi('pipeline');
  [owner, wrl, w4, w2, mil, mwae, mbjs, commissioner, imag] = await Promise.all([
    api.user([{ role: 'applicant' }], ORG),
    api.user([{ role: 'wrl' }]),
    api.user([{ role: 'werkstatt', werkstatt: 4 }]),
    api.user([{ role: 'werkstatt', werkstatt: 2 }]),
    api.user([{ role: 'ministry', ministry: 'MIL' }]),
    api.user([{ role: 'ministry', ministry: 'MWAE' }]),
    api.user([{ role: 'ministry', ministry: 'MBJS' }]),
    api.user([{ role: 'commissioner' }]),
    api.user([{ role: 'imag' }]),
  ]);
});
afterAll(async () => {
  await api?.close();
});

type HistoryRow = [seq: number, event: string, from: string | null, to: string];

/** Open tasks as "kind role scope", sorted: what a state promises to whom. */
const taskList = (profile: { tasks: Array<{ kind: string; role: string; scope: string | null }> }) =>
  profile.tasks.map((t) => `${t.kind} ${t.role} ${t.scope ?? ''}`.trim()).sort();

const TASKS = {
  draft: [`complete_profile applicant ${OWNER_SCOPE}`],
  intake: ['intake_check wrl'],
  revision: [`revise_profile applicant ${OWNER_SCOPE}`],
  qualificationW4: ['plan_agenda wrl', 'werkstatt_votum werkstatt werkstatt:4'],
  qualificationW2: ['plan_agenda wrl', 'werkstatt_votum werkstatt werkstatt:2'],
  ministryReviewBoth: ['ministry_statement ministry ministry:MIL', 'ministry_statement ministry ministry:MWAE'],
  commissioner_approval: ['commissioner_approval commissioner'],
  imag_pending: ['imag_decision imag'],
  confirmed: [`apply_at_ilb applicant ${OWNER_SCOPE}`],
  none: [] as string[],
} satisfies Record<string, string[]>;

/** One profile walked through the pipeline; every step checks state, history and open tasks. */
class Walk {
  expected: HistoryRow[] = [];
  constructor(
    readonly id: string,
    public state: string,
  ) {
    this.expected.push([1, 'CREATE', null, 'draft']);
  }

  static async start(data = completeProfile()): Promise<Walk> {
    const res = await api.request(owner.token, 'POST', '/api/v1/profiles', { data });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.state).toBe('draft');
    expect(taskList(res.body)).toEqual(TASKS.draft);
    return new Walk(res.body.id, 'draft');
  }

  async send(user: User, type: string, payload?: unknown) {
    return api.request(user.token, 'POST', `/api/v1/profiles/${this.id}/events`, { type, payload });
  }

  /** Send an event that must succeed and lead to `to` with exactly `tasks` open. */
  async step(user: User, type: string, payload: unknown, to: string, tasks: string[]) {
    const res = await this.send(user, type, payload);
    expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
    expect(res.body.state).toBe(to);
    expect(taskList(res.body)).toEqual([...tasks].sort());
    this.expected.push([this.expected.length + 1, type, this.state, to]);
    expect(res.body.version).toBe(this.expected.length);
    this.state = to;
    await this.expectHistory();
    return res.body;
  }

  /** Send an event that must fail with `status`; nothing about the profile may change. */
  async refused(user: User, type: string, payload: unknown, status: number) {
    const before = await this.read(owner);
    const res = await this.send(user, type, payload);
    expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(status);
    const after = await this.read(owner);
    expect(after.version).toBe(before.version);
    expect(after.state).toBe(before.state);
    expect(after.data).toEqual(before.data);
    expect(after.tasks).toEqual(before.tasks);
    await this.expectHistory();
    return res.body;
  }

  async read(user: User) {
    const res = await api.request(user.token, 'GET', `/api/v1/profiles/${this.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  async expectHistory() {
    const res = await api.request(owner.token, 'GET', `/api/v1/profiles/${this.id}/history`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((h: any) => [h.seq, h.event, h.from, h.to])).toEqual(this.expected);
    return res.body.items as Array<{ seq: number; event: string; payload: any; comment: string | null }>;
  }

  // The happy path in reusable pieces.
  submit = () => this.step(owner, 'SUBMIT', undefined, 'intake', TASKS.intake);
  accept = (werkstatt = 4) =>
    this.step(
      wrl,
      'ACCEPT',
      { werkstatt },
      'qualification',
      werkstatt === 4 ? TASKS.qualificationW4 : TASKS.qualificationW2,
    );
  votePositive = () =>
    this.step(
      w4,
      'VOTE',
      { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE'] },
      'ministry_review',
      TASKS.ministryReviewBoth,
    );
  statements = async () => {
    await this.step(
      mil,
      'STATEMENT',
      { opinion: 'endorse', text: 'Wir unterstützen das Vorhaben.' },
      'ministry_review',
      ['ministry_statement ministry ministry:MWAE'],
    );
    return this.step(
      mwae,
      'STATEMENT',
      { opinion: 'concerns', text: 'Kosten bitte prüfen.' },
      'commissioner_approval',
      TASKS.commissioner_approval,
    );
  };
  approve = () => this.step(commissioner, 'APPROVE', undefined, 'imag_pending', TASKS.imag_pending);

  /** Bring a fresh profile to `state` along the happy path. */
  static async at(state: string): Promise<Walk> {
    const walk = await Walk.start();
    const order = ['intake', 'qualification', 'ministry_review', 'commissioner_approval', 'imag_pending'];
    const steps = [walk.submit, () => walk.accept(), walk.votePositive, walk.statements, walk.approve];
    const until = state === 'revision' ? 'intake' : state;
    for (let i = 0; i < order.length && walk.state !== until; i++) await steps[i]!();
    if (state === 'revision')
      await walk.step(wrl, 'REQUEST_REVISION', { reason: 'Unterlagen fehlen.' }, 'revision', TASKS.revision);
    expect(walk.state).toBe(state);
    return walk;
  }
}

async function taskRows(profileId: string) {
  return api.database.db
    .selectFrom('tasks')
    .select(['id', 'key', 'kind', 'status', 'assignee_role', 'assignee_scope'])
    .where('profile_id', '=', profileId)
    .orderBy('created_at')
    .orderBy('key')
    .execute();
}

async function outboxRows(profileId: string) {
  return api.database.db
    .selectFrom('outbox')
    .select(['topic', 'cause', 'payload'])
    .where('profile_id', '=', profileId)
    .orderBy('id')
    .execute();
}

/** The notices of every history entry (each `transition` outbox row lists its own), in order. */
async function notices(profileId: string) {
  return (await outboxRows(profileId)).flatMap((o) => {
    const p = o.payload as { seq: number; notices: Array<{ cause: string; template: string }> };
    return p.notices.map((n) => ({ ...n, seq: p.seq }));
  });
}

describe('SUBMIT (draft → intake)', () => {
  it('refuses an incomplete draft with 422 naming each missing field in German first, and changes nothing', async () => {
    const walk = await Walk.start({ title: 'Halle', sponsor: { name: 'Firma X', kind: 'company' }, werkstatt: 4 });
    const problem = await walk.refused(owner, 'SUBMIT', undefined, 422);
    expect(problem.type).toBe('/problems/guard-failed');
    expect(problem.title).toMatch(/^Bedingung nicht erfüllt/);
    expect(problem.detail).toMatch(/^Die Voraussetzungen für "Einreichen" sind nicht erfüllt\./);
    const byPath = Object.fromEntries(
      problem.errors.map((e: { path: string; message: string }) => [e.path, e.message]),
    );
    expect(byPath['data.summary']).toBe('Kurzbeschreibung: Angabe fehlt. / Summary: is required.');
    expect(byPath['data.contact']).toBe('Ansprechperson: Angabe fehlt. / Contact: is required.');
    expect(byPath['data.measureStarted']).toBe('Maßnahme begonnen: Angabe fehlt. / Measure started: is required.');
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'data.contact',
        'data.contribution',
        'data.endDate',
        'data.fundingArea',
        'data.jobsCreated',
        'data.jobsSecured',
        'data.location',
        'data.measureStarted',
        // The cross-field rules are reported in the same round: a company needs a public partner, W4 a sub-area.
        'data.partners',
        'data.requestedFundingEur',
        'data.startDate',
        'data.subArea',
        'data.summary',
        'data.totalCostEur',
        'data.trainingPlaces',
      ].sort(),
    );
  });

  it('refuses a draft that breaks the cross-field rules with 422 naming every rule it breaks', async () => {
    const walk = await Walk.start(
      completeProfile({
        title: 'Hal',
        sponsor: { name: 'Spreewald Bau GmbH', kind: 'company' },
        subArea: undefined,
        requestedFundingEur: 20_000,
        totalCostEur: 15_000,
        startDate: '2028-01-01',
        endDate: '2027-12-31',
        measureStarted: true,
      }),
    );
    const problem = await walk.refused(owner, 'SUBMIT', undefined, 422);
    expect(problem.errors.map((e: { path: string; message: string }) => [e.path, e.message]).sort()).toEqual(
      [
        ['data.title', 'Titel: mindestens 5 Zeichen. / Title: at least 5 characters.'],
        [
          'data.requestedFundingEur',
          'Beantragte Förderung (EUR): mindestens 25.000 EUR. / Requested funding (EUR): at least EUR 25,000.',
        ],
        [
          'data.requestedFundingEur',
          'Beantragte Förderung (EUR): darf die Gesamtkosten nicht übersteigen. / Requested funding (EUR): must not exceed the total cost.',
        ],
        ['data.endDate', 'Ende: muss nach dem Beginn liegen. / End date: must be after the start date.'],
        [
          'data.measureStarted',
          'Maßnahme begonnen: begonnene Maßnahmen können nicht gefördert werden. / Measure started: measures already started cannot be funded.',
        ],
        ['data.subArea', 'Teilbereich: für Werkstatt 4 erforderlich. / Sub-area: required for Werkstatt 4.'],
        [
          'data.partners',
          'Partner: ein Unternehmen braucht mindestens einen öffentlichen Partner. / Partners: a company needs at least one public partner.',
        ],
      ].sort(),
    );
  });

  it('moves a complete draft to intake, closes the applicant task as done and opens the WRL intake check', async () => {
    const walk = await Walk.start();
    const [draftTask] = await taskRows(walk.id);
    const profile = await walk.submit();
    expect(profile.submittedAt).not.toBeNull();
    const tasks = await taskRows(walk.id);
    expect(tasks.map((t) => [t.key, t.status])).toEqual([
      ['draft', 'done'],
      ['intake', 'open'],
    ]);
    const intakeTask = tasks[1]!;
    // One outbox row per history entry: CREATE's (the draft task's timers) and SUBMIT's, which lists
    // all of the transition's side effects.
    const outbox = await outboxRows(walk.id);
    expect(outbox.map((o) => [o.topic, o.cause])).toEqual([
      ['transition', `transition:${walk.id}:1`],
      ['transition', `transition:${walk.id}:2`],
    ]);
    const submit = outbox[1]!.payload as any;
    expect(submit).toMatchObject({ profileId: walk.id, seq: 2, event: 'SUBMIT', from: 'draft', to: 'intake' });
    expect(submit.notices).toEqual([
      {
        cause: `notify:${walk.id}:2:state_changed:applicant:${OWNER_SCOPE}`,
        template: 'state_changed',
        recipients: { role: 'applicant', scope: OWNER_SCOPE },
      },
      {
        cause: `notify:${walk.id}:2:task_assigned:wrl:`,
        template: 'task_assigned',
        recipients: { role: 'wrl', scope: '' },
      },
    ]);
    expect(submit.tasks).toEqual([
      {
        change: 'opened',
        taskId: intakeTask.id,
        kind: intakeTask.kind,
        dueAt: expect.stringMatching(/^\d{4}-/),
        assignee: { role: 'wrl', scope: '' },
      },
      { change: 'closed', taskId: draftTask!.id, kind: draftTask!.kind, status: 'done' },
    ]);
  });

  it('makes the submitted profile visible to the WRL, which could not see the draft', async () => {
    const walk = await Walk.start();
    expect((await api.request(wrl.token, 'GET', `/api/v1/profiles/${walk.id}`)).status).toBe(404);
    await walk.submit();
    expect((await walk.read(wrl)).state).toBe('intake');
  });
});

describe('intake', () => {
  it('ACCEPT moves to qualification under the Werkstatt the WRL chose: its members see the profile and the Votum task, the proposed one no longer does', async () => {
    const walk = await Walk.at('intake');
    expect((await walk.read(w4)).state).toBe('intake');
    await walk.accept(2);
    expect((await api.request(w4.token, 'GET', `/api/v1/profiles/${walk.id}`)).status).toBe(404);
    expect((await walk.read(w2)).tasks.map((t: any) => t.kind)).toContain('werkstatt_votum');

    const inboxW2 = await api.request(w2.token, 'GET', '/api/v1/tasks?status=open');
    expect(inboxW2.body.items.filter((t: any) => t.profileId === walk.id).map((t: any) => t.kind)).toEqual([
      'werkstatt_votum',
    ]);
    const inboxW4 = await api.request(w4.token, 'GET', '/api/v1/tasks?status=open');
    expect(inboxW4.body.items.filter((t: any) => t.profileId === walk.id)).toEqual([]);

    const scope = await api.database.db
      .selectFrom('profiles')
      .select('scope')
      .where('id', '=', walk.id)
      .executeTakeFirstOrThrow();
    expect(scope.scope).toEqual({ werkstatt: ['2'] });
    // The Werkstatt that is not in charge may not vote; the one in charge may.
    expect((await walk.send(w4, 'VOTE', { votum: 'negative', reason: 'Nicht zuständig.' })).status).toBe(404);
    await walk.step(w2, 'VOTE', { votum: 'negative', reason: 'Nicht förderfähig.' }, 'rejected', TASKS.none);
  });

  it('REQUEST_REVISION by the WRL sends the profile to revision, and RESUBMIT returns it to intake', async () => {
    const walk = await Walk.at('intake');
    await walk.step(wrl, 'REQUEST_REVISION', { reason: 'Finanzierungsplan fehlt.' }, 'revision', TASKS.revision);
    await walk.step(owner, 'RESUBMIT', undefined, 'intake', TASKS.intake);
    const tasks = await taskRows(walk.id);
    expect(tasks.map((t) => [t.key, t.status])).toEqual([
      ['draft', 'done'],
      ['intake', 'done'],
      ['revision', 'done'],
      ['intake', 'open'],
    ]);
  });

  it('REJECT by the WRL ends in rejected, closes the intake task and opens nothing', async () => {
    const walk = await Walk.at('intake');
    await walk.step(wrl, 'REJECT', { reason: 'Nicht im Fördergebiet.' }, 'rejected', TASKS.none);
    const history = await walk.expectHistory();
    expect(history.at(-1)!.payload).toEqual({ reason: 'Nicht im Fördergebiet.' });
    expect((await taskRows(walk.id)).filter((t) => t.status === 'open')).toEqual([]);
  });
});

describe('revision and RESUBMIT', () => {
  it('lets the owner fix the data in revision; RESUBMIT with incomplete data is refused with 422 and the reasons', async () => {
    const walk = await Walk.at('revision');
    const current = await walk.read(owner);
    const patched = await api.request(
      owner.token,
      'PATCH',
      `/api/v1/profiles/${walk.id}`,
      { data: { summary: 'zu kurz' } },
      { 'if-match': `"${current.version}"` },
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    walk.expected.push([walk.expected.length + 1, 'EDIT', 'revision', 'revision']);
    await walk.expectHistory();
    const problem = await walk.refused(owner, 'RESUBMIT', undefined, 422);
    expect(problem.errors).toEqual([
      { path: 'data.summary', message: expect.stringMatching(/^Kurzbeschreibung: mindestens 50 Zeichen\./) },
    ]);
  });

  it('VOTE further_qualification sends the profile to revision, and RESUBMIT returns it to qualification with the same Werkstatt', async () => {
    const walk = await Walk.at('qualification');
    await walk.step(
      w4,
      'VOTE',
      { votum: 'further_qualification', reason: 'Bitte Betriebskonzept ergänzen.' },
      'revision',
      TASKS.revision,
    );
    await walk.step(owner, 'RESUBMIT', undefined, 'qualification', TASKS.qualificationW4);
  });

  it('the lead ministry’s REQUEST_REVISION sends the profile to revision, and RESUBMIT returns it to ministry_review where every ministry answers anew', async () => {
    const walk = await Walk.at('ministry_review');
    await walk.step(mwae, 'STATEMENT', { opinion: 'endorse', text: 'Einverstanden.' }, 'ministry_review', [
      'ministry_statement ministry ministry:MIL',
    ]);
    await walk.step(
      mil,
      'REQUEST_REVISION',
      { reason: 'Standortalternativen darstellen.' },
      'revision',
      TASKS.revision,
    );
    // The involved ministries still see the profile they asked to be revised.
    expect((await walk.read(mil)).state).toBe('revision');
    await walk.step(owner, 'RESUBMIT', undefined, 'ministry_review', TASKS.ministryReviewBoth);
    await walk.statements();
  });

  it('returns to the stage that asked even after several rounds from different stages', async () => {
    const walk = await Walk.at('intake');
    await walk.step(wrl, 'REQUEST_REVISION', { reason: 'Erste Runde.' }, 'revision', TASKS.revision);
    await walk.step(owner, 'RESUBMIT', undefined, 'intake', TASKS.intake);
    await walk.accept();
    await walk.step(
      wrl,
      'VOTE',
      { votum: 'further_qualification', reason: 'Zweite Runde.' },
      'revision',
      TASKS.revision,
    );
    await walk.step(owner, 'RESUBMIT', undefined, 'qualification', TASKS.qualificationW4);
    await walk.votePositive();
    await walk.step(mil, 'REQUEST_REVISION', { reason: 'Dritte Runde.' }, 'revision', TASKS.revision);
    await walk.step(owner, 'RESUBMIT', undefined, 'ministry_review', TASKS.ministryReviewBoth);
  });
});

describe('qualification', () => {
  it('VOTE negative rejects the profile and cancels the WRL agenda task', async () => {
    const walk = await Walk.at('qualification');
    await walk.step(w4, 'VOTE', { votum: 'negative', reason: 'Kein Strukturwandelbezug.' }, 'rejected', TASKS.none);
    const tasks = await taskRows(walk.id);
    expect(tasks.filter((t) => t.key.startsWith('qualification')).map((t) => [t.key, t.status])).toEqual([
      ['qualification:agenda', 'cancelled'],
      ['qualification:votum', 'done'],
    ]);
  });

  it('VOTE positive by the WRL opens one statement task per involved ministry and notifies each ministry group', async () => {
    const walk = await Walk.at('qualification');
    const profile = await walk.step(
      wrl,
      'VOTE',
      { votum: 'positive', leadMinistry: 'MIL', ministries: ['MWAE', 'MIL'] },
      'ministry_review',
      TASKS.ministryReviewBoth,
    );
    expect(profile.tasks.every((t: any) => t.dueAt !== null)).toBe(true);
    const causes = (await notices(walk.id)).map((n) => n.cause);
    const seq = walk.expected.length;
    expect(causes).toEqual(
      expect.arrayContaining([
        `notify:${walk.id}:${seq}:task_assigned:ministry:ministry:MIL`,
        `notify:${walk.id}:${seq}:task_assigned:ministry:ministry:MWAE`,
        `notify:${walk.id}:${seq}:state_changed:applicant:${OWNER_SCOPE}`,
      ]),
    );
    expect((await walk.read(mwae)).state).toBe('ministry_review');
  });

  it('refuses a VOTE whose payload is incomplete with 422 naming the field', async () => {
    const walk = await Walk.at('qualification');
    const problem = await walk.refused(w4, 'VOTE', { votum: 'positive' }, 422);
    expect(problem.errors.map((e: any) => e.path)).toEqual(['payload.leadMinistry']);
  });
});

describe('ministry_review and STATEMENT', () => {
  it('hides the profile from an uninvolved ministry: reading and a STATEMENT both answer 404', async () => {
    const walk = await Walk.at('ministry_review');
    expect((await api.request(mbjs.token, 'GET', `/api/v1/profiles/${walk.id}`)).status).toBe(404);
    await walk.refused(mbjs, 'STATEMENT', { opinion: 'endorse', text: 'Gern.' }, 404);
    await walk.refused(mbjs, 'STATEMENT', { opinion: 'endorse', text: 'Gern.', ministry: 'MBJS' }, 404);
  });

  it('stays in ministry_review until every involved ministry has answered, closing each ministry’s own task', async () => {
    const walk = await Walk.at('ministry_review');
    const before = await taskRows(walk.id);
    const milTask = before.find((t) => t.key === 'ministry_review:MIL')!;
    const mwaeTask = before.find((t) => t.key === 'ministry_review:MWAE')!;
    await walk.step(mil, 'STATEMENT', { opinion: 'endorse', text: 'Gut.' }, 'ministry_review', [
      'ministry_statement ministry ministry:MWAE',
    ]);
    let rows = await taskRows(walk.id);
    expect(rows.find((t) => t.id === milTask.id)!.status).toBe('done');
    expect(rows.find((t) => t.id === mwaeTask.id)!.status).toBe('open');
    // Only MWAE's task is in MWAE's inbox; MIL's inbox has nothing for this profile any more.
    const inboxMil = await api.request(mil.token, 'GET', '/api/v1/tasks');
    expect(inboxMil.body.items.filter((t: any) => t.profileId === walk.id)).toEqual([]);
    const inboxMwae = await api.request(mwae.token, 'GET', '/api/v1/tasks');
    expect(inboxMwae.body.items.filter((t: any) => t.profileId === walk.id).map((t: any) => t.id)).toEqual([
      mwaeTask.id,
    ]);

    await walk.step(
      mwae,
      'STATEMENT',
      { opinion: 'concerns', text: 'Folgekosten.' },
      'commissioner_approval',
      TASKS.commissioner_approval,
    );
    rows = await taskRows(walk.id);
    expect(rows.find((t) => t.id === mwaeTask.id)!.status).toBe('done');
  });

  it('refuses a second statement of the same ministry with 422 and a reason', async () => {
    const walk = await Walk.at('ministry_review');
    await walk.step(mil, 'STATEMENT', { opinion: 'endorse', text: 'Gut.' }, 'ministry_review', [
      'ministry_statement ministry ministry:MWAE',
    ]);
    const problem = await walk.refused(mil, 'STATEMENT', { opinion: 'concerns', text: 'Doch nicht.' }, 422);
    expect(problem.errors[0].message).toMatch(/MIL hat bereits Stellung genommen/);
    const named = await walk.refused(
      mil,
      'STATEMENT',
      { opinion: 'concerns', text: 'Doch nicht.', ministry: 'MIL' },
      422,
    );
    expect(named.errors[0].message).toMatch(/MIL hat bereits Stellung genommen/);
  });

  it('refuses a statement on behalf of another involved ministry with 422', async () => {
    const walk = await Walk.at('ministry_review');
    const problem = await walk.refused(
      mil,
      'STATEMENT',
      { opinion: 'endorse', text: 'Für MWAE.', ministry: 'MWAE' },
      422,
    );
    expect(problem.errors[0].message).toMatch(/nicht zum Ressort MWAE/);
  });

  it('refuses REQUEST_REVISION from a ministry that is involved but not the lead with 422', async () => {
    const walk = await Walk.at('ministry_review');
    const problem = await walk.refused(mwae, 'REQUEST_REVISION', { reason: 'Bitte überarbeiten.' }, 422);
    expect(problem.type).toBe('/problems/guard-failed');
    expect(problem.errors[0].message).toMatch(/^Nur das federführende Ressort/);
  });
});

describe('commissioner_approval', () => {
  it('APPROVE presents the profile to the IMAG', async () => {
    const walk = await Walk.at('commissioner_approval');
    await walk.approve();
  });

  it('RETURN sends the profile back to qualification and reopens the Werkstatt’s tasks', async () => {
    const walk = await Walk.at('commissioner_approval');
    await walk.step(commissioner, 'RETURN', { reason: 'Votum begründen.' }, 'qualification', TASKS.qualificationW4);
    await walk.votePositive();
  });
});

describe('imag_pending', () => {
  it('DEFER keeps the profile pending with the same IMAG task and sends no state-change notice', async () => {
    const walk = await Walk.at('imag_pending');
    const taskBefore = (await walk.read(imag)).tasks[0];
    const after = await walk.step(imag, 'DEFER', { reason: 'Nächste Sitzung.' }, 'imag_pending', TASKS.imag_pending);
    expect(after.tasks[0].id).toBe(taskBefore.id);
    await walk.step(imag, 'DEFER', { reason: 'Noch einmal vertagt.' }, 'imag_pending', TASKS.imag_pending);
    const seqs = [walk.expected.length - 1, walk.expected.length];
    // No state-change notice; the applicant hears of each deferral as a session result (SPEC §5).
    const deferrals = (await notices(walk.id)).filter((n) => seqs.includes(n.seq));
    expect(deferrals.map((n) => n.template)).toEqual(['session_result', 'session_result']);
    await walk.step(imag, 'CONFIRM', { priority: 2 }, 'confirmed', TASKS.confirmed);
  });

  it('REJECT by the IMAG rejects the profile', async () => {
    const walk = await Walk.at('imag_pending');
    await walk.step(imag, 'REJECT', { reason: 'Keine Mittel.' }, 'rejected', TASKS.none);
  });

  it('CONFIRM records the priority and opens the applicant’s ILB task', async () => {
    const walk = await Walk.at('imag_pending');
    await walk.step(imag, 'CONFIRM', { priority: 3 }, 'confirmed', TASKS.confirmed);
    const history = await walk.expectHistory();
    expect(history.at(-1)!.payload).toEqual({ priority: 3 });
    const stored = await api.database.db
      .selectFrom('profiles')
      .select('snapshot')
      .where('id', '=', walk.id)
      .executeTakeFirstOrThrow();
    expect((stored.snapshot as any).context.priority).toBe(3);
    const causes = (await notices(walk.id)).map((n) => n.cause);
    expect(causes).toContain(`notify:${walk.id}:${walk.expected.length}:state_changed:applicant:${OWNER_SCOPE}`);
  });
});

describe('WITHDRAW', () => {
  it.each(['draft', 'intake', 'revision', 'qualification', 'ministry_review', 'commissioner_approval', 'imag_pending'])(
    'lets the owner withdraw from %s and cancels every open task',
    async (state) => {
      const walk = await Walk.at(state);
      const open = (await taskRows(walk.id)).filter((t) => t.status === 'open');
      await walk.step(owner, 'WITHDRAW', { reason: 'Projekt wird anders finanziert.' }, 'withdrawn', TASKS.none);
      const after = await taskRows(walk.id);
      for (const task of open) {
        // The applicant's own task counts as done; everyone else's work is cancelled.
        expect(after.find((t) => t.id === task.id)!.status).toBe(
          task.assignee_role === 'applicant' ? 'done' : 'cancelled',
        );
      }
    },
  );
});

describe('final states', () => {
  const attempts: Array<[string, () => User, string, unknown]> = [
    ['WITHDRAW', () => owner, 'owner', {}],
    ['RESUBMIT', () => owner, 'owner', undefined],
    ['SUBMIT', () => owner, 'owner', undefined],
    ['ACCEPT', () => wrl, 'wrl', { werkstatt: 4 }],
    ['REJECT', () => imag, 'imag', { reason: 'Nochmals ablehnen.' }],
    ['CONFIRM', () => imag, 'imag', {}],
    ['APPROVE', () => commissioner, 'commissioner', undefined],
  ];

  async function finalWalk(state: string): Promise<Walk> {
    if (state === 'confirmed') {
      const walk = await Walk.at('imag_pending');
      await walk.step(imag, 'CONFIRM', {}, 'confirmed', TASKS.confirmed);
      return walk;
    }
    const walk = await Walk.at('intake');
    if (state === 'rejected') await walk.step(wrl, 'REJECT', { reason: 'Nicht förderfähig.' }, 'rejected', TASKS.none);
    else await walk.step(owner, 'WITHDRAW', {}, 'withdrawn', TASKS.none);
    return walk;
  }

  it.each(['confirmed', 'rejected', 'withdrawn'])(
    'accepts no further event once %s (409) and offers none',
    async (state) => {
      const walk = await finalWalk(state);
      for (const [type, who, , payload] of attempts) {
        const problem = await walk.refused(who(), type, payload, 409);
        expect(problem.type).toBe('/problems/conflict');
        expect(problem.detail).toMatch(new RegExp(`"${type}" ist im Status`));
      }
      expect((await walk.read(owner)).availableEvents).toEqual([]);
      expect((await walk.read(wrl)).availableEvents).toEqual([]);
    },
  );
});

describe('events outside their state', () => {
  it('answers 409 to an event the current state does not handle, even from the right role', async () => {
    const walk = await Walk.at('intake');
    await walk.refused(owner, 'RESUBMIT', undefined, 409);
    await walk.refused(owner, 'SUBMIT', undefined, 409);
    await walk.refused(commissioner, 'APPROVE', undefined, 409);
    await walk.refused(w4, 'VOTE', { votum: 'negative', reason: 'Zu früh.' }, 409);
  });

  it('lists exactly the events the caller may send now', async () => {
    const walk = await Walk.at('intake');
    const types = async (u: User) => (await walk.read(u)).availableEvents.map((e: any) => e.type).sort();
    expect(await types(owner)).toEqual(['WITHDRAW']);
    expect(await types(wrl)).toEqual(['ACCEPT', 'REJECT', 'REQUEST_REVISION']);
    expect(await types(w4)).toEqual([]);
  });
});
