import { isConnectionError } from '@steckbrief/db';
import { DomainError } from '@steckbrief/engine';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
  requestId?: string;
}

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

const problemType = (code: string) => `/problems/${code}`;

/** Errors raised by body parsing: their `type` says what went wrong; they are the client's fault. */
const BODY_ERRORS: Record<string, { status: number; code: string; title: string; detail: string }> = {
  'entity.too.large': {
    status: 413,
    code: 'payload-too-large',
    title: 'Anfrage zu groß / Payload too large',
    detail: 'Der Anfrageinhalt ist größer als 1 MiB. / The request body exceeds 1 MiB.',
  },
  'entity.parse.failed': {
    status: 400,
    code: 'malformed-json',
    title: 'Ungültiges JSON / Malformed JSON',
    detail: 'Der Anfrageinhalt ist kein gültiges JSON. / The request body is not valid JSON.',
  },
  'encoding.unsupported': {
    status: 415,
    code: 'unsupported-encoding',
    title: 'Nicht unterstützte Kodierung / Unsupported encoding',
    detail: 'Nur UTF-8 wird unterstützt. / Only UTF-8 is supported.',
  },
  'charset.unsupported': {
    status: 415,
    code: 'unsupported-charset',
    title: 'Nicht unterstützter Zeichensatz / Unsupported charset',
    detail: 'Nur UTF-8 wird unterstützt. / Only UTF-8 is supported.',
  },
};

export const notFoundRoute: RequestHandler = (req, res) => {
  sendProblem(res, {
    type: problemType('not-found'),
    title: 'Nicht gefunden / Not found',
    status: 404,
    detail: `Keine Ressource unter ${req.method} ${req.path}. / No such resource.`,
    requestId: String(req.id),
  });
};

/** Seconds a client should wait before retrying while PostgreSQL is unreachable. */
const DATABASE_RETRY_AFTER_S = 5;

/** The one place where errors become HTTP answers. Stack traces and SQL never reach the client. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const requestId = String(req.id);
  if (error instanceof DomainError) {
    if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    sendProblem(res, {
      type: problemType(error.code),
      title: error.title,
      status: error.status,
      detail: error.message,
      ...(error.issues.length ? { errors: error.issues } : {}),
      requestId,
    });
    return;
  }
  const bodyError = typeof error?.type === 'string' ? BODY_ERRORS[error.type] : undefined;
  if (bodyError) {
    const { code, ...rest } = bodyError;
    sendProblem(res, { type: problemType(code), ...rest, requestId });
    return;
  }
  if (isConnectionError(error)) {
    // PostgreSQL is down, restarting or out of connections: the request may well succeed a little later.
    req.log.warn({ code: error.code, reason: error.message }, 'database unavailable');
    if (res.headersSent) return;
    res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_S));
    sendProblem(res, {
      type: problemType('database-unavailable'),
      title: 'Datenbank nicht erreichbar / Database unavailable',
      status: 503,
      detail:
        'Die Datenbank ist vorübergehend nicht erreichbar; bitte später erneut versuchen. / The database is temporarily unavailable; please try again later.',
      requestId,
    });
    return;
  }
  req.log.error({ err: error }, 'unhandled error');
  if (res.headersSent) return;
  sendProblem(res, {
    type: problemType('internal'),
    title: 'Interner Fehler / Internal error',
    status: 500,
    detail: 'Ein unerwarteter Fehler ist aufgetreten. / An unexpected error occurred.',
    requestId,
  });
};
