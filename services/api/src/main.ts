import type { Server } from 'node:http';
import { loadConfigOrExit, privateLogOptions } from '@steckbrief/config';
import { createDb, describeConnectionError, ensureDatabase, migrateToLatest } from '@steckbrief/db';
import { createQueues } from '@steckbrief/queues';
import { buildRegistry, describeDefinitionError } from '@steckbrief/workflows';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { pino } from 'pino';
import { createApp } from './app.js';
import { queueJobCounts } from './routes/dashboard.js';

const cfg = loadConfigOrExit();
// No personal data in logs (docs/privacy.md): credentials and personal fields redacted, e-mail addresses masked.
const logger = pino({
  level: cfg.LOG_LEVEL,
  base: { service: 'api' },
  ...privateLogOptions(['req.headers.authorization', 'req.headers.cookie']),
});

// A crash must still be one fatal log line and a non-zero exit, so the supervisor restarts the process.
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception; exiting');
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  logger.fatal({ err }, 'unhandled promise rejection; exiting');
  process.exit(1);
});

// The workflow definitions and their configuration, checked before anything connects: a bad one is one line.
const registry = (() => {
  try {
    return buildRegistry(cfg.WORKFLOW_DEADLINES, cfg.WORKFLOW_VERSIONS);
  } catch (error) {
    const line = describeDefinitionError(error);
    if (!line) throw error;
    console.error(line);
    process.exit(1);
  }
})();

/** PostgreSQL unusable at start: one line naming DATABASE_URL on stderr, exit 1; anything else is a real crash. */
function exitIfUnreachable(error: unknown): void {
  const line = describeConnectionError(error, cfg.DATABASE_URL);
  if (!line) throw error;
  console.error(line);
  process.exit(1);
}

if (cfg.MIGRATE_ON_START) {
  await ensureDatabase(cfg.DATABASE_URL, { connectTimeoutMs: cfg.DATABASE_CONNECT_TIMEOUT_MS }).catch(
    exitIfUnreachable,
  );
}
const db = createDb({
  url: cfg.DATABASE_URL,
  schema: cfg.DATABASE_SCHEMA,
  poolMax: cfg.DATABASE_POOL_MAX,
  connectTimeoutMs: cfg.DATABASE_CONNECT_TIMEOUT_MS,
  // An idle connection broke (PostgreSQL restarted, failover, pg_terminate_backend); the pool replaces it.
  onError: (err) =>
    logger.warn({ code: (err as { code?: string }).code, reason: err.message }, 'PostgreSQL connection lost'),
});
try {
  if (cfg.MIGRATE_ON_START) {
    const results = await migrateToLatest(db, cfg.DATABASE_SCHEMA);
    if (results.length) logger.info({ migrations: results.map((r) => r.migrationName) }, 'migrated database');
  } else {
    await sql`select 1`.execute(db);
  }
} catch (error) {
  await db.destroy();
  exitIfUnreachable(error);
}
const redis = new Redis(cfg.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false });
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));
// For the dashboard and the queue metrics only (the API adds no jobs): they share the connection, which fails
// fast while Redis is down instead of holding requests.
const queues = createQueues({
  connection: redis,
  prefix: `${cfg.REDIS_PREFIX}:bull`,
  mailAttempts: cfg.MAIL_ATTEMPTS,
  mailBackoffMs: cfg.MAIL_BACKOFF_MS,
});

if (cfg.adminTokenIsDevDefault) {
  logger.warn(
    'ADMIN_TOKEN is not set: the development default admin token is active (see README); set ADMIN_TOKEN in production',
  );
} else if (!cfg.ADMIN_TOKEN && cfg.NODE_ENV === 'development') {
  logger.warn(
    { host: cfg.HOST },
    'ADMIN_TOKEN is not set and HOST is not a loopback address: no bootstrap admin token (the published development token is only accepted on 127.0.0.1); set ADMIN_TOKEN or create users with `pnpm steckbrief users create`',
  );
}
const app = createApp({
  db,
  redis,
  registry,
  logger,
  adminToken: cfg.ADMIN_TOKEN,
  publicUrl: cfg.PUBLIC_URL,
  authCacheTtlMs: cfg.AUTH_CACHE_TTL_MS,
  queues,
  queueCounts: queueJobCounts(queues),
  secureCookies: cfg.PUBLIC_URL.startsWith('https:') || cfg.NODE_ENV === 'production',
  development: cfg.NODE_ENV === 'development',
  oidc:
    cfg.OIDC_ISSUER && cfg.OIDC_CLIENT_ID && cfg.OIDC_CLIENT_SECRET
      ? { issuer: cfg.OIDC_ISSUER, clientId: cfg.OIDC_CLIENT_ID, clientSecret: cfg.OIDC_CLIENT_SECRET }
      : null,
  fundingPeriods: cfg.FUNDING_PERIODS.map((p) => ({
    id: p.id,
    from: p.from,
    to: p.to,
    budgetCents: p.budgetEur * 100,
  })),
});
const server: Server = app.listen(cfg.PORT, cfg.HOST, () => {
  logger.info({ port: cfg.PORT, host: cfg.HOST, adminToken: Boolean(cfg.ADMIN_TOKEN) }, 'api listening');
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
  const force = setTimeout(() => {
    logger.error('shutdown timed out; exiting');
    process.exit(1);
  }, cfg.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await queues.close().catch(() => undefined);
  await Promise.allSettled([db.destroy(), redis.quit()]);
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
