/** A field-level problem, German first and English second in one message, named by its path. */
export interface Issue {
  path: string;
  message: string;
}

/**
 * Domain errors with a stable `code`. The engine throws them; the HTTP layer maps them to
 * problem+json in one place. Nothing else should be thrown on purpose.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly title: string;
  readonly issues: Issue[];
  constructor(detail: string, issues: Issue[] = []) {
    super(detail);
    this.issues = issues;
  }
}

/** A malformed request outside the body's schema, e.g. an unparsable header. */
export class BadRequest extends DomainError {
  readonly code = 'bad-request';
  readonly status = 400;
  readonly title = 'Ungültige Anfrage / Bad request';
}
export class Unauthenticated extends DomainError {
  readonly code = 'unauthenticated';
  readonly status = 401;
  readonly title = 'Nicht angemeldet / Not authenticated';
}
export class Forbidden extends DomainError {
  readonly code = 'forbidden';
  readonly status = 403;
  readonly title = 'Keine Berechtigung / Forbidden';
}
export class NotFound extends DomainError {
  readonly code = 'not-found';
  readonly status = 404;
  readonly title = 'Nicht gefunden / Not found';
}
/** The event or edit is not allowed in the profile's current state, or a resource is taken. */
export class Conflict extends DomainError {
  readonly code = 'conflict';
  readonly status = 409;
  readonly title = 'Konflikt / Conflict';
}
/** The caller's `If-Match` version is not the current one. */
export class StaleVersion extends DomainError {
  readonly code = 'stale-version';
  readonly status = 412;
  readonly title = 'Veraltete Version / Stale version';
}
export class PreconditionRequired extends DomainError {
  readonly code = 'precondition-required';
  readonly status = 428;
  readonly title = 'If-Match erforderlich / Precondition required';
}
/** Unknown event type or a payload that fails its schema. */
export class InvalidEvent extends DomainError {
  readonly code = 'invalid-event';
  readonly status = 422;
  readonly title = 'Ungültiges Ereignis / Invalid event';
}
export class ValidationFailed extends DomainError {
  readonly code = 'validation-failed';
  readonly status = 422;
  readonly title = 'Ungültige Eingabe / Validation failed';
}
/** The machine handles the event in this state, but a guard refused it (with the reasons). */
export class GuardFailed extends DomainError {
  readonly code = 'guard-failed';
  readonly status = 422;
  readonly title = 'Bedingung nicht erfüllt / Guard failed';
}
