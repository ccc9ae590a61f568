import { randomBytes } from 'node:crypto';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { type ApiClient, failed, ok, type Reply } from './http.js';
import { delay } from './util.js';

export interface User {
  id: string;
  token: string;
  email: string;
  organisation: string | null;
  roles: Array<Record<string, string | number>>;
}

const MINISTRIES = ['MIL', 'MWAE', 'MBJS'] as const;
type Ministry = (typeof MINISTRIES)[number];

export interface Cast {
  applicants: User[];
  wrl: User[];
  werkstatt4: User[];
  ministries: Record<Ministry, User>;
  commissioner: User;
  imag: User;
  all: User[];
}

/** A change the API acknowledged with 2xx: it must be in the database with its history entry. */
export interface Ack {
  profileId: string;
  /** The history event: CREATE, EDIT, DEADLINE or a workflow event. */
  event: string;
  /** The profile's version after the change (= the history entry's seq); null for DEADLINE (answered with the task). */
  version: number | null;
  at: number;
  taskId?: string;
  dueAt?: string;
}

/** The people of the Brandenburg pipeline, created through the API with the admin token. */
export async function createCast(client: ApiClient, adminToken: string): Promise<Cast> {
  const tag = randomBytes(3).toString('hex');
  const all: User[] = [];
  const add = async (key: string, roles: User['roles'], organisation: string | null = null): Promise<User> => {
    const email = `${key}-${tag}@system.example`;
    const body = { email, name: `System ${key}`, ...(organisation ? { organisation } : {}), roles };
    const r = await client.request(adminToken, 'POST', '/api/v1/users', body);
    if (r.outcome !== 201) throw new Error(`creating user ${key}: ${r.outcome} ${JSON.stringify(r.body)}`);
    const user = { id: r.body.id, token: r.body.token, email, organisation, roles };
    all.push(user);
    return user;
  };
  const applicant = [{ role: 'applicant' }];
  return {
    applicants: [
      await add('applicant1', applicant, 'Gemeinde Burg (Spreewald)'),
      await add('applicant2', applicant, 'Gemeinde Burg (Spreewald)'),
      await add('applicant3', applicant, 'Stadt Forst (Lausitz)'),
    ],
    wrl: [await add('wrl1', [{ role: 'wrl' }]), await add('wrl2', [{ role: 'wrl' }])],
    werkstatt4: [
      await add('werkstatt4a', [{ role: 'werkstatt', werkstatt: 4 }]),
      await add('werkstatt4b', [{ role: 'werkstatt', werkstatt: 4 }]),
    ],
    ministries: {
      MIL: await add('mil', [{ role: 'ministry', ministry: 'MIL' }]),
      MWAE: await add('mwae', [{ role: 'ministry', ministry: 'MWAE' }]),
      MBJS: await add('mbjs', [{ role: 'ministry', ministry: 'MBJS' }]),
    },
    commissioner: await add('commissioner', [{ role: 'commissioner' }]),
    imag: await add('imag', [{ role: 'imag' }]),
    all,
  };
}

interface Profile {
  id: string;
  state: string;
  version: number;
  tasks: Array<{ id: string; kind: string; scope: string | null; dueAt: string | null }>;
}

export interface LoadOptions {
  /** Journeys running at once. */
  concurrency: number;
  /** Pause between two steps of one journey. */
  thinkMs: number;
  /** How long one request is retried while the system is unavailable. */
  retryForMs: number;
}

export interface BatchOptions {
  /** The API process to send the decision batch to. */
  api?: number;
  /** Called when the batch request has been sent (for the "API killed during a batch" fault). */
  onSent?: (api: number, sessionId: string) => void;
  /** Retry the batch until it is answered (a cut batch is sent again, as a client would). */
  retry?: boolean;
}

export interface BatchReport {
  sessionId: string;
  api: number;
  size: number;
  firstOutcome: Reply['outcome'];
  /** When a 2xx answer arrived (perhaps to the batch sent again). */
  answeredAt: number | null;
}

