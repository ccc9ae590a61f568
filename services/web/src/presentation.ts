import type { Label } from '@steckbrief/engine';
import {
  COUNTY_LABELS,
  FIELD_LABELS,
  FUNDING_AREA_LABELS,
  SPONSOR_KIND_LABELS,
  STATE_EXPLANATIONS,
  SUB_AREA_LABELS,
  WERKSTAETTEN,
  type WerkstattInfo,
} from '@steckbrief/workflow-lausitz-brandenburg';
import { LAUSITZ_SECTIONS, type SectionSpec } from './sections.js';

export type Tone = 'info' | 'success' | 'warning' | 'danger';

export type FieldFormat = 'text' | 'longtext' | 'euros' | 'date' | 'boolean' | 'number' | 'werkstatt';

export interface FieldSpec {
  /** Dotted path into the profile's data. */
  path: string;
  label: string;
  format: FieldFormat;
  /** German names of coded values. */
  values?: Readonly<Record<string, string>>;
}

/**
 * How pages show a workflow's profiles: labels and formats of the data fields (the workflow's own
 * labels), the tone of each state's tag, what each state means, and the public groups (Werkstätten).
 * The rules stay in the workflow definition; this is only how things look.
 */
export interface WorkflowPresentation {
  fields: FieldSpec[];
  stateTones: Readonly<Record<string, Tone>>;
  stateExplanations: Readonly<Record<string, Label>>;
  werkstaetten: readonly WerkstattInfo[];
  /** The question pages of the Steckbrief, in task-list order. */
  sections: SectionSpec[];
  /** Per editable state: the event that hands the profile in, and its button (shown only when the engine allows it). */
  submitEvents: Readonly<Record<string, { event: string; button: string }>>;
  /** The event that withdraws a profile (offered only when the engine allows it). */
  withdrawEvent: string;
  /** The state in which the owner revises; the page shows the reason of the entry that led there. */
  revisionState: string;
}

const f = (path: keyof typeof FIELD_LABELS, format: FieldFormat, values?: Record<string, string>): FieldSpec => ({
  path,
  label: FIELD_LABELS[path].de,
  format,
  values,
});

export const lausitzPresentation: WorkflowPresentation = {
  fields: [
    f('title', 'text'),
    f('summary', 'longtext'),
    f('sponsor.name', 'text'),
    f('sponsor.kind', 'text', SPONSOR_KIND_LABELS),
    f('contact.name', 'text'),
    f('contact.email', 'text'),
    f('contact.phone', 'text'),
    f('werkstatt', 'werkstatt'),
    f('subArea', 'text', SUB_AREA_LABELS),
    f('location.municipality', 'text'),
    f('location.county', 'text', COUNTY_LABELS),
    f('fundingArea', 'text', FUNDING_AREA_LABELS),
    { ...f('totalCostEur', 'euros'), label: 'Gesamtkosten' },
    { ...f('requestedFundingEur', 'euros'), label: 'Beantragte Förderung' },
    f('startDate', 'date'),
    f('endDate', 'date'),
    f('measureStarted', 'boolean'),
    f('jobsCreated', 'number'),
    f('jobsSecured', 'number'),
    f('trainingPlaces', 'number'),
    f('contribution', 'longtext'),
    f('permitsStatus', 'longtext'),
    f('sustainability', 'longtext'),
  ],
  stateTones: {
    draft: 'info',
    intake: 'info',
    revision: 'warning',
    qualification: 'info',
    ministry_review: 'info',
    commissioner_approval: 'info',
    imag_pending: 'info',
    confirmed: 'success',
    rejected: 'danger',
    withdrawn: 'danger',
  },
  stateExplanations: STATE_EXPLANATIONS,
  werkstaetten: WERKSTAETTEN,
  sections: LAUSITZ_SECTIONS,
  submitEvents: {
    draft: { event: 'SUBMIT', button: 'Steckbrief einreichen' },
    revision: { event: 'RESUBMIT', button: 'Überarbeitung einreichen' },
  },
  withdrawEvent: 'WITHDRAW',
  revisionState: 'revision',
};

export const DEFAULT_PRESENTATIONS: Readonly<Record<string, WorkflowPresentation>> = {
  'lausitz-brandenburg': lausitzPresentation,
};

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
