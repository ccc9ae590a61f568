import { UnrecoverableError } from 'bullmq';
import { ZodError } from 'zod';

/**
 * Errors that no retry can cure: a row or job whose data does not parse, and PostgreSQL's data
 * exceptions (SQLSTATE class 22, e.g. a year-0000 date that is out of range for `timestamptz`).
 * Everything else (connection loss, timeouts, deadlocks, SMTP trouble) is worth retrying.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof ZodError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/**
 * A permanent error as BullMQ's UnrecoverableError: the job goes to the failed set at once instead
 * of using up its attempts with backoff, and reconciliation leaves it there (`isPoison`).
 */
export function failFast(error: unknown): never {
  if (isPermanent(error)) throw new UnrecoverableError(errorMessage(error));
  throw error;
}

export function errorMessage(error: unknown): string {
  return String((error as Error | null)?.message ?? error).slice(0, 2_000);
}

/**
 * A failed job that failed before using up its attempts was failed on purpose (UnrecoverableError):
 * a poison row or job, left for operators. One that used them all up failed for a passing reason
 * (an outage) and is retried by reconciliation while its row still needs work.
 */
export function isPoison(job: { attemptsMade: number; opts: { attempts?: number } }): boolean {
  return job.attemptsMade < (job.opts.attempts ?? 1);
}
