import { fileTypeFromBuffer } from 'file-type';

/** A file type attachments may have, as detected from the bytes. */
export interface AttachmentType {
  mediaType: string;
  /** The usual extensions, the first one the canonical. */
  extensions: readonly string[];
  label: { de: string; en: string };
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
const DOC = 'application/msword';
const XLS = 'application/vnd.ms-excel';

/**
 * What may be attached: documents a reviewer opens with the usual office and PDF software. No macro-enabled
 * formats (docm, xlsm), no archives, no HTML or SVG (a browser would run their scripts), no executables.
 */
export const ATTACHMENT_TYPES: readonly AttachmentType[] = [
  { mediaType: 'application/pdf', extensions: ['pdf'], label: { de: 'PDF', en: 'PDF' } },
  { mediaType: 'image/png', extensions: ['png'], label: { de: 'PNG-Bild', en: 'PNG image' } },
  { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: { de: 'JPEG-Bild', en: 'JPEG image' } },
  { mediaType: 'image/gif', extensions: ['gif'], label: { de: 'GIF-Bild', en: 'GIF image' } },
  { mediaType: 'image/tiff', extensions: ['tif', 'tiff'], label: { de: 'TIFF-Bild', en: 'TIFF image' } },
  { mediaType: 'image/webp', extensions: ['webp'], label: { de: 'WebP-Bild', en: 'WebP image' } },
  { mediaType: DOCX, extensions: ['docx'], label: { de: 'Word-Dokument', en: 'Word document' } },
  { mediaType: XLSX, extensions: ['xlsx'], label: { de: 'Excel-Tabelle', en: 'Excel spreadsheet' } },
  { mediaType: PPTX, extensions: ['pptx'], label: { de: 'PowerPoint-Präsentation', en: 'PowerPoint presentation' } },
  {
    mediaType: 'application/vnd.oasis.opendocument.text',
    extensions: ['odt'],
    label: { de: 'OpenDocument-Text', en: 'OpenDocument text' },
  },
  {
    mediaType: 'application/vnd.oasis.opendocument.spreadsheet',
    extensions: ['ods'],
    label: { de: 'OpenDocument-Tabelle', en: 'OpenDocument spreadsheet' },
  },
  { mediaType: DOC, extensions: ['doc'], label: { de: 'Word-Dokument (alt)', en: 'Word document (legacy)' } },
  { mediaType: XLS, extensions: ['xls'], label: { de: 'Excel-Tabelle (alt)', en: 'Excel spreadsheet (legacy)' } },
];

const byMediaType = new Map(ATTACHMENT_TYPES.map((t) => [t.mediaType, t]));

/** The allowed types in words, for messages: "PDF, PNG-Bild, …". */
export const allowedTypesText = (lang: 'de' | 'en') => ATTACHMENT_TYPES.map((t) => t.label[lang]).join(', ');

/**
 * The type of a file from its bytes alone; undefined when it is none of ATTACHMENT_TYPES. OOXML and ODF
 * files are zip containers: file-type tells them apart from a plain zip by their `[Content_Types].xml`
 * and `mimetype` entries. Legacy Word and Excel files are compound files (CFB), as are installers
 * and Outlook messages, so their directory must name a Word or Excel stream.
 */
export async function detectAttachmentType(bytes: Uint8Array): Promise<AttachmentType | undefined> {
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected) return undefined;
  if (detected.mime === 'application/x-cfb') {
    const streams = cfbStreamNames(bytes);
    if (streams.has('WordDocument')) return byMediaType.get(DOC);
    if (streams.has('Workbook') || streams.has('Book')) return byMediaType.get(XLS);
    return undefined;
  }
  return byMediaType.get(detected.mime);
}

const FREE = 0xffffffff;
const END_OF_CHAIN = 0xfffffffe;

/**
 * The names of the streams and storages in a compound file's directory (MS-CFB §2.6), read defensively:
 * any inconsistency yields what was read so far, and chains are bounded by the file's sector count.
 */
