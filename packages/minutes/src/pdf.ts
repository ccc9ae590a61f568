import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { MinutesContent } from '@steckbrief/engine';
import PDFDocument from 'pdfkit';
import {
  decisionLines,
  formatCents,
  germanDate,
  type MinutesItem,
  projectCount,
  sessionKind,
  sessionName,
  totalRows,
} from './markdown.js';

/**
 * The Ergebnisprotokoll as an A4 PDF that reads like an official document: Fira Sans (the KERN typeface,
 * embedded, so every character used prints, arrows and typographic quotes included), a ruled table whose
 * header row repeats on every page a long agenda runs onto, and the session, its date and "Seite n von m"
 * on every page.
 */

const require = createRequire(import.meta.url);

/** TrueType files: pdfkit embeds TTF/OTF subsets; the WOFF2 files of the web font cannot be subset. */
const FONT_FILES = {
  regular: '@expo-google-fonts/fira-sans/400Regular/FiraSans_400Regular.ttf',
  bold: '@expo-google-fonts/fira-sans/600SemiBold/FiraSans_600SemiBold.ttf',
} as const;

let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** Read once, on the first PDF: the files ship with the dependency, nothing is fetched at run time. */
function loadFonts() {
  fonts ??= {
    regular: readFileSync(require.resolve(FONT_FILES.regular)),
    bold: readFileSync(require.resolve(FONT_FILES.bold)),
  };
  return fonts;
}

const PAGE = { margin: 50, top: 92, bottom: 70 } as const;
const COLOR = { text: '#1b1b1b', muted: '#555555', rule: '#8c8c8c', head: '#e8ecf1' } as const;
const PAD = 4;
const BODY_SIZE = 9;

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
  cell: (item: MinutesItem) => string;
}

/** Widths in points; they add up to the A4 text width (595.28 − 2 × 50). */
const COLUMNS: Column[] = [
  { title: 'Nr.', width: 28, align: 'right', cell: (i) => String(i.position) },
  { title: 'Projekt', width: 140, align: 'left', cell: (i) => i.title ?? '–' },
  { title: 'Projektträger', width: 95, align: 'left', cell: (i) => i.sponsor ?? '–' },
  { title: 'Beantragte Förderung', width: 72, align: 'right', cell: (i) => formatCents(i.amountCents) },
  { title: 'Entscheidung', width: 160.28, align: 'left', cell: (i) => decisionLines(i).join('\n') },
];

type Doc = PDFKit.PDFDocument;

const bottomOf = (doc: Doc) => doc.page.height - PAGE.bottom;

function cellHeight(doc: Doc, text: string, width: number, font: 'regular' | 'bold'): number {
  doc.font(font).fontSize(BODY_SIZE);
  return doc.heightOfString(text, { width: width - 2 * PAD, lineGap: 1 }) + 2 * PAD;
}

/** One row of ruled cells at the current y; the row is as tall as its tallest cell. */
function drawRow(
  doc: Doc,
  cells: Array<{ text: string; width: number; align: 'left' | 'right' }>,
  options: { font: 'regular' | 'bold'; fill?: string },
): void {
  const y = doc.y;
  const height = Math.max(...cells.map((c) => cellHeight(doc, c.text, c.width, options.font)));
  let x = PAGE.margin;
  for (const c of cells) {
    if (options.fill) doc.rect(x, y, c.width, height).fill(options.fill);
    doc.lineWidth(0.5).strokeColor(COLOR.rule).rect(x, y, c.width, height).stroke();
    doc
      .fillColor(COLOR.text)
      .font(options.font)
      .fontSize(BODY_SIZE)
      .text(c.text, x + PAD, y + PAD, { width: c.width - 2 * PAD, align: c.align, lineGap: 1 });
    x += c.width;
  }
  doc.x = PAGE.margin;
  doc.y = y + height;
}

const rowHeight = (doc: Doc, cells: Array<{ text: string; width: number }>, font: 'regular' | 'bold') =>
  Math.max(...cells.map((c) => cellHeight(doc, c.text, c.width, font)));

/** A table that breaks between rows and repeats its header row at the top of every page it continues on. */
function drawTable(
  doc: Doc,
  header: Array<{ text: string; width: number; align: 'left' | 'right' }>,
  rows: Array<{ cells: Array<{ text: string; width: number; align: 'left' | 'right' }>; strong?: boolean }>,
): void {
  const drawHeader = () => drawRow(doc, header, { font: 'bold', fill: COLOR.head });
  const headerHeight = rowHeight(doc, header, 'bold');
  // A header alone at the foot of a page helps nobody: start the table on the next page then.
  const first = rows[0];
  if (first && doc.y + headerHeight + rowHeight(doc, first.cells, 'regular') > bottomOf(doc)) doc.addPage();
  drawHeader();
  for (const row of rows) {
    const font = row.strong ? 'bold' : 'regular';
    if (doc.y + rowHeight(doc, row.cells, font) > bottomOf(doc)) {
      doc.addPage();
      drawHeader();
    }
    drawRow(doc, row.cells, { font });
  }
}

