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

const booleanString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/steckbrief'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier')
    .default('public'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().min(1).default('steckbrief'),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MIGRATE_ON_START: booleanString.default(true),
  /** Per-deployment deadline overrides: {"<workflow>": {"<state>": {"days": 14}}}. */
  WORKFLOW_DEADLINES: durationOverrides.optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
});

export type Config = z.infer<typeof configSchema> & {
  /** True when ADMIN_TOKEN was not set and the development default is in use (never in production). */
  adminTokenIsDevDefault: boolean;
};

/** Lets `pnpm start` on a developer machine work without any setting; production must choose its own. */
export const DEV_ADMIN_TOKEN = 'steckbrief-dev-admin-token-change-me';

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
  const useDevToken = !result.data.ADMIN_TOKEN && result.data.NODE_ENV === 'development';
  return {
    ...result.data,
    ADMIN_TOKEN: useDevToken ? DEV_ADMIN_TOKEN : result.data.ADMIN_TOKEN,
    adminTokenIsDevDefault: useDevToken,
  };
}
