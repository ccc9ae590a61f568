import { networkReason, unreachableMessage } from '@steckbrief/config';
import { isConnectionError } from './connection-errors.js';

const POSTGRES_START = '"pg_ctlcluster 15 main start" or "docker compose up postgres"';

/** The first error in `error`'s cause chain (or aggregate) that `accept` takes. */
function find(error: unknown, accept: (e: Error) => boolean, depth = 0): Error | undefined {
  if (!(error instanceof Error) || depth > 5) return undefined;
  if (accept(error)) return error;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = find(inner, accept, depth + 1);
      if (found) return found;
    }
  }
  return find(error.cause, accept, depth + 1);
}

const codeOf = (e: Error) => (e as { code?: unknown }).code;

/**
 * The one line a process prints when PostgreSQL cannot be used at start (unreachable, refusing the
 * credentials, database missing), naming DATABASE_URL without its password; undefined for any other error.
 */
export function describeConnectionError(error: unknown, url: string): string | undefined {
  const base = { service: 'PostgreSQL', url, variable: 'DATABASE_URL' };
  const auth = find(error, (e) => typeof codeOf(e) === 'string' && /^28/.test(codeOf(e) as string));
  if (auth) {
    return unreachableMessage({ ...base, reason: auth.message, hint: 'Check the user and password in DATABASE_URL.' });
  }
  if (find(error, (e) => codeOf(e) === '3D000')) {
    return unreachableMessage({
      ...base,
      reason: 'the database does not exist',
      hint: 'Create it ("pnpm db:migrate" does) or set DATABASE_URL.',
    });
  }
  const broken = find(error, isConnectionError);
  if (!broken) return undefined;
  const code = codeOf(broken);
  const reason =
    networkReason(broken) ??
    (code === '57P03'
      ? 'the server is starting up'
      : code === '53300'
        ? 'too many connections'
        : /timeout/i.test(broken.message)
          ? 'no answer in time'
          : broken.message);
  return unreachableMessage({ ...base, reason, start: POSTGRES_START });
}
