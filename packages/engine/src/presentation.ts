/** A German and English text (the shape of the definition's `Label`; not imported, so no import cycle). */
interface Label {
  de: string;
  en: string;
}

/**
 * How a workflow's profiles look on the web pages: the applicant's question pages (sections, field order,
 * German labels and hints), the tone and meaning of each state, the wording of the submission and of the
 * public pages. Data only: the engine carries it for the adapters and never reads it; the rules stay in the
 * definition's schemas, guards and roles. User-facing strings are German (the pages are German first).
 */
export interface WorkflowPresentation {
  /** What one profile of this workflow is called on the pages, e.g. `Steckbrief`. */
  noun: string;
  /** The button that starts a new profile of this workflow, e.g. `Neuen Steckbrief anlegen`. */
  createButton: string;
  /** The question pages, in task-list order. */
  sections: readonly PresentationSection[];
  /** The tone of each state's tag (never the only signal: the tag carries the state's label). */
  stateTones: Readonly<Record<string, PresentationTone>>;
  /** What each state means for the applicant ("what happens next"). */
  stateExplanations: Readonly<Record<string, Label>>;
  /** Per editable state: the event that hands the profile in and its button (shown only when the engine allows it). */
  submitEvents: Readonly<Record<string, { event: string; button: string }>>;
  /** What submitting means, above the button on the check-answers page. */
  submitNotice: string;
  /** The event that withdraws a profile (offered only when the engine allows it). */
  withdrawEvent: string;
  /** The state in which the owner revises; the pages show the reason of the entry that led there. */
  revisionState: string;
  /** What anyone may read without signing in; absent: the workflow publishes nothing. */
  public?: PublicPresentation;
  /**
   * A batch the session managers take several profiles through with one event and one payload (e.g. intake
   * into one group); absent: the workflow offers none. The engine still checks each profile's transition.
   */
  batch?: BatchPresentation;
}

export interface BatchPresentation {
  /** The state whose profiles are offered. */
  state: string;
  /** The event sent to each chosen profile, with the one payload entered for all. */
  event: string;
  /** The link to the batch page and its heading. */
  title: string;
}

export type PresentationTone = 'info' | 'success' | 'warning' | 'danger';

/** How a field is asked on a question page; the value's shape is the schema's. */
export type PresentationInput =
  | 'text'
  | 'longtext'
  | 'email'
  | 'tel'
  | 'integer'
  | 'euros'
  | 'date'
  | 'choice'
  | 'yesno';

export interface PresentationField {
  /** Dotted path into the profile's data. */
  path: string;
  input: PresentationInput;
  /** German label (the definition's field label, or a shorter one for the pages). */
  label: string;
  optional?: boolean;
  hint?: string;
  /** A choice's values and their German names, in the order offered (keys as strings: `'4'`, `'north'`). */
  values?: Readonly<Record<string, string>>;
  /** How a chosen value reads in a summary, when shorter than its option (e.g. `Gruppe 4` for `Gruppe 4: …`). */
  shortValues?: Readonly<Record<string, string>>;
}

export interface PresentationSection {
  /** URL segment and the id a revision request names. */
  id: string;
  title: string;
  fields: readonly PresentationField[];
}

/**
 * The public pages: one page per value of a scope attribute (the groups in which the workflow's sessions
 * are held), listing the profiles in the committed states, the next session dates and the published minutes.
 */
export interface PublicPresentation {
  /** URL segment of the overview, e.g. `gruppen` (lower-case letters and hyphens). */
  path: string;
  /** The scope attribute whose values are the groups; sessions held per this attribute are listed. */
  attribute: string;
  /** Heading of the overview page. */
  title: string;
  /** The overview page's introduction. */
  intro: string;
  /** Link text back to the overview from a group's page. */
  overviewLink: string;
  /** Heading of a group's list of profiles in the committed states. */
  confirmedHeading: string;
  /** Said instead of the list when it is empty. */
  noneConfirmed: string;
  /** Said instead of the minutes when none is published. */
  noMinutes: string;
  /** The data field (dotted path) shown as the place of a listed profile. */
  placeField: string;
  /** The groups, in the order listed. */
  groups: readonly PublicGroup[];
}

export interface PublicGroup {
  /** The scope value, as a string (`'4'`, `'north'`); also the URL segment. */
  value: string;
  /** Short name, e.g. `Gruppe 4` (page title, file names of minutes). */
  shortName: string;
  /** Full name, the page's heading. */
  name: string;
  description: string;
  /** Named parts of the group, listed on its page. */
  subAreas?: readonly string[];
}

/** What is inconsistent between a presentation and its definition's states and events. */
export function presentationProblems(
  presentation: WorkflowPresentation,
  states: readonly string[],
  events: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const state of Object.keys(presentation.stateTones)) {
    if (!states.includes(state)) problems.push(`presentation names unknown state "${state}"`);
  }
  for (const [state, submit] of Object.entries(presentation.submitEvents)) {
    if (!states.includes(state)) problems.push(`presentation submits from unknown state "${state}"`);
    if (!events.includes(submit.event)) problems.push(`presentation submits with unknown event "${submit.event}"`);
  }
  if (!events.includes(presentation.withdrawEvent))
    problems.push(`presentation withdraws with unknown event "${presentation.withdrawEvent}"`);
  if (presentation.batch && !states.includes(presentation.batch.state))
    problems.push(`presentation batches from unknown state "${presentation.batch.state}"`);
  if (presentation.batch && !events.includes(presentation.batch.event))
    problems.push(`presentation batches with unknown event "${presentation.batch.event}"`);
  if (!states.includes(presentation.revisionState))
    problems.push(`presentation names unknown revision state "${presentation.revisionState}"`);
  const ids = presentation.sections.map((s) => s.id);
  if (new Set(ids).size !== ids.length) problems.push('presentation has two sections with the same id');
  for (const section of presentation.sections) {
    if (!/^[a-z-]+$/.test(section.id)) problems.push(`presentation section id "${section.id}" is not a path segment`);
  }
  if (presentation.public && !/^[a-z-]+$/.test(presentation.public.path))
    problems.push(`presentation public path "${presentation.public.path}" is not a path segment`);
  return problems;
}
