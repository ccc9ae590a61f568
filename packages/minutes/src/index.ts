/** The Ergebnisprotokoll as documents: Markdown and PDF, for the API and the public web pages alike. */
export {
  decisionLines,
  escapeMarkdown,
  formatCents,
  germanDate,
  minutesMarkdown,
  projectCount,
  sessionKind,
  totalRows,
} from './markdown.js';
export { minutesPdf } from './pdf.js';
