import type { Operation } from './operation.js';

/** Probes for Kubernetes; their handlers live in app.ts. */
export const healthOperations: Operation[] = [
  {
    method: 'get',
    path: '/healthz',
    tag: 'System',
    summary: 'Liveness: the process runs / Prozess läuft',
    roles: 'public',
    responses: {
      200: {
        description: 'Running',
        schema: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] },
      },
    },
  },
  {
    method: 'get',
    path: '/readyz',
    tag: 'System',
    summary: 'Readiness: PostgreSQL answers; Redis is reported only / Datenbank erreichbar',
    roles: 'public',
    responses: {
      200: { description: 'Ready (checks.redis may be down: only the queue dashboard needs it)', schema: 'Readiness' },
      503: { description: 'PostgreSQL is down', schema: 'Readiness' },
    },
  },
];
