/**
 * One-line messages for a process that cannot reach a service it needs at start: which service, where
 * (never the password), which variable to change and how to start the service. No stack trace: the cause is
 * outside the code.
 */

/** `url` without its password (also a `password` query parameter), for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.searchParams.delete('password');
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export function unreachableMessage(args: {
  service: string;
  url: string;
  variable: string;
  reason: string;
  /** What to do about it; defaults to starting the service with `start`. */
  hint?: string;
  start?: string;
}): string {
  const hint = args.hint ?? `Start it (e.g. ${args.start}) or set ${args.variable}.`;
  return `Cannot reach ${args.service} at ${redactUrl(args.url)} (${args.variable}): ${args.reason}. ${hint}`;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
};

/** The network reason in `error` (or in the errors it aggregates or wraps), e.g. "connection refused". */
export function networkReason(error: unknown, depth = 0): string | undefined {
  if (!(error instanceof Error) || depth > 5) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const reason = networkReason(inner, depth + 1);
      if (reason) return reason;
    }
  }
  return networkReason(error.cause, depth + 1);
}

const REDIS_START = '"redis-server --daemonize yes" or "docker compose up redis"';

/** The start message for a Redis connection failure, or undefined when `error` is something else. */
export function describeRedisError(error: unknown, url: string): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  let reason = networkReason(error);
  if (!reason && /NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return unreachableMessage({
      service: 'Redis',
      url,
      variable: 'REDIS_URL',
      reason: 'authentication failed',
      hint: 'Check the user and password in REDIS_URL.',
    });
  }
  if (
    !reason &&
    (error.name === 'MaxRetriesPerRequestError' || /Connection is closed|connect ETIMEDOUT/.test(message))
  ) {
    reason = 'no connection';
  }
  return reason
    ? unreachableMessage({ service: 'Redis', url, variable: 'REDIS_URL', reason, start: REDIS_START })
    : undefined;
}