/**
 * Mixed journeys through the HTTP API: create, edit, submit, the whole Brandenburg pipeline (some
 * withdrawn, some sent back for revision), a deadline change, and IMAG sessions deciding batches of
 * CONFIRM and DEFER. Every 2xx is remembered as an `Ack`. A step that fails for lack of the system (a
 * network error, a timeout, a 5xx) is retried with the same Idempotency-Key, as a client would.
 */
export class LoadDriver {
  readonly acks: Ack[] = [];
  /** Profiles waiting for an IMAG decision. */
  readonly pool = new Set<string>();
  private stopping = true;
  private runners: Promise<void>[] = [];
  private journeys = 0;
  private sessionCount = 0;
  private sessionLock: Promise<unknown> = Promise.resolve();
  readonly batches: BatchReport[] = [];
  readonly errors: string[] = [];
  /** While true, the driver starts no sessions of its own (a fault runs one). */
  pauseSessions = false;

  constructor(
    private readonly client: ApiClient,
    private readonly cast: Cast,
    private readonly options: LoadOptions,
  ) {}

  get running(): boolean {
    return !this.stopping;
  }

  start(): void {
    if (!this.stopping) return;
    this.stopping = false;
    this.runners = [];
    for (let i = 0; i < this.options.concurrency; i++) this.runners.push(this.runJourneys());
    this.runners.push(this.runSessions());
  }

  /** Stop starting steps; resolves when every journey has finished its current step. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.runners);
    this.runners = [];
  }

  private async runJourneys(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.journey(this.journeys++);
      } catch (error) {
        this.errors.push(String((error as Error).stack ?? error));
      }
    }
  }

  private async runSessions(): Promise<void> {
    let waited = 0;
    while (!this.stopping) {
      await delay(500);
      waited += 500;
      if (this.pauseSessions) continue;
      if (this.pool.size >= 8 || (this.pool.size > 0 && waited >= 4_000)) {
        waited = 0;
        await this.runSession().catch((error) => this.errors.push(String((error as Error).stack ?? error)));
      }
    }
  }

  /** A request retried while the system is unavailable (network errors, timeouts, 5xx), up to `retryForMs`. */
  private async call(
    user: User,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    api?: number,
  ): Promise<Reply> {
    const deadline = Date.now() + this.options.retryForMs;
    let pause = 200;
    for (;;) {
      const reply = await this.client.request(user.token, method, path, body, headers, api);
      if (!failed(reply.outcome) || Date.now() > deadline || this.stopping) return reply;
      await delay(pause);
      pause = Math.min(pause * 2, 2_000);
      api = (reply.api + 1) % this.client.size; // the next attempt goes to the other process, as a load balancer's retry would
    }
  }

  private ack(profileId: string, event: string, version: number | null, extra: Partial<Ack> = {}) {
    this.acks.push({ profileId, event, version, at: Date.now(), ...extra });
  }

