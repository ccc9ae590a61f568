import { z } from 'zod';
import type { Label } from './definition.js';

/** A profile schema's two strictnesses: a draft may leave fields out or short, a complete profile may not. */
export type SchemaMode = 'draft' | 'complete';

/** Euros to integer cents, the form money is summed and stored in. */
export const toCents = (eur: number) => Math.round(eur * 100);

/**
 * Zod builders for a workflow's profile fields whose messages name the field by its German and English
 * label ("Titel: mindestens 5 Zeichen. / Title: at least 5 characters."), so every workflow's validation
 * speaks the same way and the messages read the same in the API and on the pages.
 */
export function fieldSchemas<F extends string>(labels: Readonly<Record<F, Label>>) {
  const say = (field: F, de: string, en: string) => `${labels[field].de}: ${de} / ${labels[field].en}: ${en}`;
  /** Error for missing vs. wrongly typed values of one field. */
  const typeError = (field: F, de: string, en: string) => (iss: { input?: unknown }) =>
    iss.input === undefined ? say(field, 'Angabe fehlt.', 'is required.') : say(field, de, en);

  function text(field: F, min: number, max: number, mode: SchemaMode) {
    const s = z.string({ error: typeError(field, 'muss ein Text sein.', 'must be text.') }).trim();
    const bounded = s.max(max, { error: say(field, `höchstens ${max} Zeichen.`, `at most ${max} characters.`) });
    return mode === 'complete'
      ? bounded.min(min, { error: say(field, `mindestens ${min} Zeichen.`, `at least ${min} characters.`) })
      : bounded;
  }

  function oneOf<T extends readonly [string, ...string[]]>(field: F, values: T) {
    const list = values.join(', ');
    return z.enum(values, {
      error: typeError(field, `muss einer der Werte ${list} sein.`, `must be one of ${list}.`),
    });
  }

  const yesNo = (field: F) =>
    z.boolean({ error: typeError(field, 'muss ja oder nein sein.', 'must be true or false.') });

  function count(field: F) {
    return z
      .number({ error: typeError(field, 'muss eine Zahl sein.', 'must be a number.') })
      .int({ error: say(field, 'muss eine ganze Zahl sein.', 'must be a whole number.') })
      .min(0, { error: say(field, 'darf nicht negativ sein.', 'must not be negative.') })
      .max(1_000_000, { error: say(field, 'ist unplausibel groß.', 'is implausibly large.') });
  }

  /** Euro amounts with at most two decimals; JSON numbers are stored by PostgreSQL jsonb as exact numeric. */
  function euros(field: F) {
    return z
      .number({ error: typeError(field, 'muss ein Betrag in Euro sein.', 'must be an amount in euros.') })
      .refine((v) => Number.isFinite(v) && Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, {
        error: say(field, 'höchstens zwei Nachkommastellen.', 'at most two decimals.'),
      })
      .refine((v) => v >= 0 && v <= 100_000_000_000, {
        error: say(field, 'muss zwischen 0 und 100 Mrd. liegen.', 'must be between 0 and 100 bn.'),
      });
  }

  const isoDate = (field: F) =>
    z.iso.date({ error: typeError(field, 'muss ein Datum (JJJJ-MM-TT) sein.', 'must be a date (YYYY-MM-DD).') });

  return { say, typeError, text, oneOf, yesNo, count, euros, isoDate };
}

/**
 * Every reason a profile cannot be submitted yet: the complete schema's issues, and the cross-field rules
 * of a profile that at least parses as a draft (each reason once).
 */
export function submitIssuesOf<D>(
  schemas: { complete: z.ZodType; draft: z.ZodType<D> },
  crossFieldIssues: (draft: D) => Array<{ path: string; message: string }>,
  data: unknown,
): Array<{ path: string; message: string }> {
  const complete = schemas.complete.safeParse(data);
  if (complete.success) return [];
  const issues = complete.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const draft = schemas.draft.safeParse(data);
  if (draft.success) {
    for (const extra of crossFieldIssues(draft.data)) {
      if (!issues.some((i) => i.path === extra.path && i.message === extra.message)) issues.push(extra);
    }
  }
  return issues;
}
