import { describeRedisError, loadConfigOrExit, privateLogOptions } from '@steckbrief/config';
import { createDb, describeConnectionError } from '@steckbrief/db';
import { buildRegistry, describeDefinitionError } from '@steckbrief/workflows';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { pino } from 'pino';
import { startAnchors } from './anchors.js';
import { createSmtpTransport } from './mailer.js';
import { startMetricsServer } from './metrics.js';
import { startRetentionJob } from './retention.js';
import { startWorker } from './worker.js';

const cfg = loadConfigOrExit();
// No personal data in logs (docs/privacy.md): credentials and personal fields redacted, e-mail addresses masked.
const logger = pino({ level: cfg.LOG_LEVEL, base: { service: 'worker' }, ...privateLogOptions() });
const db = createDb({
  url: cfg.DATABASE_URL,
  schema: cfg.DATABASE_SCHEMA,
  poolMax: cfg.DATABASE_POOL_MAX,
  connectTimeoutMs: cfg.DATABASE_CONNECT_TIMEOUT_MS,
  // An idle connection broke (PostgreSQL restarted, failover, pg_terminate_backend); the pool replaces it.
  onError: (err) =>
    logger.warn({ code: (err as { code?: string }).code, reason: err.message }, 'PostgreSQL connection lost'),
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

/** A service unusable at start: one line naming its variable on stderr, exit 1; anything else is a real crash. */
async function exitWith(line: string | undefined, error: unknown): Promise<never> {
  if (!line) throw error;
  console.error(line);
  await db.destroy().catch(() => undefined);
  process.exit(1);
}

// The workflow definitions and their configuration, checked before anything else: a bad one is one line.
const registry = await (async () => {
  try {
    return buildRegistry(cfg.WORKFLOW_DEADLINES ?? {}, cfg.WORKFLOW_VERSIONS);
  } catch (error) {
    return exitWith(describeDefinitionError(error), error);
  }
})();

try {
  await sql`select 1`.execute(db);
} catch (error) {
  await exitWith(describeConnectionError(error, cfg.DATABASE_URL), error);
}

/** Redis answers a PING: one connection attempt, no retries, bounded in time. */
async function pingRedis(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: cfg.DATABASE_CONNECT_TIMEOUT_MS,
  });
  // The failure reaches us through connect()'s rejection; the event would only repeat it on stderr.
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
}
try {
  await pingRedis(cfg.REDIS_URL);
} catch (error) {
  await exitWith(describeRedisError(error, cfg.REDIS_URL), error);
}

// The API (MIGRATE_ON_START) or the one-shot `migrate` step owns migrations; started next to them, the worker
// waits until the schema has its tables, however long that takes, instead of crash-looping beside them.
const WAIT_LOG_EVERY_MS = 30_000;
const waitStart = Date.now();
for (let nextLog = waitStart; ; ) {
  try {
    await sql`select 1 from mail_deliveries, task_timers limit 0`.execute(db);
    if (nextLog > waitStart) {
      logger.info({ schema: cfg.DATABASE_SCHEMA, waitedMs: Date.now() - waitStart }, 'database migrations found');
    }
    break;
  } catch (error) {
    if (Date.now() >= nextLog) {
      nextLog = Date.now() + WAIT_LOG_EVERY_MS;
      logger.warn(
        {
          schema: cfg.DATABASE_SCHEMA,
          waitedMs: Date.now() - waitStart,
          code: (error as { code?: string }).code,
          reason: (error as Error).message,
        },
        'waiting for the database migrations: start the API (MIGRATE_ON_START=true) or run `pnpm db:migrate`',
      );
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

const worker = await startWorker({
  db,
  databaseUrl: cfg.DATABASE_URL,
  schema: cfg.DATABASE_SCHEMA,
  redisUrl: cfg.REDIS_URL,
  redisPrefix: `${cfg.REDIS_PREFIX}:bull`,
  registry,
  transport: createSmtpTransport(cfg.SMTP_URL, cfg.SMTP_POOL_SIZE),
  logger,
  publicUrl: cfg.PUBLIC_URL,
  mailFrom: cfg.MAIL_FROM,
  mailAttempts: cfg.MAIL_ATTEMPTS,
  mailBackoffMs: cfg.MAIL_BACKOFF_MS,
  mailLeaseMs: cfg.MAIL_LEASE_MS,
  mailMarkCommit: cfg.MAIL_MARK_COMMIT,
  reminderOffsets: cfg.REMINDER_OFFSETS,
  timerHorizonMs: cfg.TIMER_HORIZON_MS,
  reconcileIntervalMs: cfg.RECONCILE_INTERVAL_MS,
  relayPollMs: cfg.RELAY_POLL_MS,
  concurrency: cfg.WORKER_CONCURRENCY,
  jobLockMs: cfg.JOB_LOCK_MS,
});
// The heads of all history chains, recorded once per HISTORY_ANCHOR_INTERVAL_MS across all workers.
const anchors = startAnchors({ db, logger, intervalMs: cfg.HISTORY_ANCHOR_INTERVAL_MS });
// The retention rules (docs/privacy.md), a repeatable job: one run per RETENTION_INTERVAL_MS across all workers.
const retention = await startRetentionJob({
  db,
  registry: worker.context.registry,
  connection: new Redis(cfg.REDIS_URL, { maxRetriesPerRequest: null }),
  prefix: `${cfg.REDIS_PREFIX}:bull`,
  intervalMs: cfg.RETENTION_INTERVAL_MS,
  logger,
});
const metricsServer = cfg.WORKER_METRICS_PORT
  ? await startMetricsServer({ registry: worker.metrics, port: cfg.WORKER_METRICS_PORT, host: cfg.HOST, logger })
  : null;
logger.info(
  { schema: cfg.DATABASE_SCHEMA, prefix: `${cfg.REDIS_PREFIX}:bull`, metricsPort: metricsServer?.port ?? null },
  'worker started',
);
process.send?.({ ready: true });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: no new jobs, finishing jobs in flight');
  const force = setTimeout(() => {
    logger.error('shutdown timed out; exiting (unfinished jobs return to the queue)');
    process.exit(1);
  }, cfg.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  metricsServer?.markStopping();
  await worker.stop();
  await anchors.stop();
  await retention.stop();
  await metricsServer?.close();
  await db.destroy();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
