import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowRegistry } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import pg from 'pg';
import { type CheckReport, checkInvariants } from './checks.js';
import { ApiClient, type Outcome } from './http.js';
import { type Cast, createCast, LoadDriver, type LoadOptions } from './load.js';
import { HARNESS_APP_NAME, type PrivateCluster, startPrivateCluster } from './postgres.js';
import { type SwitchableRedis, startSwitchableRedis } from './redis.js';
import { ServiceProcess } from './services.js';
import { type RecordingSink, startRecordingSink } from './smtp-sink.js';
import { delay, freePort, pollUntil } from './util.js';

export const DATABASE = 'steckbrief';

/** Short timings so that a killed worker's jobs and mails return within seconds. */
export const TIMINGS = {
  RECONCILE_INTERVAL_MS: 2_000,
  MAIL_LEASE_MS: 5_000,
  JOB_LOCK_MS: 5_000,
  /** Long, so a relay that lost its LISTEN connection shows as latency (NOTIFY answers in milliseconds). */
  RELAY_POLL_MS: 10_000,
};

export interface Probe {
  t: number;
  api: number;
  outcome: Outcome;
  ms: number;
}

/**
 * The system as it is deployed: two built API processes and two built workers against a private
 * PostgreSQL cluster and redis-server, an SMTP sink, a load driver, and the checks.
 */
export class Harness {
  readonly apis: ServiceProcess[] = [];
  readonly workers: ServiceProcess[] = [];
  client!: ApiClient;
  cast!: Cast;
  load!: LoadDriver;
  db!: pg.Pool;
  readonly registry: WorkflowRegistry = buildRegistry();
  readonly adminToken = `sys-${randomBytes(24).toString('hex')}`;
  /** Where the services' output goes. */
  logDir = '';

  private constructor(
    readonly cluster: PrivateCluster,
    readonly redis: SwitchableRedis,
    readonly sink: RecordingSink,
  ) {}

  get services(): ServiceProcess[] {
    return [...this.apis, ...this.workers];
  }

  static async start(load: LoadOptions): Promise<Harness> {
    const [cluster, redis, sink] = await Promise.all([
      startPrivateCluster(),
      startSwitchableRedis(),
      startRecordingSink(),
    ]);
    const h = new Harness(cluster, redis, sink);
    try {
      await h.startServices();
      h.db = new pg.Pool({ connectionString: cluster.url(DATABASE), max: 4, application_name: HARNESS_APP_NAME });
      h.db.on('error', () => undefined); // the harness's own idle connections die in the faults too
      h.client = new ApiClient(h.apis.map((a) => `http://127.0.0.1:${a.port}`));
      h.cast = await createCast(h.client, h.adminToken);
      h.load = new LoadDriver(h.client, h.cast, load);
    } catch (error) {
      await h.stop();
      throw error;
    }
    return h;
  }

  private async startServices(): Promise<void> {
    const apiPorts = [await freePort(), await freePort()];
    const common = {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.SYSTEM_LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL: this.cluster.url(DATABASE),
      DATABASE_SCHEMA: 'public',
      DATABASE_POOL_MAX: '10',
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: 'system',
      ADMIN_TOKEN: this.adminToken,
      SMTP_URL: this.sink.url,
      PUBLIC_URL: `http://127.0.0.1:${apiPorts[0]}`,
      SHUTDOWN_TIMEOUT_MS: '10000',
    };
    // Kept after the run (the cluster's folder is not): a crash's full story is in these files.
    const logs = mkdtempSync(path.join(tmpdir(), 'steckbrief-system-logs-'));
    this.logDir = logs;
    for (const [i, port] of apiPorts.entries()) {
      const api = new ServiceProcess(
        `api${i + 1}`,
        'api',
        port,
        { ...common, PORT: String(port) },
        path.join(logs, `api${i + 1}.log`),
      );
      this.apis.push(api);
      // One after the other: the first one creates the database and migrates it.
      await api.start();
    }
    for (const i of [1, 2]) {
      const port = await freePort();
      const worker = new ServiceProcess(
        `worker${i}`,
        'worker',
        port,
        {
          ...common,
          WORKER_METRICS_PORT: String(port),
          RECONCILE_INTERVAL_MS: String(TIMINGS.RECONCILE_INTERVAL_MS),
          MAIL_LEASE_MS: String(TIMINGS.MAIL_LEASE_MS),
          JOB_LOCK_MS: String(TIMINGS.JOB_LOCK_MS),
          RELAY_POLL_MS: String(TIMINGS.RELAY_POLL_MS),
          MAIL_BACKOFF_MS: '200',
          MAIL_ATTEMPTS: '20',
          WORKER_CONCURRENCY: '8',
          SMTP_POOL_SIZE: '3',
        },
        path.join(logs, `worker${i}.log`),
      );
      this.workers.push(worker);
      await worker.start();
    }
  }

