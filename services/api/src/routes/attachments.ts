import {
  ATTACHMENT_KINDS,
  ATTACHMENT_TYPES,
  type AttachmentDeps,
  addAttachment,
  BadRequest,
  checkMayChangeAttachments,
  DomainError,
  downloadHeaders,
  fileTooLarge,
  listAttachments,
  MAX_ATTACHMENT_BYTES,
  readAttachment,
  removeAttachment,
  ValidationFailed,
} from '@steckbrief/engine';
import busboy from 'busboy';
import { type Request, Router } from 'express';
import { actorOf } from '../auth.js';
import type { Operation } from '../openapi/operation.js';

/** Room for the multipart framing around the file: boundaries, part headers and the `kind` field. */
const FRAMING_BYTES = 64 * 1024;

export const attachmentOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/profiles/{id}/attachments',
    tag: 'Profiles',
    summary: 'Attachments of a profile / Anlagen auflisten',
    description: 'For everyone who may see the profile. `canChange` says whether the caller may add or remove now.',
    roles: 'user',
    responses: { 200: { description: 'Oldest first, with the limits', schema: 'AttachmentList' } },
  },
  {
    method: 'post',
    path: '/api/v1/profiles/{id}/attachments',
    tag: 'Profiles',
    summary: 'Attach a file / Anlage hinzufügen',
    description:
      'multipart/form-data with the fields `kind` and `file` (one file). The owner only, in draft or revision. ' +
      'The type is detected from the bytes, not from the name or the part’s Content-Type: PDF, PNG, JPEG, GIF, ' +
      'TIFF, WebP, DOCX, XLSX, PPTX, ODT, ODS, DOC, XLS. At most 20 MB per file (else 413) and 100 MB per ' +
      'profile (else 422). Adding is a history entry (ATTACH) and a new profile version (`profileVersion`).',
    roles: ['applicant'],
    multipart: {
      schema: {
        type: 'object',
        properties: {
          kind: {
            type: 'string',
            enum: Object.keys(ATTACHMENT_KINDS),
            description: Object.values(ATTACHMENT_KINDS)
              .map((k) => `${k.de} / ${k.en}`)
              .join(', '),
          },
          file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'At most 20 MB' },
        },
        required: ['kind', 'file'],
      },
    },
    responses: { 201: { description: 'Attached', schema: 'CreatedAttachment', headers: ['Location'] } },
    problems: [409],
  },
  {
    method: 'get',
    path: '/api/v1/profiles/{id}/attachments/{attachmentId}',
    tag: 'Profiles',
    summary: 'Download an attachment / Anlage herunterladen',
    description:
      'The bytes with the detected Content-Type, `Content-Disposition: attachment` (filename and filename*) and ' +
      '`X-Content-Type-Options: nosniff`. 404 for callers who may not see the profile.',
    roles: 'user',
    responses: {
      200: {
        description: 'The file',
        content: Object.fromEntries(
          ATTACHMENT_TYPES.map((t) => [t.mediaType, { type: 'string', contentMediaType: t.mediaType }]),
        ),
      },
    },
  },
  {
    method: 'delete',
    path: '/api/v1/profiles/{id}/attachments/{attachmentId}',
    tag: 'Profiles',
    summary: 'Remove an attachment / Anlage entfernen',
    description: 'The owner only, in draft or revision. A history entry (DETACH) and a new profile version.',
    roles: ['applicant'],
    responses: { 204: { description: 'Removed' } },
    problems: [409],
  },
];

interface Upload {
  kind: string | undefined;
  fileName: string;
  bytes: Buffer | undefined;
}

/**
 * Read the one file and the `kind` field of a multipart body. The file is held in memory only up to
 * MAX_ATTACHMENT_BYTES: once it grows past that, reading stops and the upload is refused.
 */
function readUpload(req: Request): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        // busboy reports the limit when a file reaches it: one byte more lets exactly 20 MB through.
        limits: { fileSize: MAX_ATTACHMENT_BYTES + 1, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 20 },
      });
    } catch {
      reject(malformed());
      return;
    }
    const stop = (error: Error) => {
      req.unpipe(parser);
      reject(error);
    };
    const upload: Upload = { kind: undefined, fileName: '', bytes: undefined };
    let unexpected = false;
    parser.on('field', (name, value) => {
      if (name === 'kind') upload.kind = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        unexpected = true;
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        chunks.length = 0;
        stop(fileTooLarge());
      });
      stream.on('end', () => {
        upload.fileName = info.filename ?? '';
        upload.bytes = Buffer.concat(chunks);
      });
    });
    parser.on('filesLimit', () => {
      unexpected = true;
    });
    parser.on('error', () => stop(malformed()));
    parser.on('close', () => {
      if (unexpected) {
        reject(
          new ValidationFailed('Bitte genau eine Datei im Feld file senden. / Please send exactly one file as file.', [
            { path: 'file', message: 'genau eine Datei / exactly one file' },
          ]),
        );
      } else resolve(upload);
    });
    req.on('error', stop);
    req.pipe(parser);
  });
}

const malformed = () =>
  new BadRequest('Der multipart/form-data-Inhalt ist ungültig. / The multipart/form-data body is malformed.');

class UnsupportedMediaType extends DomainError {
  readonly code = 'unsupported-media-type';
  readonly status = 415;
  readonly title = 'Nicht unterstützter Medientyp / Unsupported media type';
}

const notMultipart = () =>
  new UnsupportedMediaType(
    'Bitte die Datei als multipart/form-data mit den Feldern kind und file senden. / Please send the file as multipart/form-data with the fields kind and file.',
  );

export function attachmentRoutes(deps: AttachmentDeps): Router {
  const router = Router({ mergeParams: true });
  const profileId = (req: Request) => String(req.params.id);

  router.get('/', async (req, res) => {
    res.json(await listAttachments(deps, actorOf(req), profileId(req)));
  });

  router.post('/', async (req, res) => {
    const actor = actorOf(req);
    try {
      if (!req.is('multipart/form-data')) throw notMultipart();
      // Refused before reading: a caller who may not attach, and a body larger than any allowed file.
      await checkMayChangeAttachments(deps, actor, profileId(req));
      if (Number(req.headers['content-length'] ?? 0) > MAX_ATTACHMENT_BYTES + FRAMING_BYTES) throw fileTooLarge();
      const upload = await readUpload(req);
      const { attachment, version } = await addAttachment(deps, actor, {
        profileId: profileId(req),
        kind: upload.kind ?? '',
        fileName: upload.fileName,
        bytes: upload.bytes ?? Buffer.alloc(0),
      });
      res
        .status(201)
        .location(`/api/v1/profiles/${attachment.profileId}/attachments/${attachment.id}`)
        .json({ ...attachment, profileVersion: version });
    } catch (error) {
      // The rest of a refused body is not read: the answer closes the connection instead.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw error;
    }
  });

  router.get('/:attachmentId', async (req, res) => {
    const { attachment, bytes } = await readAttachment(deps, actorOf(req), {
      profileId: profileId(req),
      attachmentId: req.params.attachmentId,
    });
    res.status(200).set(downloadHeaders(attachment, bytes.byteLength)).end(bytes);
  });

  router.delete('/:attachmentId', async (req, res) => {
    await removeAttachment(deps, actorOf(req), { profileId: profileId(req), attachmentId: req.params.attachmentId });
    res.status(204).end();
  });

  return router;
}