/** A section heading, on the next page if what must follow it (`keep` points) would not fit below it. */
function heading(doc: Doc, text: string, keep: number): void {
  if (doc.y + 40 + keep > bottomOf(doc)) doc.addPage();
  doc.moveDown(0.8).fillColor(COLOR.text).font('bold').fontSize(12).text(text, PAGE.margin).moveDown(0.4);
}

/** Session, date and page number on every page, drawn once all pages exist (for "von m"). */
function drawPageFrames(doc: Doc, m: MinutesContent): void {
  const range = doc.bufferedPageRange();
  const width = doc.page.width - 2 * PAGE.margin;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Header and footer lie in the margins; without this pdfkit would start a new page for them.
    const margins = { ...doc.page.margins };
    doc.page.margins = { ...margins, top: 0, bottom: 0 };
    doc.font('regular').fontSize(8.5).fillColor(COLOR.muted);
    doc.text(`Ergebnisprotokoll · ${sessionName(m)}`, PAGE.margin, 40, {
      width: width - 130,
      lineBreak: false,
      ellipsis: true,
    });
    doc.text(`Sitzung vom ${germanDate(m.session.date)}`, PAGE.margin, 40, { width, align: 'right', lineBreak: false });
    doc
      .lineWidth(0.75)
      .strokeColor(COLOR.rule)
      .moveTo(PAGE.margin, 56)
      .lineTo(PAGE.margin + width, 56)
      .stroke();
    const footerY = doc.page.height - 48;
    doc
      .moveTo(PAGE.margin, footerY - 8)
      .lineTo(PAGE.margin + width, footerY - 8)
      .stroke();
    doc.text(`Seite ${i - range.start + 1} von ${range.count}`, PAGE.margin, footerY, {
      width,
      align: 'center',
      lineBreak: false,
    });
    doc.page.margins = margins;
  }
}

/** Render the minutes as a PDF. */
export function minutesPdf(m: MinutesContent): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.margin, right: PAGE.margin },
      bufferPages: true,
      lang: 'de-DE',
      displayTitle: true,
      info: { Title: `Ergebnisprotokoll: ${sessionName(m)}`, Subject: 'Ergebnisprotokoll', Creator: 'Steckbrief' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('regular', regular);
    doc.registerFont('bold', bold);

    doc.fillColor(COLOR.text).font('bold').fontSize(18).text('Ergebnisprotokoll');
    doc.font('regular').fontSize(13).text(m.session.title).moveDown(0.8);
    const facts: Array<[string, string]> = [
      ['Sitzung', sessionKind(m)],
      ['Datum', germanDate(m.session.date)],
      ['Beteiligte', m.participants.map((p) => p.label.de).join(', ')],
      ['Tagesordnung', `${projectCount(m.totals.projects)}, davon ${m.totals.decided} entschieden`],
    ];
    for (const [label, value] of facts) {
      const y = doc.y;
      doc.font('bold').fontSize(10).text(label, PAGE.margin, y, { width: 90 });
      doc
        .font('regular')
        .fontSize(10)
        .text(value, PAGE.margin + 95, y, { width: 400 });
      doc.x = PAGE.margin;
      doc.moveDown(0.3);
    }

    const header = COLUMNS.map((c) => ({ text: c.title, width: c.width, align: c.align }));
    const rows = m.items.map((item) => ({
      cells: COLUMNS.map((c) => ({ text: c.cell(item), width: c.width, align: c.align })),
    }));
    // The heading stays with the table's header and first row.
    heading(
      doc,
      'Beratene Projekte und Entscheidungen',
      rowHeight(doc, header, 'bold') + (rows[0] ? rowHeight(doc, rows[0].cells, 'regular') : 0),
    );
    drawTable(doc, header, rows);

    const widths = [275, 100, 120.28] as const;
    const totalsHeader = [
      { text: 'Entscheidung', width: widths[0], align: 'left' as const },
      { text: 'Anzahl', width: widths[1], align: 'right' as const },
      { text: 'Beantragte Förderung', width: widths[2], align: 'right' as const },
    ];
    const totals = totalRows(m).map((r) => ({
      strong: r.strong,
      cells: [
        { text: r.label, width: widths[0], align: 'left' as const },
        { text: r.count, width: widths[1], align: 'right' as const },
        { text: r.amount, width: widths[2], align: 'right' as const },
      ],
    }));
    // The totals are short: kept on one page with their heading.
    heading(
      doc,
      'Summen',
      rowHeight(doc, totalsHeader, 'bold') +
        totals.reduce((sum, r) => sum + rowHeight(doc, r.cells, r.strong ? 'bold' : 'regular'), 0),
    );
    drawTable(doc, totalsHeader, totals);

    drawPageFrames(doc, m);
    doc.end();
  });
}