  /** Unfinished work: outbox rows not processed, mails pending or being sent, mails in the sink's hands. */
  async backlog(): Promise<{ outbox: number; mails: number; inFlight: number }> {
    const r = await this.db.query(`select
      (select count(*) from outbox where processed_at is null)::int as outbox,
      (select count(*) from mail_deliveries where status in ('pending', 'sending'))::int as mails`);
    return { ...r.rows[0], inFlight: this.sink.inFlight() };
  }

  /** Waits until nothing is left to do; returns how long that took. */
  async settle(timeoutMs: number): Promise<number> {
    const start = Date.now();
    await pollUntil(
      async () => {
        try {
          const b = await this.backlog();
          return b.outbox === 0 && b.mails === 0 && b.inFlight === 0;
        } catch {
          return false;
        }
      },
      timeoutMs,
      'the outbox is processed and no mail is pending or in flight',
      250,
    );
    return Date.now() - start;
  }

  /** Waits until the work that existed at `t` is done (outbox rows and mails created before it). */
  async drainedSince(t: number, timeoutMs: number): Promise<number> {
    await pollUntil(
      async () => {
        try {
          const r = await this.db.query(
            `select
               (select count(*) from outbox where processed_at is null and created_at < $1)::int as o,
               (select count(*) from mail_deliveries where status in ('pending', 'sending') and created_at < $1)::int as m`,
            [new Date(t)],
          );
          return r.rows[0].o === 0 && r.rows[0].m === 0;
        } catch {
          return false;
        }
      },
      timeoutMs,
      'the work from before the fault is done',
      100,
    );
    return Date.now();
  }

  check(): Promise<CheckReport> {
    return checkInvariants({
      db: this.db,
      registry: this.registry,
      acks: this.load.acks,
      users: this.cast.all,
      mails: this.sink.mails,
    });
  }

  /** Backends of the workers' relays that LISTEN for outbox inserts. */
  async listeners(): Promise<number> {
    const r = await this.db.query(
      `select count(*)::int as n from pg_stat_activity where datname = $1 and query ilike 'listen %'`,
      [DATABASE],
    );
    return r.rows[0].n as number;
  }

  /**
   * How long the relay takes to pick up a fresh transition: well below RELAY_POLL_MS only when a NOTIFY
   * woke it, i.e. its LISTEN connection is back.
   */
  async relayLatency(): Promise<number> {
    const applicant = this.cast.applicants[0];
    if (!applicant) throw new Error('no applicant');
    const created = await this.client.request(applicant.token, 'POST', '/api/v1/profiles', {
      data: { title: 'Systemtest Relay-Probe' },
    });
    if (created.outcome !== 201) throw new Error(`relay probe: create answered ${created.outcome}`);
    this.load.acks.push({ profileId: created.body.id, event: 'CREATE', version: 1, at: Date.now() });
    let latency = Number.NaN;
    await pollUntil(
      async () => {
        const r = await this.db.query(
          `select extract(epoch from (published_at - created_at)) * 1000 as ms from outbox where profile_id = $1`,
          [created.body.id],
        );
        const ms = r.rows[0]?.ms;
        if (ms === null || ms === undefined) return false;
        latency = Number(ms);
        return true;
      },
      TIMINGS.RELAY_POLL_MS * 3,
      'the relay publishes the probe transition',
      50,
    );
    return latency;
  }

  /** Every `everyMs`, an authenticated read from each API (it needs PostgreSQL), until `stop()`. */
  probe(everyMs = 250): { probes: Probe[]; stop(): Promise<void> } {
    const probes: Probe[] = [];
    const probeClient = new ApiClient(
      this.apis.map((a) => `http://127.0.0.1:${a.port}`),
      10_000,
    );
    let running = true;
    const token = this.cast.applicants[0]?.token ?? '';
    const loops = this.apis.map(async (_a, api) => {
      while (running) {
        const t = Date.now();
        const r = await probeClient.request(token, 'GET', '/api/v1/profiles?limit=1', undefined, {}, api);
        probes.push({ t, api, outcome: r.outcome, ms: Date.now() - t });
        await delay(Math.max(0, everyMs - (Date.now() - t)));
      }
    });
    return {
      probes,
      async stop() {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  async stop(): Promise<void> {
    await this.load?.stop().catch(() => undefined);
    if (this.logDir && this.client) {
      // Every request of the run with its outcome, and every acknowledged change, for a closer look.
      writeFileSync(
        path.join(this.logDir, 'requests.jsonl'),
        this.client.records.map((r) => JSON.stringify(r)).join('\n'),
      );
      writeFileSync(path.join(this.logDir, 'acks.jsonl'), this.load.acks.map((a) => JSON.stringify(a)).join('\n'));
      writeFileSync(path.join(this.logDir, 'mails.jsonl'), this.sink.mails.map((m) => JSON.stringify(m)).join('\n'));
    }
    await Promise.all(this.services.map((s) => s.stop().catch(() => undefined)));
    await this.db?.end().catch(() => undefined);
    await this.sink.close().catch(() => undefined);
    await this.redis.destroy().catch(() => undefined);
    if (process.env.SYSTEM_KEEP_CLUSTER) return;
    await this.cluster.destroy();
  }
}
