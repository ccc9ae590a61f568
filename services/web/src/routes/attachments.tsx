/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import {
  type Actor,
  ATTACHMENT_KINDS,
  addAttachment,
  Conflict,
  DomainError,
  downloadHeaders,
  fileTooLarge,
  listAttachments,
  MAX_ATTACHMENT_BYTES,
  NotFound,
  readAttachment,
  removeAttachment,
  ValidationFailed,
} from '@steckbrief/engine';
import busboy from 'busboy';
import type { Request, Response, Router } from 'express';
import type { FieldError } from '../components.js';
import { AttachmentsPage } from '../pages/attachments.js';
import { germanMessage } from '../sections.js';
import { webState } from '../security.js';
import { UUID, type Web } from '../web.js';

/** Room for the multipart framing around the file: boundaries, part headers, the token and the kind. */
const FRAMING_BYTES = 64 * 1024;

/** The multipart upload's path: the only one where the CSRF token is read from a multipart body (see security.ts). */
export const UPLOAD_PATH = /^\/profile\/[^/]+\/anlagen$/;

class CsrfRefused extends Error {
  readonly code = 'EBADCSRFTOKEN';
  readonly statusCode = 403;
}

const malformed = () =>
  new ValidationFailed('Das Formular ist unvollständig.', [
    { path: 'file', message: 'Das Formular ist unvollständig.' },
  ]);

/**
 * Read the upload form: `_csrf` must come first and match the session's token before any file byte is
 * kept; then `kind` and one `file`, held in memory up to the 20 MB limit.
 */
function readUpload(req: Request, token: string): Promise<{ kind: string; fileName: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: MAX_ATTACHMENT_BYTES + 1, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 20 },
      });
    } catch {
      reject(malformed());
      return;
    }
    let csrfOk = false;
    let failed = false;
    const upload = { kind: '', fileName: '', bytes: Buffer.alloc(0) };
    const stop = (error: Error) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      reject(error);
    };
    parser.on('field', (name, value) => {
      if (name === '_csrf') csrfOk = value === token;
      else if (!csrfOk) stop(new CsrfRefused('token missing'));
      else if (name === 'kind') upload.kind = value;
    });
    parser.on('file', (name, stream, info) => {
      if (!csrfOk) {
        stream.resume();
        return stop(new CsrfRefused('token missing'));
      }
      if (name !== 'file') {
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
    parser.on('error', () => stop(malformed()));
    parser.on('close', () => {
      if (failed) return;
      if (!csrfOk) return stop(new CsrfRefused('token missing'));
      resolve(upload);
    });
    req.on('error', stop);
    req.pipe(parser);
  });
}

/** Anlagen: list and download for everyone who may see the profile; upload and removal for the owner. */
export function attachmentRoutes(pages: Router, web: Web): void {
  const { engine, send, ctxOf, requireUser } = web;
  const kinds = Object.entries(ATTACHMENT_KINDS).map(([k, l]) => [k, l.de] as [string, string]);

  const render = async (res: Response, actor: Actor, profileId: string, errors: FieldError[] = [], status = 200) => {
    const list = await listAttachments(engine, actor, profileId);
    const profile = await web.editable(actor, profileId);
    const title = typeof profile.profile.data.title === 'string' ? profile.profile.data.title : 'Steckbrief ohne Titel';
    send(
      res,
      <AttachmentsPage
        ctx={ctxOf(res)}
        profileId={profileId}
        title={title}
        list={list}
        kinds={kinds}
        errors={errors}
      />,
      status,
    );
  };

  pages.get('/profile/:id/anlagen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    if (!UUID.test(req.params.id)) throw new NotFound('Profil nicht gefunden.');
    await render(res, actor, req.params.id);
  });

  pages.post('/profile/:id/anlagen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const profileId = req.params.id;
    if (!UUID.test(profileId)) throw new NotFound('Profil nicht gefunden.');
    try {
      if (!req.is('multipart/form-data')) throw malformed();
      if (Number(req.headers['content-length'] ?? 0) > MAX_ATTACHMENT_BYTES + FRAMING_BYTES) throw fileTooLarge();
      const upload = await readUpload(req, webState(res).session?.csrfToken ?? '');
      await addAttachment(engine, actor, { profileId, ...upload });
    } catch (err) {
      // The rest of a refused body is not read: the answer closes the connection instead.
      if (!req.complete) res.setHeader('Connection', 'close');
      if (err instanceof Conflict) return res.redirect(303, `/profile/${profileId}`);
      if (!(err instanceof DomainError) || err instanceof NotFound || err.status >= 500) throw err;
      const issues = err.issues.length ? err.issues : [{ path: 'file', message: err.message }];
      const errors = issues.map((i) => ({
        field: i.path === 'kind' ? 'art' : 'datei',
        message: germanMessage(i.message),
      }));
      return render(res, actor, profileId, errors, err.status === 413 ? 413 : 422);
    }
    res.redirect(303, `/profile/${profileId}/anlagen`);
  });

  pages.post('/profile/:id/anlagen/:attachmentId/entfernen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    await removeAttachment(engine, actor, { profileId: req.params.id, attachmentId: req.params.attachmentId });
    res.redirect(303, `/profile/${req.params.id}/anlagen`);
  });

  pages.get('/profile/:id/anlagen/:attachmentId', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const { attachment, bytes } = await readAttachment(engine, actor, {
      profileId: req.params.id,
      attachmentId: req.params.attachmentId,
    });
    res.status(200).set(downloadHeaders(attachment, bytes.byteLength)).end(bytes);
  });
}
