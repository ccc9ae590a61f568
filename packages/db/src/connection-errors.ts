/**
 * Errors that mean "PostgreSQL cannot be reached right now" rather than "this statement is wrong": the server
 * is down, restarting or refusing connections, or a connection broke or could not be had in time. Callers
 * answer them with "try again later" (HTTP 503) instead of an internal error.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** SQLSTATEs of a server that is shutting down or starting (57P0x) or out of connection slots (53300). */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres and pg-pool raise these without a code. */
const MESSAGES = [
  /^Connection terminated/, // unexpectedly, or due to connection timeout
  /^timeout exceeded when trying to connect/, // pg-pool: no client within connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable/,
  /^Connection ended unexpectedly/,
];

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Node reports a refused `localhost` (both ::1 and 127.0.0.1) as an AggregateError without a code of its own.
  if (error instanceof AggregateError && error.errors.some(isConnectionError)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return MESSAGES.some((m) => m.test(error.message));
}
