import { loadConfigOrExit } from '@steckbrief/config';
import { createDb } from '@steckbrief/db';
import { buildRegistry } from '@steckbrief/workflows';
import { sql } from 'kysely';
import { pino } from 'pino';
import { createSmtpTransport } from './mailer.js';
import { startMetricsServer } from './metrics.js';
import { startWorker } from './worker.js';

const cfg = loadConfigOrExit();
const logger = pino({ level: cfg.LOG_LEVEL, base: { service: 'worker' }, redact: ['*.password', '*.token'] });
const db = createDb({
  url: cfg.DATABASE_URL,
  schema: cfg.DATABASE_SCHEMA,
  poolMax: cfg.DATABASE_POOL_MAX,
  connectTimeoutMs: cfg.DATABASE_CONNECT_TIMEOUT_MS,
  // An idle connection broke (PostgreSQL restarted, failover, pg_terminate_backend); the pool replaces it.
  onError: (err) =>
    logger.warn({ err: { code: (err as { code?: string }).code, message: err.message } }, 'PostgreSQL connection lost'),
});

// The API (MIGRATE_ON_START) or the one-shot `migrate` step owns migrations; started next to them,
// the worker waits until the schema has its tables instead of failing.
for (let waited = 0; ; waited += 1_000) {
  try {
    await sql`select 1 from mail_deliveries, task_timers limit 0`.execute(db);
    break;
  } catch (error) {
    if (waited >= 120_000) throw error;
    if (waited === 0) logger.info({ schema: cfg.DATABASE_SCHEMA }, 'waiting for the database migrations');
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

const worker = await startWorker({
  db,
  databaseUrl: cfg.DATABASE_URL,
  schema: cfg.DATABASE_SCHEMA,
  redisUrl: cfg.REDIS_URL,
  redisPrefix: `${cfg.REDIS_PREFIX}:bull`,
  registry: buildRegistry(cfg.WORKFLOW_DEADLINES ?? {}),
  transport: createSmtpTransport(cfg.SMTP_URL, cfg.SMTP_POOL_SIZE),
  logger,
  publicUrl: cfg.PUBLIC_URL,
  mailFrom: cfg.MAIL_FROM,
  mailAttempts: cfg.MAIL_ATTEMPTS,
  mailBackoffMs: cfg.MAIL_BACKOFF_MS,
  mailLeaseMs: cfg.MAIL_LEASE_MS,
  reminderOffsets: cfg.REMINDER_OFFSETS,
  reconcileIntervalMs: cfg.RECONCILE_INTERVAL_MS,
  relayPollMs: cfg.RELAY_POLL_MS,
  concurrency: cfg.WORKER_CONCURRENCY,
  jobLockMs: cfg.JOB_LOCK_MS,
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
  await metricsServer?.close();
  await db.destroy();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
