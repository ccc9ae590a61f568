import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Akte, AkteField, AktePerson } from '@steckbrief/engine';
import PDFDocument from 'pdfkit';

/**
 * The Förderakte as an A4 PDF, laid out like the minutes (packages/minutes): Fira Sans embedded, the
 * profile's title and the date of the Akte in the header and "Seite n von m" in the footer of every page.
 * History entries and decisions are blocks that flow across pages (a long statement may span pages);
 * mails and attachments are ruled tables whose header row repeats on every page.
 */

const require = createRequire(import.meta.url);

/** TrueType files: pdfkit embeds TTF/OTF subsets. */
const FONT_FILES = {
  regular: '@expo-google-fonts/fira-sans/400Regular/FiraSans_400Regular.ttf',
  bold: '@expo-google-fonts/fira-sans/600SemiBold/FiraSans_600SemiBold.ttf',
} as const;

let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts() {
  fonts ??= {
    regular: readFileSync(require.resolve(FONT_FILES.regular)),
    bold: readFileSync(require.resolve(FONT_FILES.bold)),
  };
  return fonts;
}

const PAGE = { margin: 50, top: 92, bottom: 70 } as const;
const WIDTH = 595.28 - 2 * PAGE.margin;
const COLOR = { text: '#1b1b1b', muted: '#555555', rule: '#8c8c8c', head: '#e8ecf1', alert: '#a4000f' } as const;
const PAD = 4;
const BODY_SIZE = 9;

type Doc = PDFKit.PDFDocument;
type Cell = { text: string; width: number; align?: 'left' | 'right' };

const BERLIN = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const BERLIN_DATE = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

/** "30.11.2026, 16:05" in Berlin time. */
export const germanDateTime = (iso: string) => `${BERLIN.format(new Date(iso))} Uhr`;
const germanDate = (iso: string) => BERLIN_DATE.format(new Date(iso));

const bytes = (n: number) =>
  n < 1024 * 1024
    ? `${(n / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 })} KB`
    : `${(n / 1024 / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 })} MB`;

const MAIL_STATUS: Record<string, string> = {
  delivered: 'zugestellt',
  pending: 'wartet',
  sending: 'im Versand',
  failed: 'gescheitert',
};

const who = (p: AktePerson | null) => (p ? `${p.name}${p.roles.length ? ` (${p.roles.join(', ')})` : ''}` : 'System');

const bottomOf = (doc: Doc) => doc.page.height - PAGE.bottom;

function cellHeight(doc: Doc, text: string, width: number, font: 'regular' | 'bold'): number {
  doc.font(font).fontSize(BODY_SIZE);
  return doc.heightOfString(text, { width: width - 2 * PAD, lineGap: 1 }) + 2 * PAD;
}

const rowHeight = (doc: Doc, cells: Cell[], font: 'regular' | 'bold') =>
  Math.max(...cells.map((c) => cellHeight(doc, c.text, c.width, font)));

function drawRow(doc: Doc, cells: Cell[], options: { font: 'regular' | 'bold'; fill?: string }): void {
  const y = doc.y;
  const height = rowHeight(doc, cells, options.font);
  let x = PAGE.margin;
  for (const c of cells) {
    if (options.fill) doc.rect(x, y, c.width, height).fill(options.fill);
    doc.lineWidth(0.5).strokeColor(COLOR.rule).rect(x, y, c.width, height).stroke();
    doc
      .fillColor(COLOR.text)
      .font(options.font)
      .fontSize(BODY_SIZE)
      .text(c.text, x + PAD, y + PAD, { width: c.width - 2 * PAD, align: c.align ?? 'left', lineGap: 1 });
    x += c.width;
  }
  doc.x = PAGE.margin;
  doc.y = y + height;
}

/** A table that breaks between rows and repeats its header row on every page it continues on. */
function drawTable(doc: Doc, header: Cell[], rows: Cell[][]): void {
  const drawHeader = () => drawRow(doc, header, { font: 'bold', fill: COLOR.head });
  const first = rows[0];
  if (first && doc.y + rowHeight(doc, header, 'bold') + rowHeight(doc, first, 'regular') > bottomOf(doc)) doc.addPage();
  drawHeader();
  for (const row of rows) {
    if (doc.y + rowHeight(doc, row, 'regular') > bottomOf(doc)) {
      doc.addPage();
      drawHeader();
    }
    drawRow(doc, row, { font: 'regular' });
  }
}

function heading(doc: Doc, text: string, keep = 60): void {
  if (doc.y + 40 + keep > bottomOf(doc)) doc.addPage();
  doc.moveDown(0.8).fillColor(COLOR.text).font('bold').fontSize(12).text(text, PAGE.margin).moveDown(0.4);
}

