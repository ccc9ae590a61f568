/**
 * The shape of a workflow's retention rules and their defaults, without imports, so that definition.ts can name
 * it without importing the retention job (retention.ts).
 */

/** A calendar period: years and months are counted in the calendar (UTC), days as 24 hours. */
export interface RetentionPeriod {
  years?: number;
  months?: number;
  days?: number;
}

/**
 * How long a workflow keeps what (docs/privacy.md gives the defaults' reasons). Every definition states its
 * `retention` block; what it leaves out comes from DEFAULT_RETENTION.
 */
export interface RetentionSpec {
  /** A profile never submitted is deleted this long after its last change. */
  draftDeleteAfter: RetentionPeriod;
  /** Its owner is told this long before the deletion (once per unchanged draft). */
  draftNoticeBefore: RetentionPeriod;
  /** Final states whose profiles lose their personal data `closedKeepFor` after entering them. */
  closedStates: readonly string[];
  closedKeepFor: RetentionPeriod;
  /**
   * States whose profiles are kept (the basis of a grant) until the operator-set `keep_until`; null keeps
   * them. From that date their personal data is removed as for closed profiles; the decision record stays.
   */
  keptStates: readonly string[];
  /** Top-level fields of the profile data that hold personal data (the contact person): removed entirely. */
  personalDataFields: readonly string[];
  /**
   * Free-text fields, wherever they appear in history payloads, the machine's context and session decisions
   * (reasons, statements, notes, file names): their text is replaced by REDACTED. Enumerated outcomes (a
   * Votum, an opinion, the ministries involved) are not free text and stay as the decision record.
   */
  freeTextFields: readonly string[];
}

/** What a removed text reads afterwards. */
export const REDACTED = '[entfernt]';

export const DEFAULT_RETENTION: RetentionSpec = {
  draftDeleteAfter: { months: 12 },
  draftNoticeBefore: { days: 30 },
  closedStates: ['rejected', 'withdrawn'],
  closedKeepFor: { years: 3 },
  keptStates: ['confirmed'],
  personalDataFields: ['contact'],
  freeTextFields: ['reason', 'text', 'fileName'],
};
