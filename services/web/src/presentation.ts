import type {
  Label,
  WorkflowPresentation as PresentationSpec,
  PresentationTone,
  PublicPresentation,
  WorkflowDefinition,
} from '@steckbrief/engine';
import type { SectionSpec } from './sections.js';

export type Tone = PresentationTone;

export type FieldFormat = 'text' | 'longtext' | 'euros' | 'date' | 'boolean' | 'number';

export interface FieldSpec {
  /** Dotted path into the profile's data. */
  path: string;
  label: string;
  format: FieldFormat;
  /** German names of coded values. */
  values?: Readonly<Record<string, string>>;
}

/**
 * How pages show a workflow's profiles, read from the definition's `presentation`: the question pages, the
 * labels and formats of the data fields, the tone of each state's tag, what each state means, the wording of
 * the submission and the public pages. The rules stay in the workflow definition; this is only how things look.
 */
export interface WorkflowPresentation {
  /** What one profile is called, e.g. on the check-answers page. */
  noun: string;
  createButton: string;
  /** The data fields in the order of the question pages, with the format each value is shown in. */
  fields: FieldSpec[];
  stateTones: Readonly<Record<string, Tone>>;
  stateExplanations: Readonly<Record<string, Label>>;
  /** The question pages, in task-list order. */
  sections: readonly SectionSpec[];
  /** Per editable state: the event that hands the profile in, and its button (shown only when the engine allows it). */
  submitEvents: Readonly<Record<string, { event: string; button: string }>>;
  /** What submitting means, above the button. */
  submitNotice: string;
  /** The event that withdraws a profile (offered only when the engine allows it). */
  withdrawEvent: string;
  /** The state in which the owner revises; the page shows the reason of the entry that led there. */
  revisionState: string;
  /** The public pages, or null when the workflow publishes nothing. */
  public: PublicPresentation | null;
}

const FORMATS: Readonly<Record<SectionSpec['fields'][number]['input'], FieldFormat>> = {
  text: 'text',
  longtext: 'longtext',
  email: 'text',
  tel: 'text',
  integer: 'number',
  euros: 'euros',
  date: 'date',
  choice: 'text',
  yesno: 'boolean',
};

/** The pages' view of a definition's presentation (the field list follows the question pages). */
function toPresentation(spec: PresentationSpec): WorkflowPresentation {
  return {
    noun: spec.noun,
    createButton: spec.createButton,
    fields: spec.sections.flatMap((section) =>
      section.fields.map((f) => ({
        path: f.path,
        label: f.label,
        format: FORMATS[f.input],
        values: f.shortValues ?? f.values,
      })),
    ),
    stateTones: spec.stateTones,
    stateExplanations: spec.stateExplanations,
    sections: spec.sections,
    submitEvents: spec.submitEvents,
    submitNotice: spec.submitNotice,
    withdrawEvent: spec.withdrawEvent,
    revisionState: spec.revisionState,
    public: spec.public ?? null,
  };
}

const built = new WeakMap<WorkflowDefinition, WorkflowPresentation | null>();

/** The presentation of a definition, built once; undefined when the definition has none. */
export function presentationOfDefinition(definition: WorkflowDefinition): WorkflowPresentation | undefined {
  let presentation = built.get(definition);
  if (presentation === undefined) {
    presentation = definition.presentation ? toPresentation(definition.presentation) : null;
    built.set(definition, presentation);
  }
  return presentation ?? undefined;
}

/** A value at a dotted path of the profile's data. */
export function valueAt(data: Record<string, unknown>, path: string): unknown {
  let current: unknown = data;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The labels and coded values of a field, from the workflow's presentation. */
export function fieldSpecOf(fields: FieldSpec[], path: string): FieldSpec {
  return fields.find((f) => f.path === path) ?? { path, label: path, format: 'text' };
}
