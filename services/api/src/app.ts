import { randomUUID } from 'node:crypto';
import type { Db } from '@steckbrief/db';
import type { EngineDeps, FundingPeriod, WorkflowRegistry } from '@steckbrief/engine';
import type { Queues } from '@steckbrief/queues';
import { type WebDeps, webRoutes } from '@steckbrief/web';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { authenticate, requireRole } from './auth.js';
import { createMetrics, type QueueCounts } from './metrics.js';
import { docsRoutes } from './openapi/docs.js';
import { openApiDocument } from './openapi/document.js';
import { errorHandler, notFoundRoute, sendProblem } from './problem.js';
import { akteRoutes } from './routes/akte.js';
import { attachmentRoutes } from './routes/attachments.js';
import { budgetRoutes } from './routes/budget.js';
import { calendarFeedRoutes, calendarTokenRoutes } from './routes/calendar.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { profileRoutes } from './routes/profiles.js';
import { sessionRoutes } from './routes/sessions.js';
import { taskRoutes } from './routes/tasks.js';
import { userRoutes } from './routes/users.js';
import { workflowRoutes } from './routes/workflows.js';

export interface AppDeps {
  db: Db;
  redis: Redis;
  registry: WorkflowRegistry;
  logger: Logger;
  adminToken?: string;
  now?: () => Date;
  /** Base of links in calendar feeds. */
  publicUrl?: string;
  fundingPeriods?: FundingPeriod[];
  /** BullMQ job counts for `steckbrief_queue_jobs`; see metrics.ts. */
  queueCounts?: QueueCounts;
  /** How long a resolved bearer token is trusted without asking the database again (0: always ask). */
  authCacheTtlMs?: number;
  /** BullMQ queues for the dashboard at /admin/queues; without them there is no dashboard (and no /admin routes). */
  queues?: Queues;
  /** `Secure` on the dashboard and web session cookies; defaults to whether `publicUrl` is https. */
  secureCookies?: boolean;
  /** NODE_ENV=development: the worker prints a sign-in code it cannot deliver (see the web's sign-in). */
  development?: boolean;
  /** OpenID Connect sign-in on the web pages (OIDC_* settings); none: e-mail code only. */
  oidc?: WebDeps['oidc'];
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The request URL as it may be logged: the calendar feed's secret is a credential, and query values carry
 * search terms (names, places) and other input; the path and the query's keys are enough to trace a request.
 */
function loggableUrl(url: string): string {
  const at = url.indexOf('?');
  const path = (at < 0 ? url : url.slice(0, at)).replace(/^\/calendar\/[^/]+/, '/calendar/[redacted].ics');
  if (at < 0) return path;
  const keys = [...new URLSearchParams(url.slice(at + 1)).keys()];
  return keys.length ? `${path}?${keys.map((k) => `${k}=[redacted]`).join('&')}` : path;
}

/** Bodies must be JSON: anything else on a write is a 415, not a confusing validation error. */
const requireJson: RequestHandler = (req, res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    sendProblem(res, {
      type: '/problems/unsupported-media-type',
      title: 'Nicht unterstützter Medientyp / Unsupported media type',
      status: 415,
      detail: 'Bitte JSON senden (Content-Type: application/json). / Please send JSON.',
      requestId: String(req.id),
    });
    return;
  }
  next();
};

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createApp({
  db,
  redis,
  registry,
  logger,
  adminToken,
  now,
  publicUrl = 'http://localhost:3000',
  fundingPeriods = [],
  queueCounts,
  authCacheTtlMs = 0,
  queues,
  secureCookies = publicUrl.startsWith('https:'),
  development = false,
  oidc = null,
}: AppDeps): express.Express {
  const metrics = createMetrics({ db, now, queueCounts });
  const deps: EngineDeps = { db, registry, now, onTransition: metrics.countTransition };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, uniquelocal');
  app.set('query parser', 'simple');
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: loggableUrl(req.url) }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(metrics.observeRequests);
  app.use(helmet());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready means "can serve requests", and every business route needs PostgreSQL only. Redis carries the
  // worker's jobs; here it backs only /admin/queues and the queue gauge, so it is reported, not required:
  // a Redis outage must not take every API pod out of the Service.
  app.get('/readyz', async (_req, res) => {
    const [pg, rd] = await Promise.allSettled([
      withTimeout(sql`select 1`.execute(db), 2000),
      withTimeout(redis.ping(), 2000),
    ]);
    const checks = {
      postgres: pg.status === 'fulfilled' ? 'ok' : 'down',
      redis: rd.status === 'fulfilled' ? 'ok' : 'down',
    };
    res.status(checks.postgres === 'ok' ? 200 : 503).json({ checks });
  });

  app.get('/metrics', authenticate({ db, adminToken }), requireRole('operator'), metrics.scrape);
  app.use(docsRoutes(openApiDocument(registry)));

  const api = express.Router();
  // Authenticate first: an anonymous caller's body is not even parsed.
  api.use(authenticate({ db, adminToken, cacheTtlMs: authCacheTtlMs }));
  // Uploads are multipart/form-data, streamed with their own limits: mounted before the JSON-only rule.
  api.use('/profiles/:id/attachments', attachmentRoutes(deps));
  api.use(requireJson, express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  api.use('/users', userRoutes(db, registry));
  api.use('/workflows', workflowRoutes(registry));
  api.use('/profiles/:id/akte', akteRoutes(deps));
  api.use('/profiles', profileRoutes(deps));
  api.use('/tasks', taskRoutes(deps));
  api.use('/sessions', sessionRoutes(deps));
  api.use('/budget', budgetRoutes(deps, fundingPeriods));
  api.use('/calendar', calendarTokenRoutes(db, publicUrl));
  app.use('/api/v1', api);
  app.use('/calendar', calendarFeedRoutes(deps, publicUrl));
  if (queues) {
    app.use(
      dashboardRoutes({
        db,
        queues,
        adminToken,
        authCacheTtlMs,
        secureCookie: secureCookies,
        now: now ?? (() => new Date()),
      }),
    );
  }

  // The web pages (services/web): a second adapter over the engine on the same port, with its own
  // sessions, CSRF and CSP. It passes /api/* and /admin/* through untouched.
  app.use(webRoutes({ db, registry, publicUrl, secureCookies, now, logger, development, oidc, fundingPeriods }));

  app.use(notFoundRoute);
  app.use(errorHandler);
  return app;
}
