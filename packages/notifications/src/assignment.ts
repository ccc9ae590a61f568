import { escapeHtml, formatDate, type RenderedMail } from './templates.js';

export interface AssignmentInput {
  /** The profile's title (null: not given yet). */
  projectTitle: string | null;
  /** What the task asks, e.g. "Stellungnahme abgeben". */
  task: { de: string; en: string };
  dueAt: Date | null;
  /** Who handed the task over. */
  assignedBy: string | null;
  /** The task's page (`/aufgaben/<id>`). */
  link: string;
  recipientName?: string | null;
  timeZone?: string;
}

const oneLine = (s: string | null | undefined) => s?.replace(/[\r\n]+/g, ' ').trim() || null;

/**
 * The mail to a reviewer a task was handed to (reassignment, e.g. during a colleague's absence): which
 * task of which project, by whom, until when, and the link to the task's page. German first, English below.
 */
export function renderAssignment(input: AssignmentInput): RenderedMail {
  const name = oneLine(input.recipientName);
  const title = oneLine(input.projectTitle);
  const by = oneLine(input.assignedBy);
  const project = {
    de: title ? `„${title}“` : 'einem Steckbrief ohne Titel',
    en: title ? `"${title}"` : 'an untitled profile',
  };
  const due = input.dueAt
    ? {
        de: `Die Aufgabe ist fällig am ${formatDate(input.dueAt, 'de', input.timeZone)}.`,
        en: `The task is due on ${formatDate(input.dueAt, 'en', input.timeZone)}.`,
      }
    : { de: 'Die Aufgabe hat keine Frist.', en: 'The task has no due date.' };
  const lines = {
    de: [
      name ? `Guten Tag ${name},` : 'Guten Tag,',
      by
        ? `${by} hat Ihnen die Aufgabe „${input.task.de}“ zu ${project.de} zugewiesen.`
        : `Ihnen wurde die Aufgabe „${input.task.de}“ zu ${project.de} zugewiesen.`,
      due.de,
      'Sie finden die Aufgabe hier:',
    ],
    en: [
      name ? `Hello ${name},` : 'Hello,',
      by
        ? `${by} assigned the task "${input.task.en}" for ${project.en} to you.`
        : `The task "${input.task.en}" for ${project.en} was assigned to you.`,
      due.en,
      'You find the task here:',
    ],
  };
  const text = [
    ...lines.de.slice(0, 1),
    '',
    ...lines.de.slice(1, 3),
    '',
    lines.de[3],
    input.link,
    '',
    '---',
    '',
    ...lines.en.slice(0, 1),
    '',
    ...lines.en.slice(1, 3),
    '',
    lines.en[3],
    input.link,
    '',
  ].join('\n');
  const block = (lang: 'de' | 'en') => {
    const [greeting, what, when, where] = lines[lang].map((l) => escapeHtml(l as string));
    const href = escapeHtml(input.link);
    return `<div lang="${lang}"><p>${greeting}</p><p>${what}<br>${when}</p><p>${where}<br><a href="${href}">${href}</a></p></div>`;
  };
  return {
    subject: `Aufgabe zugewiesen: ${input.task.de} – ${title ?? 'Steckbrief ohne Titel'} / Task assigned to you`,
    text,
    html: `<!doctype html><html lang="de"><body>${block('de')}<hr>${block('en')}</body></html>`,
  };
}
