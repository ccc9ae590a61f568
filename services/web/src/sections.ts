import type { PresentationField, PresentationSection } from '@steckbrief/engine';

/**
 * A profile's question pages (the workflow's presentation says which fields each asks, in which input kind). Parsing here
 * only turns form text into the JSON types the workflow's schema expects (a German amount into a
 * number, three date fields into YYYY-MM-DD); whatever cannot be read goes to the schema as typed,
 * so the workflow's own message names the problem. No validation rule lives here.
 */

/** A field of a question page, as the workflow's presentation gives it (label, input kind, hint, values). */
export type SectionField = PresentationField;

/** A question page: its URL segment (`id`), heading and fields. */
export type SectionSpec = PresentationSection;

/** The id of a field's (first) input, used by labels and by the error summary's links. */
export const fieldId = (path: string) => path.replace(/\./g, '-');

export type FormBody = Record<string, unknown>;

const text = (body: FormBody, name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');

/** The value to PATCH for one field: null removes an emptied field (JSON merge patch). */
export function parseField(field: SectionField, body: FormBody): unknown {
  const id = fieldId(field.path);
  if (field.input === 'date') {
    const [d, m, y] = [text(body, id), text(body, `${id}-monat`), text(body, `${id}-jahr`)];
    if (!d && !m && !y) return null;
    if (/^\d{1,2}$/.test(d) && /^\d{1,2}$/.test(m) && /^\d{4}$/.test(y)) {
      return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
    }
    return `${d}.${m}.${y}`;
  }
  const raw = text(body, id);
  if (!raw) return null;
  switch (field.input) {
    case 'integer':
      return /^-?\d{1,9}$/.test(raw.replace(/\./g, '')) ? Number(raw.replace(/\./g, '')) : raw;
    case 'euros': {
      // German notation: dots group thousands, a comma separates cents; a trailing € is fine.
      const plain = raw.replace(/\s|€/g, '');
      return /^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(plain)
        ? Number(plain.replace(/\./g, '').replace(',', '.'))
        : raw;
    }
    case 'yesno':
      return raw === 'ja' ? true : raw === 'nein' ? false : raw;
    case 'choice':
      return /^\d+$/.test(raw) ? Number(raw) : raw;
    default:
      return raw;
  }
}

/** Set a dotted path in a merge patch. */
function setPath(patch: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.');
  let node = patch;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

export function sectionPatch(section: SectionSpec, body: FormBody): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of section.fields) setPath(patch, field.path, parseField(field, body));
  return patch;
}

/** How a field's current value shows in its input(s). */
export function formValue(field: SectionField, value: unknown): string | [string, string, string] {
  if (value === undefined || value === null) return field.input === 'date' ? ['', '', ''] : '';
  if (field.input === 'date' && typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    return m ? [String(Number(m[3])), String(Number(m[2])), m[1] as string] : ['', '', ''];
  }
  if (field.input === 'euros' && typeof value === 'number') {
    const cents = Number.isInteger(value) ? 0 : 2;
    return new Intl.NumberFormat('de-DE', { minimumFractionDigits: cents, maximumFractionDigits: cents }).format(value);
  }
  if (field.input === 'yesno') return value === true ? 'ja' : value === false ? 'nein' : '';
  return String(value);
}

/** The German half of a workflow message ("Titel: höchstens 200 Zeichen. / Title: …"). */
export function germanMessage(message: string): string {
  return message.split(' / ')[0] ?? message;
}
