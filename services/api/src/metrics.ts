import type { Db } from '@steckbrief/db';
import type { Express, RequestHandler } from 'express';
import { sql } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { routePatterns } from './openapi/express-routes.js';
import type { Operation } from './openapi/operation.js';

/** Job counts per BullMQ queue and state, supplied by whoever knows the queue names (the worker's package). */
export type QueueCounts = () => Promise<Array<{ queue: string; state: string; count: number }>>;

export interface MetricsDeps {
  db: Db;
  now?: () => Date;
  /**
   * Hook for `steckbrief_queue_jobs{queue,state}`: the API does not import the worker, so main.ts passes
   * a function reading the queues here once their names live in a shared package. Without it the
   * metric is not registered (an absent metric is better than a misleading zero).
   */
  queueCounts?: QueueCounts;
}

export interface Metrics {
  registry: Registry;
  /** Times every request; the route label is the Express pattern (`/api/v1/profiles/:id`), never the raw URL. */
  observeRequests: RequestHandler;
  /** Pass as `EngineDeps.onTransition`. */
  countTransition(transition: { workflow: string; event: string }): void;
  /** `GET /metrics` (mount behind authentication and the operator role). */
  scrape: RequestHandler;
}

const UNMATCHED = 'unmatched';

/**
 * Prometheus metrics in a registry of this app (not prom-client's global one, so several apps in one
 * process — tests — keep apart). Database gauges are read at scrape time with queries that use the
 * partial indexes on open tasks, the outbox backlog and unfinished or failed mails.
 */
export function createMetrics({ db, now = () => new Date(), queueCounts }: MetricsDeps): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, Express route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'steckbrief_transitions_total',
    help: 'Committed workflow transitions (session decisions included, idempotent replays not)',
    labelNames: ['workflow', 'event'] as const,
    registers: [registry],
  });

  // prom-client starts every collect() of a scrape in the same tick: gauges filled by one query share it.
  const openTasks = sharedPerScrape(() =>
    db
      .selectFrom('tasks')
      .select([
        'workflow_id',
        'state',
        sql<string>`count(*)`.as('open'),
        sql<string>`count(*) filter (where due_at < ${now()})`.as('overdue'),
      ])
      .where('status', '=', 'open')
      .groupBy(['workflow_id', 'state'])
      .execute(),
  );
  for (const [name, help, column] of [
    ['steckbrief_tasks_open', 'Open tasks by workflow and state', 'open'],
    ['steckbrief_tasks_overdue', 'Open tasks past their due date by workflow and state', 'overdue'],
  ] as const) {
    new Gauge({
      name,
      help,
      labelNames: ['workflow', 'state'] as const,
      registers: [registry],
      async collect() {
        const rows = await openTasks();
        this.reset();
        for (const r of rows) this.set({ workflow: r.workflow_id, state: r.state }, Number(r[column]));
      },
    });
  }

  const outbox = sharedPerScrape(() =>
    Promise.all([
      db
        .selectFrom('outbox')
        .select(sql<string>`count(*)`.as('n'))
        .where('processed_at', 'is', null)
        .executeTakeFirstOrThrow(),
      // Ids grow with time, so the lowest pending id is the oldest row: one step along the partial index.
      db
        .selectFrom('outbox')
        .select('created_at')
        .where('processed_at', 'is', null)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst(),
    ]),
  );
  new Gauge({
    name: 'steckbrief_outbox_backlog',
    help: 'Outbox rows not yet processed by the worker',
    registers: [registry],
    async collect() {
      const [count] = await outbox();
      this.set(Number(count.n));
    },
  });
  new Gauge({
    name: 'steckbrief_outbox_oldest_age_seconds',
    help: 'Age of the oldest unprocessed outbox row, 0 when there is none',
    registers: [registry],
    async collect() {
      const [, oldest] = await outbox();
      this.set(oldest ? Math.max(0, (now().getTime() - oldest.created_at.getTime()) / 1000) : 0);
    },
  });

  new Gauge({
    name: 'steckbrief_mail_deliveries',
    help: 'Rows of the worker mail delivery log that are pending, sending or failed',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      // Delivered rows are left out on purpose: counting them would scan the whole log at every scrape.
      const rows = await db
        .selectFrom('mail_deliveries')
        .select(['status', sql<string>`count(*)`.as('n')])
        .where('status', 'in', ['pending', 'sending', 'failed'])
        .groupBy('status')
        .execute();
      const counts = new Map<string, number>(rows.map((r) => [r.status, Number(r.n)]));
      for (const status of ['pending', 'sending', 'failed']) this.set({ status }, counts.get(status) ?? 0);
    },
  });

  if (queueCounts) {
    new Gauge({
      name: 'steckbrief_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        const counts = await queueCounts();
        this.reset();
        for (const c of counts) this.set({ queue: c.queue, state: c.state }, c.count);
      },
    });
  }

  let patterns: ReturnType<typeof routePatterns> | undefined;
  const observeRequests: RequestHandler = (req, res, next) => {
    const stop = duration.startTimer();
    // Read now: a mounted sub-app (the queue dashboard) points req.app at itself while it answers.
    const app = req.app as Express;
    res.once('finish', () => {
      // The Route object a request reached (also when its handler failed) maps to its full pattern.
      patterns ??= routePatterns(app);
      const route = (req.route && patterns.get(req.route)) || UNMATCHED;
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  return {
    registry,
    observeRequests,
    countTransition: ({ workflow, event }) => transitions.inc({ workflow, event }),
    scrape: async (_req, res) => {
      const body = await registry.metrics();
      res.type(registry.contentType).send(body);
    },
  };
}

/** One run of `load` for all callers while it is in flight: one query per scrape, however many gauges read it. */
function sharedPerScrape<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

export const metricsOperations: Operation[] = [
  {
    method: 'get',
    path: '/metrics',
    tag: 'System',
    summary: 'Prometheus metrics / Betriebskennzahlen',
    description:
      'Prometheus text format: request durations per route pattern, transitions per workflow and event, open and ' +
      'overdue tasks, outbox backlog, mail delivery log, process metrics. Contains no profile data.',
    roles: ['operator'],
    responses: { 200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { type: 'string' } } } },
  },
];
