import type { PayloadFieldSpec, WorkflowDefinition } from '@steckbrief/engine';
import { z } from 'zod';
import { germanMessage } from './sections.js';

/**
 * Forms for a task's events, built from the workflow's payload schemas: the schema decides which fields
 * there are, which are required and which values a choice has; the definition's `fields` name them and
 * their values and give their order. The
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
  /** A choice whose values are numbers (sent as numbers). */
  numeric?: boolean;
  /** In a form with alternatives (a discriminated union): the alternatives this field belongs to. */
  when?: { field: string; values: string[] };
  /** What a valid value looks like, from the schema (e.g. the range of a whole number). */
  hint?: string;
}

export interface EventForm {
  type: string;
  label: string;
  fields: PayloadField[];
  /** The field whose value chooses between the alternatives, if the payload has any. */
  discriminator?: string;
}

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

type FieldLabels = Readonly<Record<string, PayloadFieldSpec>>;

function fieldOf(name: string, schema: JsonSchema, optional: boolean, labels: FieldLabels): PayloadField {
  const valueLabels = labels[name]?.values ?? {};
  const options = (values: unknown[]): Array<[string, string]> =>
    values.map((v) => [String(v), valueLabels[String(v)]?.de ?? String(v)]);
  const base = { name, label: labels[name]?.label.de ?? name, optional, options: [] as Array<[string, string]> };
  if (schema.enum)
    return { ...base, kind: schema.enum.length <= 6 ? 'radios' : 'select', options: options(schema.enum) };
  if (schema.type === 'array' && schema.items?.enum)
    return { ...base, kind: 'checkboxes', options: options(schema.items.enum) };
  // A whole number the definition names values of (e.g. numbered groups): a choice among them.
  if (schema.type === 'integer' && Object.keys(valueLabels).length) {
    const values = Object.keys(valueLabels);
    return { ...base, kind: values.length <= 6 ? 'radios' : 'select', options: options(values), numeric: true };
  }
  if (schema.type === 'integer')
    return {
      ...base,
      kind: 'integer',
      hint:
        schema.minimum !== undefined && schema.maximum !== undefined
          ? `Ganze Zahl von ${schema.minimum} bis ${schema.maximum}`
          : undefined,
    };
  if (schema.type === 'number') return { ...base, kind: 'number' };
  if (schema.type === 'string') return { ...base, kind: (schema.maxLength ?? 10_000) > 300 ? 'textarea' : 'text' };
  return { ...base, kind: 'json' };
}

/**
 * The fields of one payload property: a nested object of plain values (e.g. one rating per criterion) becomes
 * one field per property, named `<property>.<key>` and labelled by the definition's `fields['<property>.<key>']`.
 */
function fieldsOf(name: string, schema: JsonSchema, optional: boolean, labels: FieldLabels): PayloadField[] {
  const nested = Object.entries(schema.properties ?? {});
  if (schema.type !== 'object' || !nested.length || nested.some(([, p]) => p.type === 'object'))
    return [fieldOf(name, schema, optional, labels)];
  return nested.map(([key, prop]) =>
    fieldOf(`${name}.${key}`, prop, optional || !(schema.required ?? []).includes(key), labels),
  );
}

/** The form of one event of a workflow, from its payload schema. */
export function eventForm(definition: WorkflowDefinition, type: string): EventForm {
  const spec = definition.events[type];
  if (!spec) throw new Error(`unknown event ${type}`);
  const labels: FieldLabels = spec.fields ?? {};
  const schema = z.toJSONSchema(spec.payload, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const branches = schema.oneOf ?? schema.anyOf;
  const form: EventForm = { type, label: spec.label.de, fields: [] };
  if (!branches) {
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      form.fields.push(...fieldsOf(name, prop, !(schema.required ?? []).includes(name), labels));
    }
    return inLabelOrder(form, labels);
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
  return inLabelOrder(form, labels);
}

/** Fields in the order the definition labels them (the order it wants them shown); unlabelled ones last. */
function inLabelOrder(form: EventForm, labels: FieldLabels): EventForm {
  const order = Object.keys(labels);
  const rank = (f: PayloadField) => {
    if (f.name === form.discriminator) return -1;
    // A nested field ranks by its own label, else by its property's.
    const at = order.indexOf(f.name);
    const parent = order.indexOf(f.name.split('.')[0] ?? '');
    return at >= 0 ? at : parent >= 0 ? parent : order.length;
  };
  return { ...form, fields: [...form.fields].sort((a, b) => rank(a) - rank(b)) };
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
    const set = (value: unknown) => setNested(payload, field.name, value);
    if (field.kind === 'checkboxes') {
      set(raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]);
      continue;
    }
    const value = text(raw);
    if (value.trim() === '') {
      // A required text is sent empty so the message says it is too short rather than of the wrong type.
      if (!field.optional && (field.kind === 'text' || field.kind === 'textarea')) set(value);
      continue;
    }
    if (field.kind === 'integer' || field.kind === 'number' || field.numeric) {
      const n = Number(value.trim().replace(',', '.'));
      set(/^-?\d+([.,]\d+)?$/.test(value.trim()) && Number.isFinite(n) ? n : value);
    } else if (field.kind === 'json') {
      try {
        set(JSON.parse(value));
      } catch {
        set(value);
      }
    } else set(value);
  }
  return payload;
}

