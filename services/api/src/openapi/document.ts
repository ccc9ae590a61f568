import type { WorkflowDefinition, WorkflowRegistry } from '@steckbrief/engine';
import { z } from 'zod';
import { metricsOperations } from '../metrics.js';
import { akteOperations } from '../routes/akte.js';
import { attachmentOperations } from '../routes/attachments.js';
import { budgetOperations } from '../routes/budget.js';
import { calendarOperations } from '../routes/calendar.js';
import { dashboardOperations } from '../routes/dashboard.js';
import { profileOperations } from '../routes/profiles.js';
import { sessionOperations } from '../routes/sessions.js';
import { taskOperations } from '../routes/tasks.js';
import { userOperations } from '../routes/users.js';
import { workflowOperations } from '../routes/workflows.js';
import { docsOperations } from './docs.js';
import type { JsonSchema, Operation, ResponseSpec } from './operation.js';
import { components } from './schemas.js';
import { healthOperations } from './system.js';

export function allOperations(registry: WorkflowRegistry): Operation[] {
  return [
    ...healthOperations,
    ...metricsOperations,
    ...userOperations(registry),
    ...workflowOperations,
    ...profileOperations(registry),
    ...attachmentOperations,
    ...akteOperations,
    ...taskOperations(registry),
    ...sessionOperations(registry),
    ...budgetOperations,
    ...calendarOperations,
    ...docsOperations,
    ...dashboardOperations,
  ];
}

const PROBLEMS: Record<number, string> = {
  400: 'Malformed request: JSON or header / Ungültige Anfrage',
  401: 'Bearer token missing, invalid or revoked / Nicht angemeldet',
  403: 'The caller’s role may not do this / Keine Berechtigung',
  404: 'Not found, or not visible to the caller / Nicht gefunden',
  409: 'Not allowed in the current state / Im aktuellen Zustand nicht möglich',
  412: 'If-Match names a stale version / Veraltete Version',
  413: 'Body too large: 1 MiB for JSON, 20 MB for an attachment / Anfrage zu groß',
  415: 'Body is not JSON (multipart/form-data for uploads) / Falscher Medientyp',
  422: 'Validation or guard failed; see errors[] / Prüfung fehlgeschlagen',
  428: 'If-Match is required / If-Match fehlt',
  500: 'Unexpected error / Interner Fehler',
};

/** zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect), describing what a client may send. */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return json;
}

const schemaRef = (s: string | JsonSchema): JsonSchema =>
  typeof s === 'string' ? { $ref: `#/components/schemas/${s}` } : s;

function response(spec: ResponseSpec) {
  const content: Record<string, { schema: JsonSchema }> = {};
  if (spec.schema) content['application/json'] = { schema: schemaRef(spec.schema) };
  for (const [type, s] of Object.entries(spec.content ?? {})) content[type] = { schema: schemaRef(s) };
  return {
    description: spec.description,
    ...(spec.headers
      ? { headers: Object.fromEntries(spec.headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) }
      : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

/** The problem statuses an operation can answer, from what it takes and who may call it. */
function problemStatuses(op: Operation): number[] {
  const statuses = new Set(op.problems ?? []);
  if (op.roles !== 'public') statuses.add(401);
  if (Array.isArray(op.roles)) statuses.add(403);
  if (op.path.includes('{')) statuses.add(404);
  if (op.body || op.multipart) for (const s of [400, 413, 415, 422]) statuses.add(s);
  if (op.query) statuses.add(422);
  if (op.headers?.length) statuses.add(400);
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

function operationObject(op: Operation, workflowIds: readonly string[]) {
  const params: unknown[] = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (op.query) {
    const query = inputSchema(op.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      params.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  for (const h of op.headers ?? []) params.push({ $ref: `#/components/parameters/${h}` });
  const who =
    op.roles === 'public' ? 'No authentication.' : op.roles === 'user' ? 'Any user.' : `Roles: ${op.roles.join(', ')}.`;
  return {
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, who].filter(Boolean).join('\n\n'),
    operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c = '') => c.toUpperCase())}`,
    ...(op.roles === 'public' ? { security: [] } : {}),
    ...(Array.isArray(op.roles) ? { 'x-roles': op.roles } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: op.documentBody?.(inputSchema(op.body), workflowIds) ?? inputSchema(op.body),
              },
            },
          },
        }
      : {}),
    ...(op.form
      ? {
          requestBody: {
            required: true,
            content: { 'application/x-www-form-urlencoded': { schema: inputSchema(op.form) } },
          },
        }
      : {}),
    ...(op.multipart
      ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: op.multipart.schema } } } }
      : {}),
    responses: {
      ...Object.fromEntries(Object.entries(op.responses).map(([status, spec]) => [status, response(spec)])),
      ...Object.fromEntries(problemStatuses(op).map((s) => [s, { $ref: `#/components/responses/Problem${s}` }])),
    },
  };
}

/** Each workflow's profile data (as submission requires it) and its events with their payloads. */
function workflowSchemas(definition: WorkflowDefinition): Record<string, JsonSchema> {
  const events = Object.entries(definition.events).map(([type, spec]) => ({
    title: `${type}: ${spec.label.de} / ${spec.label.en}`,
    type: 'object',
    properties: {
      type: { const: type },
      payload: inputSchema(spec.payload),
      comment: { type: 'string', maxLength: 5000 },
    },
    required: ['type'],
  }));
  return {
    [`${definition.id}.ProfileData`]: {
      ...inputSchema(definition.data.complete),
      description: `Projektsteckbrief of ${definition.label.en} as submission requires it; drafts may be incomplete.`,
    },
    [`${definition.id}.EventRequest`]: { anyOf: events, description: `Events of ${definition.label.en}` },
  };
}

function componentSchemas(registry: WorkflowRegistry): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(components, { uri: (id) => `#/components/schemas/${id}`, io: 'output' });
  const views = Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema as JsonSchema]),
  );
  return Object.assign(views, ...registry.list().map(workflowSchemas));
}

