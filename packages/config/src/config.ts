import { z } from 'zod';

/**
 * The environment schema. This module is the only place that reads `process.env`
 * (through `loadConfig(env)`), so every setting, its default and its validation live here.
 */
const durationOverrides = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.record(z.string(), z.object({ days: z.number().positive() }).strict())));

const DAY_MS = 86_400_000;
const UNIT_MS = { d: DAY_MS, h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** `7d,1d` → [604800000, 86400000] (largest first). */
const durationList = z.string().transform((raw, ctx) => {
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const values: number[] = [];
  for (const part of parts) {
    const m = /^(\d+)([dhms])$/.exec(part);
    if (!m || Number(m[1]) <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not a duration like 7d, 12h, 30m or 10s` });
      return z.NEVER;
    }
    values.push(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
  }
  return [...new Set(values)].sort((a, b) => b - a);
});

const jsonString = <T extends z.ZodType>(inner: T) =>
  z
    .string()
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(inner);

const fundingPeriods = z
  .array(
    z
      .object({
        id: z.string().min(1),
        from: z.iso.date(),
        to: z.iso.date(),
        budgetEur: z.number().int().positive(),
      })
      .strict(),
  )
  .min(1);

/**
 * Funding periods of the Land arm (about 3.6 bn EUR in all): 1.44 bn EUR for 2020–2026 (SPEC §4 of issue 4);
 * the remaining 2.16 bn for 2027–2038 is our assumption until the WRL office configures its own figures.
 */
const DEFAULT_FUNDING_PERIODS = JSON.stringify([
  { id: '2020-2026', from: '2020-01-01', to: '2026-12-31', budgetEur: 1_440_000_000 },
  { id: '2027-2038', from: '2027-01-01', to: '2038-12-31', budgetEur: 2_160_000_000 },
]);

const booleanString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * Where the API (and the worker's metrics port) listens. Loopback by default, so a developer machine's
   * `pnpm start` is not reachable from the network; containers and Kubernetes set `0.0.0.0` explicitly.
   */
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/steckbrief'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier')
    .default('public'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  /** How long a query waits for a database connection before failing (the API then answers 503). */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().min(1).default('steckbrief'),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  /**
   * OpenID Connect sign-in beside the e-mail code (all three or none): the provider's issuer (https; http
   * only on a loopback address), and this application's client there. Its redirect address is
   * PUBLIC_URL + /anmelden/oidc/rueckkehr.
   */
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MIGRATE_ON_START: booleanString.default(true),
  /** Per-deployment deadline overrides: {"<workflow>": {"<state>": {"days": 14}}}. */
  WORKFLOW_DEADLINES: durationOverrides.optional(),
  /**
   * Per workflow, the version new profiles start on: {"<workflow id>": 2}. Workflows not named start
   * new profiles on the version the deployment list (packages/workflows) sets, else on their latest.
   */
  WORKFLOW_VERSIONS: jsonString(z.record(z.string(), z.number().int().positive())).optional(),
  /** JSON list of {id, from, to, budgetEur} for the budget view. */
  FUNDING_PERIODS: jsonString(fundingPeriods).prefault(DEFAULT_FUNDING_PERIODS),
  /** How long a resolved bearer token is cached per API process; revocations take up to this long elsewhere. */
  AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  // --- worker (services/worker) ---
  /** SMTP server for notices, e.g. smtp://user:pass@mail.example.org:587 (smtps:// for implicit TLS). Default: a local Mailpit. */
  SMTP_URL: z.url().default('smtp://127.0.0.1:1025'),
  /**
   * Pooled SMTP connections per worker process; also how many mails it has at once between hand-off and
   * recorded outcome (one per connection, decision 007).
   */
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(10),
  /** Sender of all notices; its domain also names the stable Message-IDs. */
  MAIL_FROM: z.string().min(3).default('Steckbrief <noreply@steckbrief.localhost>'),
  /** Attempts per mail before it ends in the visible `failed` state; retries back off exponentially from MAIL_BACKOFF_MS. */
  MAIL_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  MAIL_BACKOFF_MS: z.coerce.number().int().min(10).default(5_000),
  /** How long one worker owns a send; a crashed worker's mail is retried by another after this. */
  MAIL_LEASE_MS: z.coerce.number().int().min(500).default(60_000),
  /**
   * How the "delivered" mark of a sent mail commits (decision 007). `sync` (default): durable before the
   * mail's send slot is free, so a database crash re-sends nothing. `async`: without waiting for the WAL
   * flush (faster when PostgreSQL's disk is slow or busy); a PostgreSQL crash or failover (not a restart
   * or stop) can then lose the marks of its last ~0.6 s, and those mails go out once more with the same
   * Message-ID after their lease.
   */
  MAIL_MARK_COMMIT: z.enum(['async', 'sync']).default('sync'),
  /** Reminders before a task's due date, e.g. `7d,1d` (units d, h, m, s). */
  REMINDER_OFFSETS: durationList.default([7 * DAY_MS, DAY_MS]),
  /** How often the worker rebuilds from PostgreSQL what Redis should hold (also done at start). */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * Redis holds the jobs of reminders and escalations due within this many ms; reconciliation adds the
   * later ones as their time comes within it. At least twice RECONCILE_INTERVAL_MS.
   */
  TIMER_HORIZON_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(15 * 60_000),
  /** How often the worker records the heads of all history chains (`history_anchors`); default daily. */
  HISTORY_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(1_000).default(DAY_MS),
  /** How often the worker applies the workflows' retention rules (docs/privacy.md); default daily. */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).default(DAY_MS),
  /** Outbox polling fallback when no NOTIFY arrives. */
  RELAY_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Jobs one worker process runs at once, per queue. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
  /** BullMQ job lock: a killed worker's active jobs return to the queue after this. */
  JOB_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  /**
   * Port of the worker's own HTTP server: `GET /healthz` (probes) and `GET /metrics` (Prometheus, no
   * authentication: keep the port cluster-internal, off any public Service). Listens on HOST; 0 turns it off.
   */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
});

export type Config = z.infer<typeof configSchema> & {
  /** True when ADMIN_TOKEN was not set and the development default is in use: development on a loopback HOST only. */
  adminTokenIsDevDefault: boolean;
};

/**
 * Lets `pnpm start` on a developer machine work without any setting. It is printed in the README, so it is
 * only ever accepted by a development process that listens on a loopback address.
 */
export const DEV_ADMIN_TOKEN = 'steckbrief-dev-admin-token-change-me';

/** Admin tokens published in this repository (README, former compose default, secret template). */
const PUBLISHED_TOKENS = new Set([DEV_ADMIN_TOKEN, 'compose-admin-token-change-me-0123456789']);
const PLACEHOLDER = /change[_-]?me/i;

/** 127.0.0.0/8, ::1 (also bracketed or IPv4-mapped) and `localhost`: reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) && v4.split('.').every((p) => Number(p) <= 255);
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parse and validate the environment once at start; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" (a common result of `FOO= cmd` and compose files).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const oidc = [result.data.OIDC_ISSUER, result.data.OIDC_CLIENT_ID, result.data.OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    throw new ConfigError([
      'OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: set all three for OpenID Connect sign-in, or none',
    ]);
  }
  if (result.data.OIDC_ISSUER) {
    const issuer = new URL(result.data.OIDC_ISSUER);
    if (issuer.protocol !== 'https:' && !isLoopbackHost(issuer.hostname)) {
      throw new ConfigError(['OIDC_ISSUER: must be an https address (http only for a loopback address)']);
    }
  }
  if (result.data.TIMER_HORIZON_MS < 2 * result.data.RECONCILE_INTERVAL_MS) {
    throw new ConfigError([
      `TIMER_HORIZON_MS: must be at least twice RECONCILE_INTERVAL_MS (${2 * result.data.RECONCILE_INTERVAL_MS}), or a timer could come due before reconciliation hands it to Redis`,
    ]);
  }
  const loopback = isLoopbackHost(result.data.HOST);
  const token = result.data.ADMIN_TOKEN;
  // No process reachable from the network accepts a credential anyone can read in this repository.
  if (token && !loopback && (PUBLISHED_TOKENS.has(token) || PLACEHOLDER.test(token))) {
    throw new ConfigError([
      `ADMIN_TOKEN: is a published example value, and HOST ${result.data.HOST} is reachable from the network; choose your own (e.g. \`openssl rand -base64 36\`)`,
    ]);
  }
  const useDevToken = !token && result.data.NODE_ENV === 'development' && loopback;
  return {
    ...result.data,
    ADMIN_TOKEN: useDevToken ? DEV_ADMIN_TOKEN : result.data.ADMIN_TOKEN,
    adminTokenIsDevDefault: useDevToken,
  };
}

/** For a process's entry point: the config, or the problems on stderr and exit code 2 (no stack trace). */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
