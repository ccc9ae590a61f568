import type { InboxSort, InboxView } from '@steckbrief/engine';

/**
 * The inbox's state in its URL (German parameter names), so that a view with its filters, order and
 * page can be bookmarked and shared. Scope filters keep the workflow's own attribute names.
 */
export interface InboxParams {
  view: InboxView;
  state: string;
  scope: Record<string, string>;
  overdue: boolean;
  /** YYYY-MM-DD, as the date field sends it. */
  dueBefore: string;
  sort: InboxSort | null;
  descending: boolean;
  page: number;
}

export const VIEW_SLUGS: Readonly<Record<InboxView, string>> = {
  mine: 'meine',
  group: 'gruppe',
  unassigned: 'offen',
  done: 'erledigt',
};
export const VIEW_LABELS: Readonly<Record<InboxView, string>> = {
  mine: 'Meine Aufgaben',
  group: 'Meine Gruppe',
  unassigned: 'Nicht zugewiesen',
  done: 'Erledigt',
};
export const SORT_SLUGS: Readonly<Record<InboxSort, string>> = {
  due: 'faellig',
  title: 'projekt',
  sponsor: 'traeger',
  state: 'stufe',
  claimed: 'bearbeitung',
  created: 'eingang',
};

const one = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');
const keyOf = <K extends string>(map: Readonly<Record<K, string>>, slug: string) =>
  (Object.entries(map) as Array<[K, string]>).find(([, s]) => s === slug)?.[0];

/** The inbox's parameters from a query string; unknown or malformed values fall back to the defaults. */
export function parseInboxParams(query: Record<string, unknown>, scopeNames: readonly string[]): InboxParams {
  const scope: Record<string, string> = {};
  for (const name of scopeNames) {
    const value = one(query[name]).trim();
    if (value) scope[name] = value.slice(0, 100);
  }
  const dueBefore = one(query['faellig-vor']);
  const page = Number(one(query.seite));
  return {
    view: keyOf(VIEW_SLUGS, one(query.ansicht)) ?? 'group',
    state: one(query.stufe).slice(0, 100),
    scope,
    overdue: one(query.ueberfaellig) === 'ja',
    dueBefore: /^\d{4}-\d{2}-\d{2}$/.test(dueBefore) && !Number.isNaN(Date.parse(dueBefore)) ? dueBefore : '',
    sort: keyOf(SORT_SLUGS, one(query.sortierung)) ?? null,
    descending: one(query.richtung) === 'ab',
    page: Number.isInteger(page) && page > 1 ? Math.min(page, 10_000) : 1,
  };
}

/** The inbox's address for these parameters (defaults left out), with some of them changed. */
export function inboxHref(params: InboxParams, change: Partial<InboxParams> = {}): string {
  const p = { ...params, ...change };
  const q = new URLSearchParams();
  if (p.view !== 'group') q.set('ansicht', VIEW_SLUGS[p.view]);
  if (p.state) q.set('stufe', p.state);
  for (const [k, v] of Object.entries(p.scope)) q.set(k, v);
  if (p.overdue) q.set('ueberfaellig', 'ja');
  if (p.dueBefore) q.set('faellig-vor', p.dueBefore);
  if (p.sort) q.set('sortierung', SORT_SLUGS[p.sort]);
  if (p.descending) q.set('richtung', 'ab');
  if (p.page > 1) q.set('seite', String(p.page));
  const s = q.toString();
  return s ? `/aufgaben?${s}` : '/aufgaben';
}

/** A return address from a form: only the inbox itself, never another site or page. */
export function safeInboxHref(value: unknown): string {
  const v = one(value);
  return /^\/aufgaben(\?[^\s#]*)?$/.test(v) ? v : '/aufgaben';
}