export function cfbStreamNames(bytes: Uint8Array): Set<string> {
  const names = new Set<string>();
  if (bytes.length < 512) return names;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = view.getUint16(0x1e, true);
  if (shift !== 9 && shift !== 12) return names;
  const size = 1 << shift;
  const sectors = Math.floor((bytes.length - size) / size) + 1;
  const sectorAt = (n: number) => (n + 1) * size;
  const valid = (n: number) => n < sectors && sectorAt(n) + size <= bytes.length;

  // The FAT's sectors: 109 in the header, the rest in the DIFAT chain.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) fatSectors.push(view.getUint32(0x4c + i * 4, true));
  let difat = view.getUint32(0x44, true);
  for (let hops = 0; difat !== END_OF_CHAIN && difat !== FREE && valid(difat) && hops < sectors; hops++) {
    const base = sectorAt(difat);
    for (let i = 0; i < size / 4 - 1; i++) fatSectors.push(view.getUint32(base + i * 4, true));
    difat = view.getUint32(base + size - 4, true);
  }
  const next = (n: number): number => {
    const index = n * 4;
    const fat = fatSectors[Math.floor(index / size)];
    if (fat === undefined || !valid(fat)) return END_OF_CHAIN;
    return view.getUint32(sectorAt(fat) + (index % size), true);
  };

  let sector = view.getUint32(0x30, true);
  for (let hops = 0; valid(sector) && hops < sectors; hops++) {
    const base = sectorAt(sector);
    for (let entry = base; entry + 128 <= base + size; entry += 128) {
      const nameBytes = view.getUint16(entry + 0x40, true);
      const type = view.getUint8(entry + 0x42);
      if ((type !== 1 && type !== 2) || nameBytes < 2 || nameBytes > 64) continue;
      names.add(Buffer.from(bytes.subarray(entry, entry + nameBytes - 2)).toString('utf16le'));
    }
    sector = next(sector);
  }
  return names;
}

/** Characters that must not reach a file name: controls, invisible format characters (bidi overrides among them), and what Windows forbids. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
const RESERVED = /[<>:"/\\|?*]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const MAX_NAME_LENGTH = 120;

/** Extensions replaced rather than kept when a file's bytes are of another type. */
const KNOWN_EXTENSIONS = new Set([
  ...ATTACHMENT_TYPES.flatMap((t) => t.extensions),
  'htm',
  'html',
  'svg',
  'xml',
  'txt',
  'zip',
  'exe',
  'js',
  'docm',
  'xlsm',
  'pptm',
  'odp',
  'ppt',
  'rtf',
  'heic',
  'bmp',
]);

/**
 * The file name as shown and as offered on download: the last path segment of what the client sent, in
 * NFC, without control, invisible or bidi-override characters (which can disguise `gpj.exe` as `exe.jpg`)
 * and without characters Windows forbids, at most 120 characters, and ending in an extension of the
 * detected type (one is added, or a wrong one replaced: `plan.pdf` holding a PNG is offered as `plan.png`).
 */
export function sanitizeFileName(raw: string, type: AttachmentType): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  const name = base
    .normalize('NFC')
    .replace(LONE_SURROGATE, '')
    .replace(INVISIBLE, '')
    .replace(RESERVED, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  let stem = name;
  if (dot > 0 && (type.extensions.includes(extension) || KNOWN_EXTENSIONS.has(extension))) stem = name.slice(0, dot);
  const ext = type.extensions.includes(extension) ? extension : (type.extensions[0] as string);
  stem = [...stem]
    .slice(0, MAX_NAME_LENGTH - ext.length - 1)
    .join('')
    .replace(/[\s.]+$/, '');
  if (!stem) stem = 'Anlage';
  if (WINDOWS_DEVICE.test(stem)) stem = `_${stem}`;
  return `${stem}.${ext}`;
}

/**
 * `Content-Disposition: attachment` for a file name (RFC 6266): an ASCII fallback in `filename` for old
 * clients and the exact UTF-8 name in `filename*` (RFC 5987/8187), so "Lageplan Straße.pdf" arrives whole.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * The response headers of an attachment download, the same for every adapter: the detected type, always as
 * a download (`attachment`, never rendered inline), `nosniff` so no browser second-guesses the type, and no
 * shared cache, since the file is as private as its profile.
 */
export function downloadHeaders(file: { mediaType: string; fileName: string }, size: number): Record<string, string> {
  return {
    'Content-Type': file.mediaType,
    'Content-Length': String(size),
    'Content-Disposition': contentDisposition(file.fileName),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  };
}
