import { z } from 'zod';
import { type DomainError, type Issue, ValidationFailed } from './errors.js';

const de = z.locales.de().localeError;
const en = z.locales.en().localeError;

function localeMessage(map: typeof de, issue: Parameters<typeof de>[0]): string {
  const out = map(issue);
  return typeof out === 'string' ? out : (out?.message ?? '');
}

/**
 * Parse-level error map: schemas with their own (bilingual) messages keep them; every other issue gets
 * zod's German message followed by its English one.
 */
export const bilingualErrors: z.core.$ZodErrorMap = (issue) =>
  `${localeMessage(de, issue)} / ${localeMessage(en, issue)}`;

export function issuePath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  const joined = path.map(String).join('.');
  return [prefix, joined].filter(Boolean).join('.') || '(root)';
}

export function toIssues(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => {
    // Unknown keys are reported on the parent; name the keys themselves so the caller sees which field.
    if (i.code === 'unrecognized_keys') {
      return {
        path: issuePath([...i.path, i.keys.join(',')], prefix),
        message: `Unbekanntes Feld / Unknown field: ${i.keys.join(', ')}`,
      };
    }
    return { path: issuePath(i.path, prefix), message: i.message };
  });
}

/** Validate at an edge: the typed value, or a ValidationFailed naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  {
    prefix = '',
    detail = 'Die Eingabe ist ungültig. / The input is invalid.',
    error = ValidationFailed as new (
      detail: string,
      issues: Issue[],
    ) => DomainError,
  } = {},
): z.output<S> {
  const result = schema.safeParse(value, { error: bilingualErrors });
  if (!result.success) throw new error(detail, toIssues(result.error, prefix));
  return result.data;
}