  private async journey(n: number): Promise<void> {
    const applicant = this.cast.applicants[n % this.cast.applicants.length] as User;
    const wrl = this.cast.wrl[n % this.cast.wrl.length] as User;
    const variant = n % 10;
    const created = await this.call(applicant, 'POST', '/api/v1/profiles', {
      data: exampleProfile({ title: `Systemtest Vorhaben ${n}` }),
    });
    if (!ok(created.outcome)) return;
    let p = created.body as Profile;
    this.ack(p.id, 'CREATE', p.version);
    await this.think();

    const edited = await this.call(
      applicant,
      'PATCH',
      `/api/v1/profiles/${p.id}`,
      { data: { jobsCreated: 5 + (n % 7) } },
      { 'if-match': `"${p.version}"` },
    );
    if (ok(edited.outcome)) {
      p = edited.body as Profile;
      this.ack(p.id, 'EDIT', p.version);
    }

    let revised = false;
    let deadlineMoved = false;
    while (!this.stopping) {
      await this.think();
      if (p.state === 'ministry_review' && !deadlineMoved) {
        deadlineMoved = true;
        await this.moveDeadline(wrl, p, n);
        continue;
      }
      const step = this.nextStep(p, n, variant, revised, applicant, wrl);
      if (!step) return;
      if (step.type === 'REQUEST_REVISION') revised = true;
      const key = `sys-${p.id}-${p.version}-${step.type}-${step.payload.ministry ?? ''}`;
      const reply = await this.call(
        step.user,
        'POST',
        `/api/v1/profiles/${p.id}/events`,
        { type: step.type, payload: step.payload },
        { 'idempotency-key': key },
      );
      if (ok(reply.outcome)) {
        p = reply.body as Profile;
        this.ack(p.id, step.type, p.version);
      } else if (failed(reply.outcome)) {
        return; // the system stayed unavailable for longer than the retry budget
      } else {
        const fresh = await this.call(applicant, 'GET', `/api/v1/profiles/${p.id}`);
        if (!ok(fresh.outcome)) return;
        p = fresh.body as Profile;
      }
    }
  }

  private nextStep(
    p: Profile,
    n: number,
    variant: number,
    revised: boolean,
    applicant: User,
    wrl: User,
  ): { user: User; type: string; payload: Record<string, unknown> } | null {
    switch (p.state) {
      case 'draft':
        return { user: applicant, type: 'SUBMIT', payload: {} };
      case 'intake':
        if (variant === 0) return { user: applicant, type: 'WITHDRAW', payload: { reason: 'Vorhaben entfällt' } };
        if (variant === 1 && !revised)
          return { user: wrl, type: 'REQUEST_REVISION', payload: { reason: 'Finanzierungsplan fehlt' } };
        return { user: wrl, type: 'ACCEPT', payload: { werkstatt: 4 } };
      case 'revision':
        return { user: applicant, type: 'RESUBMIT', payload: {} };
      case 'qualification':
        return {
          user: this.cast.werkstatt4[n % this.cast.werkstatt4.length] as User,
          type: 'VOTE',
          payload: { votum: 'positive', leadMinistry: 'MIL', ministries: n % 2 ? ['MIL', 'MWAE'] : [...MINISTRIES] },
        };
      case 'ministry_review': {
        const task = p.tasks.find((t) => t.kind === 'ministry_statement');
        const ministry = task?.scope?.split(':')[1] as Ministry | undefined;
        if (!ministry || !this.cast.ministries[ministry]) return null;
        return {
          user: this.cast.ministries[ministry],
          type: 'STATEMENT',
          payload: { opinion: n % 3 ? 'endorse' : 'concerns', text: `Stellungnahme ${ministry}`, ministry },
        };
      }
      case 'commissioner_approval':
        return { user: this.cast.commissioner, type: 'APPROVE', payload: {} };
      case 'imag_pending':
        this.pool.add(p.id);
        return null;
      default:
        return null;
    }
  }

  /** The WRL office moves a ministry's deadline (far enough ahead that no reminder fires during the run). */
  private async moveDeadline(wrl: User, p: Profile, n: number): Promise<void> {
    const task = p.tasks.find((t) => t.kind === 'ministry_statement');
    if (!task) return;
    const dueAt = new Date(Date.now() + (40 + (n % 20)) * 86_400_000);
    dueAt.setUTCMilliseconds(0);
    const iso = dueAt.toISOString();
    const reply = await this.call(wrl, 'PATCH', `/api/v1/tasks/${task.id}`, { dueAt: iso });
    if (ok(reply.outcome)) this.ack(p.id, 'DEADLINE', null, { taskId: task.id, dueAt: iso });
  }

  private think(): Promise<void> {
    return delay(this.options.thinkMs + Math.floor(Math.random() * this.options.thinkMs));
  }