function none(doc: Doc, text: string): void {
  doc.font('regular').fontSize(BODY_SIZE).fillColor(COLOR.muted).text(text, PAGE.margin, doc.y, { width: WIDTH });
  doc.fillColor(COLOR.text);
}

/** Label/value lines: the label bold in a narrow column, the value beside it. */
function facts(doc: Doc, lines: Array<[string, string]>, labelWidth = 110, size = 10): void {
  for (const [label, value] of lines) {
    doc.font('regular').fontSize(size);
    const height = Math.max(
      doc.heightOfString(value, { width: WIDTH - labelWidth - 5 }),
      doc.font('bold').heightOfString(label, { width: labelWidth }),
    );
    if (doc.y + height > bottomOf(doc)) doc.addPage();
    const y = doc.y;
    doc.font('bold').fontSize(size).text(label, PAGE.margin, y, { width: labelWidth });
    doc
      .font('regular')
      .fontSize(size)
      .text(value, PAGE.margin + labelWidth + 5, y, { width: WIDTH - labelWidth - 5 });
    doc.x = PAGE.margin;
    doc.y = Math.max(doc.y, y + height);
    doc.moveDown(0.2);
  }
}

/** One history entry or decision: a bold line (number, time, who), then what happened, flowing across pages. */
function block(doc: Doc, title: string, lines: string[], fields: AkteField[]): void {
  doc.font('bold').fontSize(BODY_SIZE + 0.5);
  if (doc.y + doc.heightOfString(title, { width: WIDTH }) + 24 > bottomOf(doc)) doc.addPage();
  doc
    .lineWidth(0.5)
    .strokeColor(COLOR.rule)
    .moveTo(PAGE.margin, doc.y)
    .lineTo(PAGE.margin + WIDTH, doc.y)
    .stroke();
  doc.moveDown(0.3);
  doc
    .fillColor(COLOR.text)
    .font('bold')
    .fontSize(BODY_SIZE + 0.5)
    .text(title, PAGE.margin, doc.y, { width: WIDTH });
  for (const line of lines)
    doc
      .font('regular')
      .fontSize(BODY_SIZE)
      .text(line, PAGE.margin + 12, doc.y, { width: WIDTH - 12 });
  if (fields.length) {
    doc.moveDown(0.15);
    for (const f of fields) {
      doc
        .font('bold')
        .fontSize(BODY_SIZE)
        .text(`${f.label}: `, PAGE.margin + 12, doc.y, { width: WIDTH - 12, continued: true })
        .font('regular')
        .text(f.value);
    }
  }
  doc.x = PAGE.margin;
  doc.moveDown(0.5);
}

function drawPageFrames(doc: Doc, akte: Akte): void {
  const range = doc.bufferedPageRange();
  const title = akte.profile.title ?? 'Steckbrief ohne Titel';
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const margins = { ...doc.page.margins };
    doc.page.margins = { ...margins, top: 0, bottom: 0 };
    doc.font('regular').fontSize(8.5).fillColor(COLOR.muted);
    doc.text(`Förderakte · ${title}`, PAGE.margin, 40, { width: WIDTH - 130, lineBreak: false, ellipsis: true });
    doc.text(`Stand: ${germanDate(akte.generatedAt)}`, PAGE.margin, 40, {
      width: WIDTH,
      align: 'right',
      lineBreak: false,
    });
    doc
      .lineWidth(0.75)
      .strokeColor(COLOR.rule)
      .moveTo(PAGE.margin, 56)
      .lineTo(PAGE.margin + WIDTH, 56)
      .stroke();
    const footerY = doc.page.height - 48;
    doc
      .moveTo(PAGE.margin, footerY - 8)
      .lineTo(PAGE.margin + WIDTH, footerY - 8)
      .stroke();
    doc.text(`Seite ${i - range.start + 1} von ${range.count}`, PAGE.margin, footerY, {
      width: WIDTH,
      align: 'center',
      lineBreak: false,
    });
    doc.page.margins = margins;
  }
}