/** The OpenAPI 3.1 document of this API, built from the route modules' operation tables. */
export function openApiDocument(registry: WorkflowRegistry): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const workflowIds = registry.list().map((d) => d.id);
  for (const op of allOperations(registry)) {
    paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op, workflowIds) };
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Steckbrief API',
      version: '1',
      // No licence has been granted for Steckbrief: the repository carries no LICENSE file.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      description:
        `Project profiles through the qualification pipelines of this deployment (${registry
          .list()
          .map((d) => d.label.en)
          .join('; ')}). Errors are ` +
        'application/problem+json (RFC 9457). This document and /api/docs need no authentication: they describe ' +
        'the API and contain no data.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'System', description: 'Health, readiness, metrics' },
      { name: 'Users', description: 'Benutzer und Tokens / users and tokens' },
      { name: 'Workflows', description: 'Verfahren / pipelines' },
      { name: 'Profiles', description: 'Projektsteckbriefe / project profiles' },
      { name: 'Tasks', description: 'Aufgaben / inbox' },
      { name: 'Sessions', description: 'Sitzungen, Tagesordnungen, Ergebnisprotokolle / sessions, agendas, minutes' },
      { name: 'Budget', description: 'Budgetübersicht / funding budget' },
      { name: 'Calendar', description: 'Kalender-Feed / calendar feed' },
      { name: 'Documentation', description: 'This document and its viewer' },
      { name: 'Dashboard', description: 'Warteschlangen-Dashboard für den Betrieb / queue dashboard for operators' },
    ],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (stb_…) or, for bootstrapping, ADMIN_TOKEN' },
      },
      schemas: componentSchemas(registry),
      parameters: {
        'If-Match': {
          name: 'If-Match',
          in: 'header',
          description:
            'The profile version read, as its ETag ("3"): the change applies only to that version (else 412)',
          schema: { type: 'string', pattern: '^\\s*(W/)?"?\\d{1,9}"?\\s*$', examples: ['"3"'] },
        },
        'Idempotency-Key': {
          name: 'Idempotency-Key',
          in: 'header',
          description: 'Retry-safe key per user: a repeated request gets the first answer (Idempotent-Replayed: true)',
          schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
        },
      },
      headers: {
        ETag: { description: 'The profile version, e.g. "3"; send it as If-Match', schema: { type: 'string' } },
        Location: { description: 'URL of the created resource', schema: { type: 'string' } },
        'Idempotent-Replayed': {
          description: '"true" when the answer is the stored one for a repeated Idempotency-Key',
          schema: { type: 'string', enum: ['true'] },
        },
        'Set-Cookie': { description: 'The dashboard session cookie (set or cleared)', schema: { type: 'string' } },
      },
      responses: Object.fromEntries(
        Object.entries(PROBLEMS).map(([status, description]) => [
          `Problem${status}`,
          {
            description,
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        ]),
      ),
    },
  };
}
