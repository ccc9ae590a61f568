/**
 * E-mail notices (SPEC §5): what changed, for which project, what the recipient must do next and by
 * when, and a link to the authenticated view — never the decision's reasons. German first, English
 * below; plain text and HTML. Pure functions: everything they show comes in as arguments.
 */

export interface Bilingual {
  de: string;
  en: string;
}

export type NoticeKind =
  | 'state_changed'
  | 'task_assigned'
  | 'reminder'
  | 'escalation'
  | 'session_result'
  | 'workflow_migrated'
  | 'draft_deletion';

export const NOTICE_KINDS: readonly NoticeKind[] = [
  'state_changed',
  'task_assigned',
  'reminder',
  'escalation',
  'session_result',
  'workflow_migrated',
  'draft_deletion',
];

export interface NoticeTask {
  label: Bilingual;
  dueAt: Date | null;
}

export interface NoticeInput {
  kind: NoticeKind;
  /** User-supplied: escaped in HTML, stripped of line breaks in the subject. */
  projectTitle: string | null;
  /** The profile's (new) state. */
  state: Bilingual;
  /** What the recipient must do next; empty when nothing is to be done. */
  tasks: NoticeTask[];
  /** Link to the profile's page (sign-in required). */
  link: string;
  /**
   * Link to the page of the task the notice is about (assigned, due soon, overdue): where the recipient
   * acts. Shown above the profile's link; left out when absent.
   */
  taskLink?: string | null;
  recipientName?: string | null;
  /** For escalations: the assignee group, so the office sees whose task is overdue. */
  assignee?: Bilingual | null;
  /** For `draft_deletion`: when the draft will be deleted (the retention rules). */
  deleteAt?: Date | null;
  timeZone?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const HTML_SPECIAL = /[&<>"']/g;
const HAS_HTML_SPECIAL = /[&<>"']/;

/** Text for element content and quoted attribute values (mails, and the web pages' `html` template). */
export function escapeHtml(value: string): string {
  // Most text has nothing to escape: a test is cheaper than a replace that finds nothing.
  return HAS_HTML_SPECIAL.test(value) ? value.replace(HTML_SPECIAL, (c) => HTML_ESCAPES[c] as string) : value;
}

/** Header-safe: no control characters (a line break in a subject could inject headers), bounded length. */
function oneLine(value: string, max = 120): string {
  const flat = [...value]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// Building an Intl formatter is costly; there are two languages and (in practice) one time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatDate(date: Date, lang: 'de' | 'en', timeZone = 'Europe/Berlin'): string {
  const key = `${lang}|${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
      timeZone,
      dateStyle: 'long',
      timeStyle: 'short',
    });
    formatters.set(key, format);
  }
  const formatted = format.format(date);
  return lang === 'de' ? `${formatted} Uhr` : formatted;
}

interface Texts {
  subject: Bilingual;
  intro: Bilingual;
}

function textsFor(input: NoticeInput, title: Bilingual): Texts {
  const { state } = input;
  const first = input.tasks[0];
  const task = first?.label ?? { de: 'Aufgabe', en: 'Task' };
  const due = first?.dueAt;
  switch (input.kind) {
    case 'state_changed':
      return {
        subject: { de: `Neuer Status: ${state.de}`, en: `New status: ${state.en}` },
        intro: {
          de: `der Projektsteckbrief ${title.de} hat einen neuen Status: ${state.de}.`,
          en: `the project profile ${title.en} has a new status: ${state.en}.`,
        },
      };
    case 'session_result':
      return {
        subject: { de: `Ergebnis der Sitzung: ${state.de}`, en: `Session result: ${state.en}` },
        intro: {
          de: `über den Projektsteckbrief ${title.de} wurde in einer Sitzung entschieden. Sein Status ist jetzt: ${state.de}.`,
          en: `a session has decided on the project profile ${title.en}. Its status is now: ${state.en}.`,
        },
      };
    case 'workflow_migrated':
      return {
        subject: { de: `Verfahren umgestellt: ${state.de}`, en: `Procedure updated: ${state.en}` },
        intro: {
          de: `das Verfahren für den Projektsteckbrief ${title.de} wurde auf eine neue Fassung umgestellt. Sein Status ist jetzt: ${state.de}.`,
          en: `the procedure for the project profile ${title.en} has moved to a new version. Its status is now: ${state.en}.`,
        },
      };
    case 'task_assigned':
      return {
        subject: { de: `Neue Aufgabe: ${task.de}`, en: `New task: ${task.en}` },
        intro: {
          de: `zum Projektsteckbrief ${title.de} (Status: ${state.de}) gibt es eine neue Aufgabe für Ihre Gruppe.`,
          en: `there is a new task for your group on the project profile ${title.en} (status: ${state.en}).`,
        },
      };
    case 'reminder':
      return {
        subject: {
          de: `Erinnerung: ${task.de}${due ? ` bis ${formatDate(due, 'de', input.timeZone)}` : ''}`,
          en: `Reminder: ${task.en}${due ? ` by ${formatDate(due, 'en', input.timeZone)}` : ''}`,
        },
        intro: {
          de: `die Frist einer Aufgabe zum Projektsteckbrief ${title.de} läuft bald ab.`,
          en: `a task on the project profile ${title.en} is due soon.`,
        },
      };
    case 'draft_deletion': {
      const when = input.deleteAt
        ? { de: formatDate(input.deleteAt, 'de', input.timeZone), en: formatDate(input.deleteAt, 'en', input.timeZone) }
        : { de: 'in 30 Tagen', en: 'in 30 days' };
      const on = input.deleteAt ? { de: `am ${when.de}`, en: `on ${when.en}` } : when;
      return {
        subject: { de: `Ihr Entwurf wird ${on.de} gelöscht`, en: `Your draft will be deleted ${on.en}` },
        intro: {
          de: `der Entwurf des Projektsteckbriefs ${title.de} wurde lange nicht geändert und nie eingereicht. Nach unseren Aufbewahrungsregeln wird er ${on.de} mit seinen Anlagen gelöscht.`,
          en: `the draft project profile ${title.en} has not been changed for a long time and was never submitted. Under our retention rules it will be deleted with its attachments ${on.en}.`,
        },
      };
    }
    case 'escalation': {
      const who = input.assignee
        ? { de: ` (zuständig: ${input.assignee.de})`, en: ` (assigned to: ${input.assignee.en})` }
        : { de: '', en: '' };
      return {
        subject: { de: `Frist überschritten: ${task.de}`, en: `Overdue: ${task.en}` },
        intro: {
          de: `die Frist einer Aufgabe zum Projektsteckbrief ${title.de} ist abgelaufen${who.de}.`,
          en: `a task on the project profile ${title.en} is overdue${who.en}.`,
        },
      };
    }
  }
}

const KEEP_DRAFT: Bilingual = {
  de: 'Wenn Sie den Entwurf behalten möchten, bearbeiten oder reichen Sie ihn vorher ein: Jede Änderung lässt die Frist neu beginnen.',
  en: 'To keep the draft, edit or submit it before then: every change starts the period again.',
};

const NOTHING_TO_DO: Bilingual = {
  de: 'Für Sie ist derzeit nichts zu tun. Wir benachrichtigen Sie über den nächsten Schritt.',
  en: 'There is nothing for you to do at the moment. We will notify you of the next step.',
};

function taskLines(input: NoticeInput, lang: 'de' | 'en'): string[] {
  return input.tasks.map((t) =>
    t.dueAt
      ? lang === 'de'
        ? `${t.label.de} – bis ${formatDate(t.dueAt, 'de', input.timeZone)}`
        : `${t.label.en} – by ${formatDate(t.dueAt, 'en', input.timeZone)}`
      : t.label[lang],
  );
}

const HEADINGS = {
  de: {
    todo: 'Was ist zu tun?',
    link: 'Zum Projektsteckbrief (Anmeldung erforderlich):',
    taskLink: 'Zur Aufgabe (Anmeldung erforderlich):',
    hello: 'Guten Tag',
    note: 'Diese Nachricht wurde automatisch versandt.',
  },
  en: {
    todo: 'What needs to be done?',
    link: 'Open the project profile (sign-in required):',
    taskLink: 'Open the task (sign-in required):',
    hello: 'Hello',
    note: 'This message was sent automatically.',
  },
} as const;

/** Render one notice for one recipient. The subject carries both languages; the body German, then English. */
export function renderNotice(input: NoticeInput): RenderedMail {
  const rawTitle = input.projectTitle?.trim() || null;
  const quoted: Bilingual = rawTitle
    ? { de: `„${rawTitle}“`, en: `“${rawTitle}”` }
    : { de: '(ohne Titel)', en: '(untitled)' };
  const texts = textsFor(input, quoted);
  const subjectTitle = rawTitle ? ` – ${oneLine(rawTitle, 80)}` : '';
  const subject = oneLine(`${texts.subject.de}${subjectTitle} / ${texts.subject.en}`, 250);

  const section = (lang: 'de' | 'en') => {
    const h = HEADINGS[lang];
    const todo = input.kind === 'draft_deletion' ? [KEEP_DRAFT[lang]] : taskLines(input, lang);
    return {
      greeting: input.recipientName ? `${h.hello} ${input.recipientName},` : `${h.hello},`,
      intro: texts.intro[lang],
      todoHeading: h.todo,
      todo: todo.length ? todo : [NOTHING_TO_DO[lang]],
      hasTasks: todo.length > 0,
      linkLabel: h.link,
      taskLinkLabel: h.taskLink,
      note: h.note,
    };
  };
  const de = section('de');
  const en = section('en');
  // Only notices about a task link to it; a state change or session result is about the profile.
  const taskLink =
    input.kind === 'state_changed' || input.kind === 'session_result' || input.kind === 'workflow_migrated'
      ? null
      : input.taskLink;

  const textPart = (s: ReturnType<typeof section>) =>
    [
      s.greeting,
      '',
      s.intro,
      '',
      s.todoHeading,
      ...s.todo.map((line) => (s.hasTasks ? `- ${line}` : line)),
      '',
      ...(taskLink ? [s.taskLinkLabel, taskLink, ''] : []),
      s.linkLabel,
      input.link,
      '',
      s.note,
    ].join('\n');
  const text = `${textPart(de)}\n\n----------------------------------------\n(English version below / English version)\n\n${textPart(en)}\n`;

  const htmlPart = (s: ReturnType<typeof section>, lang: 'de' | 'en') => {
    const items = s.hasTasks
      ? `<ul>${s.todo.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
      : `<p>${escapeHtml(s.todo[0] as string)}</p>`;
    return [
      `<div lang="${lang}">`,
      `<p>${escapeHtml(s.greeting)}</p>`,
      `<p>${escapeHtml(s.intro)}</p>`,
      `<h3>${escapeHtml(s.todoHeading)}</h3>`,
      items,
      ...(taskLink
        ? [`<p>${escapeHtml(s.taskLinkLabel)}<br><a href="${escapeHtml(taskLink)}">${escapeHtml(taskLink)}</a></p>`]
        : []),
      `<p>${escapeHtml(s.linkLabel)}<br><a href="${escapeHtml(input.link)}">${escapeHtml(input.link)}</a></p>`,
      `<p><small>${escapeHtml(s.note)}</small></p>`,
      '</div>',
    ].join('\n');
  };
  const html = [
    '<!doctype html>',
    '<html lang="de"><head><meta charset="utf-8"><title>',
    escapeHtml(subject),
    '</title></head><body>',
    htmlPart(de, 'de'),
    '<hr>',
    htmlPart(en, 'en'),
    '</body></html>',
    '',
  ].join('\n');

  return { subject, text, html };
}