/** Set `a.b` as `{a: {b}}`: a nested field's value goes into its property's object. */
function setNested(payload: Record<string, unknown>, name: string, value: unknown) {
  const [head, ...rest] = name.split('.');
  if (!head) return;
  if (!rest.length) {
    payload[head] = value;
    return;
  }
  const inner = (typeof payload[head] === 'object' && payload[head] !== null ? payload[head] : {}) as Record<
    string,
    unknown
  >;
  payload[head] = inner;
  setNested(inner, rest.join('.'), value);
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

export const fieldDomId = (form: EventForm, field: string) => `${form.type.toLowerCase()}-${field.replace(/\./g, '-')}`;

/** The engine's issues as field errors of the form: `payload.<field>…` on its field, anything else on the form. */
export function formErrors(
  form: EventForm,
  issues: ReadonlyArray<{ path: string; message: string }>,
  fallback: string,
): Map<string, string> {
  const errors = new Map<string, string>();
  for (const issue of issues) {
    const path = issue.path.replace(/^payload\.?/, '');
    // The field the path points into: itself, a nested field of it, or the first nested field of a property.
    const field =
      form.fields.find((f) => path === f.name || path.startsWith(`${f.name}.`)) ??
      (path ? form.fields.find((f) => f.name.startsWith(`${path}.`)) : undefined);
    const key = field ? field.name : '';
    const message = germanMessage(issue.message);
    if (!errors.has(key)) errors.set(key, field ? `${field.label}: ${plainMessage(field, message)}` : message);
  }
  if (!issues.length) errors.set('', germanMessage(fallback));
  return errors;
}

/**
 * zod's German messages name codes and types ("erwartet eine von "endorse"|…", "erhalten undefined");
 * a person reads what to do instead. Only the wording changes: the rule is still the schema's, and any
 * other message (a guard's explanation, a length limit) stays as the engine wrote it.
 */
function plainMessage(field: PayloadField, message: string): string {
  const choice = field.kind === 'radios' || field.kind === 'select' || field.kind === 'checkboxes';
  if (choice && /^Ungültige (Option|Eingabe)/.test(message)) return 'Bitte wählen Sie aus.';
  if (/erhalten undefined$/.test(message) || /erwartet, dass string >=1 Zeichen hat$/.test(message))
    return 'Bitte angeben.';
  const min = /erwartet, dass string >=(\d+) Zeichen hat$/.exec(message);
  if (min) return `Bitte geben Sie mindestens ${min[1]} Zeichen ein.`;
  const max = /erwartet, dass string <=(\d+) Zeichen hat$/.exec(message);
  if (max) return `Bitte geben Sie höchstens ${max[1]} Zeichen ein.`;
  if (/erwartet Zahl, erhalten string$/.test(message)) return 'Bitte geben Sie eine Zahl ein.';
  const most = /erwartet, dass number <=(-?\d+)/.exec(message);
  if (most) return `Bitte geben Sie höchstens ${most[1]} ein.`;
  const least = /erwartet, dass number >=(-?\d+)/.exec(message);
  if (least) return `Bitte geben Sie mindestens ${least[1]} ein.`;
  if (/erwartet int, erhalten Zahl/.test(message)) return 'Bitte geben Sie eine ganze Zahl ein.';
  return message;
}
