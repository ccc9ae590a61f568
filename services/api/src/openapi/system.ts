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
    summary: 'Readiness: PostgreSQL and Redis answer / Datenbank und Redis erreichbar',
    roles: 'public',
    responses: {
      200: { description: 'Ready', schema: 'Readiness' },
      503: { description: 'PostgreSQL or Redis is down', schema: 'Readiness' },
    },
  },
];