  /** One IMAG session (serialised with any other): create it, set its agenda from the pool, decide it in one batch. */
  runSession(options: BatchOptions = {}): Promise<BatchReport | null> {
    const run = this.sessionLock.then(() => this.session(options));
    this.sessionLock = run.catch(() => undefined);
    return run;
  }

  private async session(options: BatchOptions): Promise<BatchReport | null> {
    const wrl = this.cast.wrl[0] as User;
    const k = this.sessionCount++;
    const date = new Date(Date.UTC(2030, 0, 1) + k * 86_400_000).toISOString().slice(0, 10);
    const created = await this.call(wrl, 'POST', '/api/v1/sessions', {
      kind: 'imag',
      date,
      title: `IMAG-Sitzung ${k}`,
    });
    if (!ok(created.outcome)) return null;
    const sessionId = created.body.id as string;
    let ids = [...this.pool].slice(0, 30);
    for (let attempt = 0; attempt < 3 && ids.length; attempt++) {
      const agenda = await this.call(wrl, 'PUT', `/api/v1/sessions/${sessionId}/agenda`, { profileIds: ids });
      if (ok(agenda.outcome)) break;
      if (failed(agenda.outcome)) return null;
      // A profile that left imag_pending meanwhile (decided elsewhere): drop it from the pool.
      const bad = new Set(
        ((agenda.body?.errors ?? []) as Array<{ path: string }>)
          .map((e) => Number(/profileIds\.(\d+)/.exec(e.path)?.[1]))
          .filter((i) => Number.isInteger(i))
          .map((i) => ids[i]),
      );
      if (!bad.size) return null;
      for (const id of bad) if (id) this.pool.delete(id);
      ids = ids.filter((id) => !bad.has(id));
    }
    if (!ids.length) return null;
    const decisions = ids.map((profileId, i) =>
      (k + i) % 4 === 0
        ? { profileId, type: 'DEFER', payload: { reason: 'Haushaltsmittel noch offen' } }
        : { profileId, type: 'CONFIRM', payload: { priority: 1 + (i % 10) } },
    );
    const api = options.api ?? k % 2;
    const sending = this.client.request(
      this.cast.imag.token,
      'POST',
      `/api/v1/sessions/${sessionId}/decisions`,
      { decisions },
      {},
      api,
    );
    options.onSent?.(api, sessionId);
    let reply = await sending;
    const report: BatchReport = {
      sessionId,
      api,
      size: decisions.length,
      firstOutcome: reply.outcome,
      answeredAt: ok(reply.outcome) ? Date.now() : null,
    };
    this.batches.push(report);
    if (failed(reply.outcome) && options.retry !== false) {
      reply = await this.call(this.cast.imag, 'POST', `/api/v1/sessions/${sessionId}/decisions`, { decisions });
    }
    if (!ok(reply.outcome)) return report;
    report.answeredAt ??= Date.now();
    const results = reply.body.results as Array<{
      profileId: string;
      status: string;
      state?: string;
      version?: number;
    }>;
    results.forEach((r, i) => {
      const d = decisions[i];
      if (!d) return;
      if (r.status === 'applied' && r.version !== undefined) {
        this.ack(r.profileId, d.type, r.version);
        if (r.state !== 'imag_pending') this.pool.delete(r.profileId);
      } else if (r.state && r.state !== 'imag_pending') {
        this.pool.delete(r.profileId);
      }
    });
    // Items a cut batch had already decided answer "already decided" on the retry: read their state.
    for (const r of results.filter((x) => x.status !== 'applied')) {
      const owner = this.cast.wrl[0] as User;
      const fresh = await this.call(owner, 'GET', `/api/v1/profiles/${r.profileId}`);
      if (ok(fresh.outcome) && fresh.body.state !== 'imag_pending') this.pool.delete(r.profileId);
    }
    return report;
  }
}
