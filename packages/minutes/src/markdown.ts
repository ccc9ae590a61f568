import type { MinutesContent } from '@steckbrief/engine';

/**
 * The Ergebnisprotokoll's text: what both the Markdown and the PDF minutes say, in German (the session's
 * participants read German; the headings name the English term once). Every coded value comes with the
 * workflow definition's label; this module names no body or step of any pipeline.
 */

const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
export const formatCents = (cents: number | null) => (cents === null ? '–' : euro.format(cents / 100));

/** A session's date ('YYYY-MM-DD', a calendar day) in German: "15. April 2027". */
export const germanDate = (iso: string) =>
  new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

/** "1 Projekt", "3 Projekte", "0 Projekte". */
export const projectCount = (n: number) => `${n} ${n === 1 ? 'Projekt' : 'Projekte'}`;

export type MinutesItem = MinutesContent['items'][number];

/** The session's kind and, for kinds held per scope value, that value's name ("… – Gremium Nord"). */
export function sessionKind(m: MinutesContent): string {
  const { kindLabel, scopeLabel, scopeValue } = m.session;
  if (scopeLabel) return `${kindLabel.de} – ${scopeLabel.de}`;
  return scopeValue ? `${kindLabel.de} ${scopeValue}` : kindLabel.de;
}

/** The session as the header of every page names it: its kind and title. */
export function sessionName(m: MinutesContent): string {
  return `${m.session.kindLabel.de}: ${m.session.title}`;
}

/**
 * The decision on an agenda item as lines: the event, each labelled payload value ("Feld: Wert") and the
 * state it led to. "offen" while undecided.
 */
export function decisionLines(item: MinutesItem): string[] {
  if (!item.decision) return ['offen'];
  const lines = [item.decisionLabel?.de ?? item.decision.event];
  for (const detail of item.decisionDetails) {
    lines.push(`${detail.label.de}: ${detail.values.map((v) => v.de).join(', ')}`);
  }
  if (item.toStateLabel) lines.push(`→ ${item.toStateLabel.de}`);
  return lines;
}

/** The totals as rows of label, count and amount. */
export function totalRows(
  m: MinutesContent,
): Array<{ label: string; count: string; amount: string; strong?: boolean }> {
  const rows: Array<{ label: string; count: string; amount: string; strong?: boolean }> = [
    { label: 'Auf der Tagesordnung', count: projectCount(m.totals.projects), amount: '' },
    { label: 'Entschieden', count: projectCount(m.totals.decided), amount: '' },
  ];
  for (const t of Object.values(m.totals.byDecision)) {
    rows.push({
      label: t.outcome ? `${t.label.de}: ${t.outcome.de}` : t.label.de,
      count: projectCount(t.count),
      amount: formatCents(t.amountCents),
    });
  }
  rows.push({
    label: 'Positiv entschieden',
    count: projectCount(m.totals.approvedCount),
    amount: formatCents(m.totals.approvedAmountCents),
    strong: true,
  });
  return rows;
}

/** User-supplied text goes into Markdown as plain text: HTML and Markdown syntax are escaped, lines folded. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1');
}

/** The Ergebnisprotokoll as Markdown. */
export function minutesMarkdown(m: MinutesContent): string {
  const lines: string[] = [];
  lines.push(`# Ergebnisprotokoll: ${escapeMarkdown(m.session.title)}`);
  lines.push('');
  lines.push(`- **Sitzung / Session:** ${escapeMarkdown(sessionKind(m))}`);
  lines.push(`- **Datum / Date:** ${germanDate(m.session.date)}`);
  lines.push(`- **Beteiligte / Participants:** ${m.participants.map((p) => escapeMarkdown(p.label.de)).join(', ')}`);
  lines.push('');
  lines.push('## Projekte / Projects');
  lines.push('');
  lines.push('| Nr. | Projekt | Projektträger | Beantragte Förderung | Entscheidung |');
  lines.push('|---:|---|---|---:|---|');
  for (const item of m.items) {
    lines.push(
      `| ${item.position} | ${escapeMarkdown(item.title ?? '–')} | ${escapeMarkdown(item.sponsor ?? '–')} | ${formatCents(item.amountCents)} | ${decisionLines(item).map(escapeMarkdown).join('; ')} |`,
    );
  }
  lines.push('');
  lines.push('## Summen / Totals');
  lines.push('');
  lines.push(`- Projekte auf der Tagesordnung / projects on the agenda: ${m.totals.projects}`);
  lines.push(`- Entschieden / decided: ${m.totals.decided}`);
  for (const row of totalRows(m).slice(2, -1)) {
    lines.push(`- ${escapeMarkdown(row.label)}: ${row.count} (${row.amount})`);
  }
  lines.push(
    `- **Positiv entschieden / approved: ${projectCount(m.totals.approvedCount)} mit ${formatCents(m.totals.approvedAmountCents)} Fördervolumen**`,
  );
  lines.push('');
  return lines.join('\n');
}
