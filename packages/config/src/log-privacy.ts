/**
 * Logs carry ids, never names, e-mail addresses or free text (docs/privacy.md). Call sites log ids; these
 * pino options are the net under them, for the API's and the worker's loggers:
 * - `redact` removes credentials and fields that hold personal data by name wherever they appear;
 * - the `logMethod` hook masks e-mail addresses inside any logged string (an SMTP server's refusal, a
 *   database error quoting a value) in messages, plain objects and errors. Other objects (requests, responses)
 *   are left to their serializers, which log the path and the query's keys only.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
export const MASKED_EMAIL = '<e-mail>';

const SENSITIVE_FIELDS = ['token', 'password', 'email', 'recipientName', 'contact'];
const MAX_DEPTH = 6;

/** A copy of `value` with every e-mail address in its strings masked (plain objects, arrays and errors). */
export function maskEmails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(EMAIL, MASKED_EMAIL);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const masked = new Error(maskEmails(value.message) as string);
    masked.name = value.name;
    masked.stack = value.stack === undefined ? undefined : (maskEmails(value.stack) as string);
    for (const [k, v] of Object.entries(value))
      (masked as unknown as Record<string, unknown>)[k] = maskEmails(v, depth + 1);
    return masked;
  }
  if (Array.isArray(value)) return value.map((v) => maskEmails(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskEmails(v, depth + 1)]));
}

/** pino options: `redact` (with the caller's extra paths) and the masking hook. */
export function privateLogOptions(extraRedact: string[] = []) {
  return {
    redact: [...SENSITIVE_FIELDS.flatMap((f) => [f, `*.${f}`]), ...extraRedact],
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => maskEmails(a)),
        );
      },
    },
  };
}
