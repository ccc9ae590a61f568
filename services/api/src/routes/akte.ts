import { aktePdf, akteZip } from '@steckbrief/akte';
import { type Akte, type AttachmentDeps, akteAttachmentBytes, buildAkte } from '@steckbrief/engine';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth.js';
import { query } from '../http.js';
import type { Operation } from '../openapi/operation.js';

const akteQuery = z.object({ format: z.enum(['pdf', 'json', 'zip']).optional() }).strict();

const field = { type: 'object', properties: { label: { type: 'string' }, value: { type: 'string' } } };

/** The JSON variant's shape (the engine's `Akte`), for the document. */
const akteSchema = {
  type: 'object',
  required: ['generatedAt', 'profile', 'history', 'decisions', 'mails', 'attachments', 'verification'],
  properties: {
    generatedAt: { type: 'string', format: 'date-time' },
    profile: {
      type: 'object',
      required: ['id', 'title', 'workflow', 'state', 'stateLabel', 'data', 'fields'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        title: { type: ['string', 'null'] },
        workflow: { type: 'string' },
        state: { type: 'string' },
        stateLabel: { type: 'string' },
        data: { type: 'object' },
        fields: { type: 'array', items: field },
      },
    },
    history: {
      type: 'array',
      description: 'Every history entry, in order, with who (name and roles), when and what',
      items: {
        type: 'object',
        required: ['seq', 'at', 'event', 'eventLabel', 'to', 'actor', 'details'],
        properties: {
          seq: { type: 'integer' },
          at: { type: 'string', format: 'date-time' },
          event: { type: 'string' },
          eventLabel: { type: 'string' },
          from: { type: ['string', 'null'] },
          fromLabel: { type: ['string', 'null'] },
          to: { type: 'string' },
          toLabel: { type: 'string' },
          actor: {
            type: ['object', 'null'],
            properties: { name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } },
          },
          comment: { type: ['string', 'null'] },
          details: { type: 'array', items: field },
          redactedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
    },
    decisions: { type: 'array', description: 'Statements and decisions with their reasons', items: { type: 'object' } },
    mails: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          createdAt: { type: 'string', format: 'date-time' },
          recipientRole: { type: ['string', 'null'] },
          subject: { type: 'string' },
          messageId: { type: 'string' },
        },
      },
    },
    attachments: { type: 'array', items: { type: 'object' } },
    verification: {
      type: 'object',
      required: ['ok', 'entries', 'summary'],
      properties: {
        ok: { type: 'boolean' },
        entries: { type: 'integer' },
        summary: { type: 'string' },
        firstBroken: { type: 'object' },
      },
    },
  },
};

export const akteOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/profiles/{id}/akte',
    tag: 'Profiles',
    summary: 'The Förderakte of a profile / Förderakte',
    description:
      'The profile’s data, every history entry with who, when and what, the statements and decisions with their ' +
      'reasons, the mails sent (time, recipient role, subject, Message-ID), the attachments and the verification of ' +
      'its history chain. PDF by default; `format` (pdf, json, zip) wins over the Accept header. The ZIP holds the ' +
      'PDF, the JSON and the attachments’ files. Only for callers who see the profile through a role that sees ' +
      'everything about it (not only as its owner): 403 for the applicant, 404 for callers who may not see it.',
    roles: 'user',
    query: akteQuery,
    responses: {
      200: {
        description: 'The Förderakte',
        schema: akteSchema,
        content: {
          'application/pdf': { type: 'string', contentMediaType: 'application/pdf' },
          'application/zip': { type: 'string', contentMediaType: 'application/zip' },
        },
      },
    },
    // 403: the applicant sees the profile, but only as its owner.
    problems: [403],
  },
];

type Format = 'pdf' | 'json' | 'zip';

function formatOf(req: Request): Format {
  const { format } = query(akteQuery, req);
  if (format) return format;
  const accepted = req.accepts(['application/pdf', 'application/json', 'application/zip']);
  return accepted === 'application/json' ? 'json' : accepted === 'application/zip' ? 'zip' : 'pdf';
}

const fileName = (akte: Akte, ext: string) => `foerderakte-${akte.profile.id}.${ext}`;

/** `GET /api/v1/profiles/:id/akte` (mounted at `/profiles/:id/akte`). */
export function akteRoutes(deps: AttachmentDeps): Router {
  const router = Router({ mergeParams: true });
  router.get('/', async (req, res) => {
    const format = formatOf(req);
    const akte = await buildAkte(deps, actorOf(req), (req.params as { id: string }).id);
    res.setHeader('Cache-Control', 'no-store');
    if (format === 'json') {
      res.json(akte);
      return;
    }
    if (format === 'zip') {
      const zip = await akteZip(akte, (id) => akteAttachmentBytes(deps, akte, id));
      res.type('application/zip').setHeader('Content-Disposition', `attachment; filename="${fileName(akte, 'zip')}"`);
      zip.pipe(res);
      return;
    }
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `attachment; filename="${fileName(akte, 'pdf')}"`)
      .send(await aktePdf(akte));
  });
  return router;
}
