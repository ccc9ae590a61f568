import type { Minutes } from '@steckbrief/engine';
import PDFDocument from 'pdfkit';

const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
export const formatCents = (cents: number | null) => (cents === null ? '–' : euro.format(cents / 100));
const germanDate = (iso: string) =>
  new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

/** User-supplied text goes into Markdown as plain text: HTML and Markdown syntax are escaped, lines folded. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1');
}

function decisionText(item: Minutes['items'][number]): string {
  if (!item.decision) return 'offen / open';
  const label = item.decisionLabel?.de ?? item.decision.event;
  const payload = (item.decision.payload ?? {}) as Record<string, unknown>;
  const votum = typeof payload.votum === 'string' ? ` (${payload.votum})` : '';
  const to = item.toStateLabel ? ` → ${item.toStateLabel.de}` : '';
  return `${label}${votum}${to}`;
}

/** The Ergebnisprotokoll as Markdown; the PDF below is drawn from the same lines. */
export function minutesMarkdown(m: Minutes): string {
  const lines: string[] = [];
  lines.push(`# Ergebnisprotokoll: ${escapeMarkdown(m.session.title)}`);
  lines.push('');
  lines.push(
    `- **Sitzung / Session:** ${m.session.kindLabel.de}${m.session.scopeValue ? ` ${escapeMarkdown(m.session.scopeValue)}` : ''}`,
  );
  lines.push(`- **Datum / Date:** ${germanDate(m.session.date)}`);
  lines.push(`- **Beteiligte / Participants:** ${m.participants.map((p) => p.label.de).join(', ')}`);
  lines.push('');
  lines.push('## Projekte / Projects');
  lines.push('');
  lines.push('| Nr. | Projekt | Projektträger | Beantragte Förderung | Entscheidung |');
  lines.push('|---:|---|---|---:|---|');
  for (const item of m.items) {
    lines.push(
      `| ${item.position} | ${escapeMarkdown(item.title ?? '–')} | ${escapeMarkdown(item.sponsor ?? '–')} | ${formatCents(item.amountCents)} | ${escapeMarkdown(decisionText(item))} |`,
    );
  }
  lines.push('');
  lines.push('## Summen / Totals');
  lines.push('');
  lines.push(`- Projekte auf der Tagesordnung / projects on the agenda: ${m.totals.projects}`);
  lines.push(`- Entschieden / decided: ${m.totals.decided}`);
  for (const [event, t] of Object.entries(m.totals.byDecision)) {
    lines.push(`- ${escapeMarkdown(event)}: ${t.count} (${formatCents(t.amountCents)})`);
  }
  lines.push(
    `- **Positiv entschieden / approved: ${m.totals.approvedCount} Projekte mit ${formatCents(m.totals.approvedAmountCents)} Fördervolumen**`,
  );
  lines.push('');
  return lines.join('\n');
}

const unescapeMarkdown = (s: string) =>
  s
    .replace(/\\([\\`*_{}[\]()#+\-.!|~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Draw the Markdown minutes into a PDF: headings, list items, the project table, paragraphs. */
export function minutesPdf(markdown: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: 'Ergebnisprotokoll' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (const raw of markdown.split('\n')) {
      const line = raw.replace(/\*\*/g, '');
      if (line.startsWith('# '))
        doc
          .font('Helvetica-Bold')
          .fontSize(16)
          .text(unescapeMarkdown(line.slice(2)))
          .moveDown(0.5);
      else if (line.startsWith('## '))
        doc
          .moveDown(0.5)
          .font('Helvetica-Bold')
          .fontSize(13)
          .text(unescapeMarkdown(line.slice(3)))
          .moveDown(0.3);
      else if (line.startsWith('|---')) continue;
      else if (line.startsWith('|')) {
        const cells = line
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((c) => unescapeMarkdown(c.trim()));
        doc.font('Helvetica').fontSize(9).text(cells.join('  ·  '));
      } else if (line.startsWith('- '))
        doc
          .font('Helvetica')
          .fontSize(10)
          .text(`• ${unescapeMarkdown(line.slice(2))}`);
      else if (line.trim()) doc.font('Helvetica').fontSize(10).text(unescapeMarkdown(line));
      else doc.moveDown(0.3);
    }
    doc.end();
  });
}