/** Render the Förderakte as a PDF (German). */
export function aktePdf(akte: Akte): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const p = akte.profile;
  const title = p.title ?? 'Steckbrief ohne Titel';
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.margin, right: PAGE.margin },
      bufferPages: true,
      lang: 'de-DE',
      displayTitle: true,
      info: { Title: `Förderakte: ${title}`, Subject: 'Förderakte', Creator: 'Steckbrief' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('regular', regular);
    doc.registerFont('bold', bold);

    doc.fillColor(COLOR.text).font('bold').fontSize(18).text('Förderakte');
    doc.font('regular').fontSize(13).text(title).moveDown(0.8);
    facts(doc, [
      ['Steckbrief-ID', p.id],
      ['Verfahren', `${p.workflowLabel} (Version ${p.workflowVersion})`],
      ['Status', p.stateLabel],
      ['Angelegt', germanDateTime(p.createdAt)],
      ['Eingereicht', p.submittedAt ? germanDateTime(p.submittedAt) : '–'],
      ['Zuletzt geändert', germanDateTime(p.updatedAt)],
      ['Akte erstellt', germanDateTime(akte.generatedAt)],
    ]);

    heading(doc, 'Prüfung der Historie');
    doc
      .font('bold')
      .fontSize(10)
      .fillColor(akte.verification.ok ? COLOR.text : COLOR.alert)
      .text(akte.verification.summary, PAGE.margin, doc.y, { width: WIDTH });
    doc
      .fillColor(COLOR.muted)
      .font('regular')
      .fontSize(BODY_SIZE)
      .text(
        'Jeder Eintrag der Historie trägt einen SHA-256-Hash über seinen Inhalt und den Hash seines Vorgängers; geprüft wurden alle Einträge dieses Steckbriefs und der zuletzt verankerte letzte Eintrag.',
        PAGE.margin,
        doc.moveDown(0.2).y,
        { width: WIDTH },
      )
      .fillColor(COLOR.text);

    heading(doc, 'Angaben des Steckbriefs');
    if (p.fields.length) facts(doc, p.fields.map((f) => [f.label, f.value]) as Array<[string, string]>, 170, BODY_SIZE);
    else none(doc, 'Keine Angaben.');

    heading(doc, `Verlauf (${akte.history.length} Einträge)`);
    for (const h of akte.history) {
      const lines = [
        `${h.eventLabel}${h.fromLabel && h.fromLabel !== h.toLabel ? `: ${h.fromLabel} → ${h.toLabel}` : ` (Status: ${h.toLabel})`}`,
      ];
      if (h.redactedAt) lines.push(`Personenbezogene Angaben entfernt am ${germanDateTime(h.redactedAt)}.`);
      const fields = [...h.details, ...(h.comment ? [{ label: 'Kommentar', value: h.comment }] : [])];
      block(doc, `Nr. ${h.seq} · ${germanDateTime(h.at)} · ${who(h.actor)}`, lines, fields);
    }

    heading(doc, 'Stellungnahmen und Entscheidungen');
    if (!akte.decisions.length) none(doc, 'Keine Stellungnahmen oder Entscheidungen.');
    for (const d of akte.decisions) {
      const lines = [`${d.eventLabel} (danach: ${d.toLabel})`];
      if (d.session) lines.push(`In der Sitzung „${d.session.title}“ vom ${germanDate(d.session.date)}`);
      block(doc, `Nr. ${d.seq} · ${germanDateTime(d.at)} · ${who(d.actor)}`, lines, d.reasons);
    }

    heading(doc, 'Versandte Benachrichtigungen');
    if (!akte.mails.length) none(doc, 'Keine Benachrichtigungen versandt.');
    else
      drawTable(
        doc,
        [
          { text: 'Zeitpunkt', width: 80 },
          { text: 'Empfängerrolle', width: 85 },
          { text: 'Betreff', width: 140 },
          { text: 'Message-ID', width: 130.28 },
          { text: 'Status', width: 60 },
        ],
        akte.mails.map((m) => [
          { text: germanDateTime(m.deliveredAt ?? m.createdAt), width: 80 },
          { text: m.recipientRoleLabel ?? '–', width: 85 },
          { text: m.subject, width: 140 },
          { text: m.messageId, width: 130.28 },
          { text: MAIL_STATUS[m.status] ?? m.status, width: 60 },
        ]),
      );

    heading(doc, 'Anlagen');
    if (!akte.attachments.length) none(doc, 'Keine Anlagen.');
    else
      drawTable(
        doc,
        [
          { text: 'Datei', width: 125 },
          { text: 'Art', width: 70 },
          { text: 'Größe', width: 50, align: 'right' },
          { text: 'Hochgeladen', width: 110 },
          { text: 'SHA-256', width: 140.28 },
        ],
        akte.attachments.map((a) => [
          { text: a.removedAt ? `${a.fileName} (entfernt am ${germanDate(a.removedAt)})` : a.fileName, width: 125 },
          { text: a.kindLabel, width: 70 },
          { text: bytes(a.size), width: 50, align: 'right' },
          { text: `${germanDateTime(a.uploadedAt)}${a.uploadedBy ? `, ${a.uploadedBy}` : ''}`, width: 110 },
          { text: a.sha256, width: 140.28 },
        ]),
      );

    drawPageFrames(doc, akte);
    doc.end();
  });
}
