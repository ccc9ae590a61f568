/** The Ergebnisprotokoll as documents: Markdown and PDF, for the API and the public web pages alike. */
export { escapeMarkdown, formatCents, germanDate, minutesMarkdown, projectCount } from './markdown.js';
export { minutesPdf } from './pdf.js';
