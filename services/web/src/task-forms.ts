import type { WorkflowDefinition } from '@steckbrief/engine';
import { z } from 'zod';
import { germanMessage } from './sections.js';

/**
 * Forms for a task's events, built from the workflow's payload schemas: the schema decides which fields
 * there are, which are required and which values a choice has; the labels below only name them. The
 * engine validates what is sent (this file holds no rule of its own).
 */
export type PayloadFieldKind = 'radios' | 'select' | 'checkboxes' | 'text' | 'textarea' | 'integer' | 'number' | 'json';

export interface PayloadField {
  name: string;
  label: string;
  kind: PayloadFieldKind;
  /** value → German label */
  options: Array<[string, string]>;
  optional: boolean;
  /** In a form with alternatives (a discriminated union): the alternatives this field belongs to. */
  when?: { field: string; values: string[] };
}

export interface EventForm {
  type: string;
  label: string;
  fields: PayloadField[];
  /** The field whose value chooses between the alternatives, if the payload has any. */
  discriminator?: string;
}

/** German names of a workflow's payload fields and coded values. */
export interface PayloadLabels {
  fields: Readonly<Record<string, string>>;
  values: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Labels per workflow id. Values without a label (codes such as a body's abbreviation) show as they are. */
export const PAYLOAD_LABELS: Readonly<Record<string, PayloadLabels>> = {
  'lausitz-brandenburg': {
    fields: {
      votum: 'Votum',
      leadMinistry: 'Federführendes Ressort',
      ministries: 'Weitere beteiligte Ressorts',
      reason: 'Begründung',
      opinion: 'Einschätzung',
      text: 'Stellungnahme',
      ministry: 'Ressort',
      werkstatt: 'Werkstatt',
      priority: 'Priorität',
    },
    values: {
      votum: { positive: 'Positiv', further_qualification: 'Weitere Qualifizierung nötig', negative: 'Negativ' },
      opinion: { endorse: 'Befürwortung', concerns: 'Bedenken' },
    },
  },
  'sachsen-strukturentwicklung': {
    fields: {
      reason: 'Begründung',
      note: 'Anmerkung',
      findings: 'Prüfergebnis',
      ratings: 'Bewertungen',
      recommendation: 'Empfehlung',
      consequence: 'Folge',
    },
    values: { consequence: { end: 'Verfahren beenden', return: 'Zurückgeben' } },
  },
};

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  maxLength?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

const NO_LABELS: PayloadLabels = { fields: {}, values: {} };

function fieldOf(name: string, schema: JsonSchema, optional: boolean, labels: PayloadLabels): PayloadField {
  const valueLabels = labels.values[name] ?? {};
  const options = (values: unknown[]): Array<[string, string]> =>
    values.map((v) => [String(v), valueLabels[String(v)] ?? String(v)]);
  const base = { name, label: labels.fields[name] ?? name, optional, options: [] as Array<[string, string]> };
  if (schema.enum)
    return { ...base, kind: schema.enum.length <= 6 ? 'radios' : 'select', options: options(schema.enum) };
  if (schema.type === 'array' && schema.items?.enum)
    return { ...base, kind: 'checkboxes', options: options(schema.items.enum) };
  if (schema.type === 'integer') return { ...base, kind: 'integer' };
  if (schema.type === 'number') return { ...base, kind: 'number' };
  if (schema.type === 'string') return { ...base, kind: (schema.maxLength ?? 10_000) > 300 ? 'textarea' : 'text' };
  return { ...base, kind: 'json' };
}

/** The form of one event of a workflow, from its payload schema. */
export function eventForm(definition: WorkflowDefinition, type: string): EventForm {
  const spec = definition.events[type];
  if (!spec) throw new Error(`unknown event ${type}`);
  const labels = PAYLOAD_LABELS[definition.id] ?? NO_LABELS;
  const schema = z.toJSONSchema(spec.payload, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const branches = schema.oneOf ?? schema.anyOf;
  const form: EventForm = { type, label: spec.label.de, fields: [] };
  if (!branches) {
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      form.fields.push(fieldOf(name, prop, !(schema.required ?? []).includes(name), labels));
    }
    return form;
  }
  // Alternatives told apart by one field with a constant value in each (a discriminated union).
  const first = branches[0]?.properties ?? {};
  const discriminator = Object.keys(first).find((k) => branches.every((b) => b.properties?.[k]?.const !== undefined));
  if (!discriminator) return { ...form, fields: [fieldOf('payload', {}, false, labels)] };
  const values = branches.map((b) => String(b.properties?.[discriminator]?.const));
  form.discriminator = discriminator;
  form.fields.push(fieldOf(discriminator, { enum: values }, false, labels));
  const seen = new Map<string, PayloadField>();
  branches.forEach((branch, i) => {
    for (const [name, prop] of Object.entries(branch.properties ?? {})) {
      if (name === discriminator) continue;
      const optional = !(branch.required ?? []).includes(name);
      const known = seen.get(name);
      if (known) {
        known.when?.values.push(values[i] as string);
        known.optional &&= optional;
        continue;
      }
      const field = {
        ...fieldOf(name, prop, optional, labels),
        when: { field: discriminator, values: [values[i] as string] },
      };
      seen.set(name, field);
      form.fields.push(field);
    }
  });
  return form;
}

export type FormBody = Record<string, string | string[] | undefined>;

const text = (v: FormBody[string]) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** The payload a submitted form means; what does not parse is passed on as typed, for the engine to refuse. */
export function payloadOf(form: EventForm, body: FormBody): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  const chosen = form.discriminator ? text(body[form.discriminator]) : null;
  for (const field of form.fields) {
    if (field.when && chosen !== null && !field.when.values.includes(chosen)) continue;
    const raw = body[field.name];
    if (field.kind === 'checkboxes') {
      payload[field.name] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      continue;
    }
    const value = text(raw);
    if (value.trim() === '') {
      // A required text is sent empty so the message says it is too short rather than of the wrong type.
      if (!field.optional && (field.kind === 'text' || field.kind === 'textarea')) payload[field.name] = value;
      continue;
    }
    if (field.kind === 'integer' || field.kind === 'number') {
      const n = Number(value.trim().replace(',', '.'));
      payload[field.name] = /^-?\d+([.,]\d+)?$/.test(value.trim()) && Number.isFinite(n) ? n : value;
    } else if (field.kind === 'json') {
      try {
        payload[field.name] = JSON.parse(value);
      } catch {
        payload[field.name] = value;
      }
    } else payload[field.name] = value;
  }
  return payload;
}

/** What was typed, to show again with the errors. */
export function typedValues(form: EventForm, body: FormBody): Record<string, string | string[]> {
  return Object.fromEntries(
    form.fields.map((f) => {
      const raw = body[f.name];
      return [
        f.name,
        f.kind === 'checkboxes' ? (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) : text(raw),
      ];
    }),
  );
}

export const fieldDomId = (form: EventForm, field: string) => `${form.type.toLowerCase()}-${field}`;

/** The engine's issues as field errors of the form: `payload.<field>…` on its field, anything else on the form. */
export function formErrors(
  form: EventForm,
  issues: ReadonlyArray<{ path: string; message: string }>,
  fallback: string,
): Map<string, string> {
  const errors = new Map<string, string>();
  for (const issue of issues) {
    const name = issue.path.replace(/^payload\.?/, '').split('.')[0] ?? '';
    const field = form.fields.find((f) => f.name === name);
    const key = field ? field.name : '';
    const message = germanMessage(issue.message);
    if (!errors.has(key)) errors.set(key, field ? `${field.label}: ${message}` : message);
  }
  if (!issues.length) errors.set('', germanMessage(fallback));
  return errors;
}
