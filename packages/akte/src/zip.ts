import type { Readable } from 'node:stream';
import type { Akte } from '@steckbrief/engine';
import { ZipFile } from 'yazl';
import { aktePdf } from './pdf.js';

/** The file names inside the ZIP. */
export const ZIP_PDF = 'foerderakte.pdf';
export const ZIP_JSON = 'foerderakte.json';
export const ZIP_ATTACHMENTS = 'anlagen/';

/** `anlagen/01-Lageplan.pdf`: numbered in the Akte's order, so equal file names stay apart. */
export function zipNameOf(index: number, fileName: string): string {
  return `${ZIP_ATTACHMENTS}${String(index + 1).padStart(2, '0')}-${fileName.replace(/[/\\]/g, '_')}`;
}

/**
 * The Förderakte as a ZIP: the PDF, the same content as JSON, and the bytes of every attachment not
 * removed (`read` gives them; removed ones are listed in the PDF and the JSON only). The archive is
 * streamed; each attachment is read before it is added (at most 100 MB per profile, issue 10).
 */
export async function akteZip(
  akte: Akte,
  read: (attachmentId: string) => Promise<Uint8Array | undefined>,
): Promise<Readable> {
  const zip = new ZipFile();
  const mtime = new Date(akte.generatedAt);
  zip.addBuffer(await aktePdf(akte), ZIP_PDF, { mtime, compress: false });
  zip.addBuffer(Buffer.from(`${JSON.stringify(akte, null, 2)}\n`), ZIP_JSON, { mtime });
  for (const [index, a] of akte.attachments.entries()) {
    if (a.removedAt) continue;
    const bytes = await read(a.id);
    if (!bytes) continue;
    // PDFs, images and office files are compressed already.
    zip.addBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), zipNameOf(index, a.fileName), {
      mtime: new Date(a.uploadedAt),
      compress: false,
    });
  }
  zip.end();
  return zip.outputStream as Readable;
}

/** The whole ZIP in memory (for the CLI's file and for tests). */
export async function akteZipBuffer(
  akte: Akte,
  read: (attachmentId: string) => Promise<Uint8Array | undefined>,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await akteZip(akte, read)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
