import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_TYPES,
  type AttachmentType,
  contentDisposition,
  downloadHeaders,
  sanitizeFileName,
} from './attachment-types.js';

const type = (mediaType: string) => ATTACHMENT_TYPES.find((t) => t.mediaType === mediaType) as AttachmentType;
const pdf = type('application/pdf');
const jpeg = type('image/jpeg');

describe('sanitizeFileName', () => {
  it.each([
    ['Lageplan Straße.pdf', 'Lageplan Straße.pdf'],
    ['C:\\Users\\anna\\Desktop\\plan.PDF', 'plan.pdf'],
    ['../../etc/passwd', 'passwd.pdf'],
    ['rechnung\u202Efdp.exe', 'rechnungfdp.pdf'],
    ['null\u0000byte\u0007.pdf', 'nullbyte.pdf'],
    ['a<b>c:"d"|e?f*.pdf', 'a_b_c__d__e_f_.pdf'],
    ['  .versteckt.  ', 'versteckt.pdf'],
    ['CON.pdf', '_CON.pdf'],
    ['', 'Anlage.pdf'],
    ['...', 'Anlage.pdf'],
    ['Seite.html', 'Seite.pdf'],
    ['Bericht v2.final', 'Bericht v2.final.pdf'],
  ])('turns %j into %j for a PDF', (raw, expected) => {
    expect(sanitizeFileName(raw, pdf)).toBe(expected);
  });

  it('keeps an extension the detected type is known by', () => {
    expect(sanitizeFileName('foto.jpeg', jpeg)).toBe('foto.jpeg');
    expect(sanitizeFileName('foto.png', jpeg)).toBe('foto.jpg');
  });

  it('composes decomposed umlauts (NFD, as macOS sends them) into NFC', () => {
    expect(sanitizeFileName('Kostenscha\u0308tzung.pdf', pdf)).toBe('Kostenschätzung.pdf');
  });

  it('shortens a long name to 120 characters and keeps the extension', () => {
    const name = sanitizeFileName(`${'ä'.repeat(300)}.pdf`, pdf);
    expect([...name]).toHaveLength(120);
    expect(name.endsWith('ä.pdf')).toBe(true);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the UTF-8 name in filename* (RFC 6266, RFC 8187)', () => {
    expect(contentDisposition('Kostenschätzung (Entwurf) 100%.pdf')).toBe(
      `attachment; filename="Kostenschatzung (Entwurf) 100_.pdf"; filename*=UTF-8''Kostensch%C3%A4tzung%20%28Entwurf%29%20100%25.pdf`,
    );
  });

  it('leaves no quote, backslash or non-ASCII character in the fallback', () => {
    const header = contentDisposition('Gr\u00fc\u00dfe "\u5e73\u9762\u56fe" \\.png');
    expect(header).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]+$/);
    expect(header).toContain('filename="Grusse _____ _.png"');
  });
});

describe('downloadHeaders', () => {
  it('offers a file as a download of its detected type, unsniffed and uncached by shared caches', () => {
    expect(downloadHeaders({ mediaType: 'application/pdf', fileName: 'Plan.pdf' }, 1234)).toEqual({
      'Content-Type': 'application/pdf',
      'Content-Length': '1234',
      'Content-Disposition': contentDisposition('Plan.pdf'),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    });
  });
});
