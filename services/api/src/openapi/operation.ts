import type { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

export interface ResponseSpec {
  description: string;
  /** A component schema by name (`ProfileView`), or an inline JSON Schema; sent as application/json. */
  schema?: string | JsonSchema;
  /** Other media types, each with its JSON Schema (a component name or inline). */
  content?: Record<string, string | JsonSchema>;
  /** Names of headers in `components.headers` (ETag, Location, Idempotent-Replayed, Set-Cookie). */
  headers?: string[];
}

/**
 * One HTTP operation, documented next to its handler. `body` and `query` are the zod schemas the handler
 * validates with, so the document cannot drift from what the API accepts.
 */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template, e.g. `/api/v1/profiles/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Roles allowed (403 otherwise), `user` for any authenticated caller, `public` for no authentication. */
  roles: readonly string[] | 'user' | 'public';
  body?: z.ZodType;
  /**
   * How the document states `body`, when the handler's schema is less precise than what is accepted in the
   * end (e.g. an event's payload, checked by the engine against the profile's workflow): gets the body's
   * JSON Schema and the workflows' component names, returns the documented schema.
   */
  documentBody?: (schema: JsonSchema, workflowIds: readonly string[]) => JsonSchema;
  /** An HTML form body (application/x-www-form-urlencoded) instead of JSON, e.g. the dashboard login. */
  form?: z.ZodObject;
  /** A multipart/form-data body (an upload), as JSON Schema: its fields are not JSON, so not a zod schema. */
  multipart?: { schema: JsonSchema };
  query?: z.ZodObject;
  /** Request headers from `components.parameters`. */
  headers?: Array<'If-Match' | 'Idempotency-Key'>;
  responses: Record<number, ResponseSpec>;
  /** Problem statuses besides the ones every operation of its kind may answer (401, 403, 404 on ids, 400/413/415/422 on bodies, 500). */
  problems?: number[];
}
