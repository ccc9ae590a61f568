/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { INBOX_DONE_COUNT_LIMIT, INBOX_VIEWS, type InboxRow, type InboxSort, type InboxView } from '@steckbrief/engine';
import { CsrfField, Layout, type PageContext } from '../components.js';
import { formatDate } from '../format.js';
import { type Html, html, innerHtml } from '../html.js';
import { type InboxParams, inboxHref, SORT_SLUGS, VIEW_LABELS, VIEW_SLUGS } from '../inbox-query.js';
import type { SavedView } from '../saved-views.js';
import { SavedViews } from './saved-views.js';

export interface FilterChoice {
  name: string;
  label: string;
  /** value → label; empty: a free text field. */
  options: Array<[string, string]>;
}

export interface InboxNotice {
  tone: 'success' | 'warning' | 'info';
  text: string;
}

export const PAGE_SIZE = 25;

/** A view's number; done tasks are counted only up to a limit (`INBOX_DONE_COUNT_LIMIT`). */
const countText = (n: number) => (n >= INBOX_DONE_COUNT_LIMIT ? `${INBOX_DONE_COUNT_LIMIT}+` : String(n));

/** A sortable column's header: its link sorts by it, or reverses the order it is sorted by; `aria-sort` says which. */
function sortHeader(params: InboxParams, sort: InboxSort, label: string): Html {
  const current = (params.sort ?? 'due') === sort && !(params.view === 'done' && !params.sort);
  const ariaSort = current ? (params.descending ? 'descending' : 'ascending') : null;
  const href = inboxHref(params, { sort, descending: current ? !params.descending : false, page: 1 });
  return html`<th scope="col" class="kern-table__header"${ariaSort ? html` aria-sort="${ariaSort}"` : null}><a class="kern-link" href="${href}">${label}<span class="kern-sr-only">${current ? `, sortiert ${params.descending ? 'absteigend' : 'aufsteigend'}; umkehren` : ', danach sortieren'}</span>${current ? html`<span aria-hidden="true">${params.descending ? ' ▼' : ' ▲'}</span>` : null}</a></th>`;
}

/**
 * The table's head, the views and the filters are written with the `html` template too (see `inboxRows`):
 * after the rows, rendering them as components was the largest cost left in the page's own code.
 */
function tableHead(params: InboxParams): Html {
  return html`<tr class="kern-table__row">${sortHeader(params, 'title', 'Projekt')}${sortHeader(params, 'sponsor', 'Träger')}${sortHeader(params, 'state', 'Stufe')}<th scope="col" class="kern-table__header">Aufgabe</th>${sortHeader(params, 'due', 'Fällig')}${sortHeader(params, 'claimed', 'In Bearbeitung von')}<th scope="col" class="kern-table__header"><span class="kern-sr-only">Aktion</span></th></tr>`;
}

/** The views with their numbers; the current one is marked for screen readers (`aria-current`). */
function viewLinks(params: InboxParams, counts: Record<InboxView, number>): Html {
  return html`${INBOX_VIEWS.map(
    (view) =>
      html`<li><a class="kern-link" href="${inboxHref(params, { view, page: 1, sort: null, descending: false })}"${view === params.view ? html` aria-current="page"` : null}>${VIEW_LABELS[view]} <span class="inbox__count">(${countText(counts[view])})</span></a></li>`,
  )}`;
}

/**
 * The table's rows, written with the `html` template rather than as components: the inbox is the most
 * requested page, and rendering 25 rows of components cost it more CPU than anything else in the
 * application (docs/benchmarks.md). Each row links to its task page; open tasks that are free or the
 * user's own have a claim or release button that submits the table's one form to its own address.
 */
function inboxRows(ctx: PageContext, rows: InboxRow[], here: string, stageLabel: Map<string, string>): Html {
  const userId = ctx.user?.actor.userId;
  const back = encodeURIComponent(here);
  return html`${rows.map((row) => {
    const title = row.title ?? 'Steckbrief ohne Titel';
    const mine = row.claimedBy !== null && row.claimedBy === userId;
    const action =
      row.status !== 'open' || (row.claimedBy && !mine)
        ? null
        : html`<button type="submit" formaction="/aufgaben/${row.id}/${mine ? 'freigeben' : 'uebernehmen'}" class="kern-btn kern-btn--secondary kern-btn--small inbox__action"><span class="kern-label">${mine ? 'Freigeben' : 'Übernehmen'}<span class="kern-sr-only">: ${title}</span></span></button>`;
    return html`<tr class="kern-table__row"><th scope="row" class="kern-table__cell"><a class="kern-link" href="/aufgaben/${row.id}?zurueck=${back}">${title}</a></th><td class="kern-table__cell">${row.sponsor ?? '–'}</td><td class="kern-table__cell">${stageLabel.get(row.state) ?? row.stateLabel.de}</td><td class="kern-table__cell">${row.label.de}</td><td class="kern-table__cell">${row.dueAt ? html`<time datetime="${row.dueAt}">${formatDate(row.dueAt)}</time>` : '–'}${row.overdue ? html` <span class="kern-badge kern-badge--danger"><span class="kern-label kern-label--small">Überfällig</span></span>` : null}${row.closedAt ? html`<br/>erledigt am <time datetime="${row.closedAt}">${formatDate(row.closedAt)}</time>` : null}</td><td class="kern-table__cell">${row.claimedBy === userId ? 'Ihnen' : (row.claimedByName ?? 'niemandem')}</td><td class="kern-table__cell">${action}</td></tr>`;
  })}`;
}

/** The filter form's fields and buttons (the content of its `<form>`). */
function filterFields(params: InboxParams, filters: FilterChoice[], stages: Array<[string, string]>): Html {
  const select = (id: string, name: string, label: string, options: Array<[string, string]>, value: string) =>
    html`<div class="kern-form-input"><label class="kern-label" for="${id}">${label}</label><div class="kern-form-input__select-wrapper"><select class="kern-form-input__select" id="${id}" name="${name}"><option value=""${value ? null : html` selected`}>Alle</option>${options.map(([v, l]) => html`<option value="${v}"${v === value ? html` selected` : null}>${l}</option>`)}</select></div></div>`;
  const field = (f: FilterChoice) =>
    f.options.length
      ? select(`filter-${f.name}`, f.name, f.label, f.options, params.scope[f.name] ?? '')
      : html`<div class="kern-form-input"><label class="kern-label" for="filter-${f.name}">${f.label}</label><input class="kern-form-input__input" type="text" id="filter-${f.name}" name="${f.name}" value="${params.scope[f.name] ?? ''}"/></div>`;
  const reset = inboxHref({ ...params, state: '', scope: {}, overdue: false, dueBefore: '', page: 1 });
  return html`<h2 class="kern-heading-small" id="filter-titel">Filter</h2>${params.view !== 'group' ? html`<input type="hidden" name="ansicht" value="${VIEW_SLUGS[params.view]}"/>` : null}<div class="inbox__filter-fields">${select('filter-stufe', 'stufe', 'Stufe', stages, params.state)}${filters.map(field)}<div class="kern-form-input"><label class="kern-label" for="filter-faellig-vor">Fällig vor</label><input class="kern-form-input__input" type="date" id="filter-faellig-vor" name="faellig-vor" value="${params.dueBefore}"/></div><div class="kern-form-check inbox__filter-check"><input class="kern-form-check__checkbox" type="checkbox" id="filter-ueberfaellig" name="ueberfaellig" value="ja"${params.overdue ? html` checked` : null}/><label class="kern-label" for="filter-ueberfaellig">Nur überfällige</label></div></div>${params.sort ? html`<input type="hidden" name="sortierung" value="${SORT_SLUGS[params.sort]}"/>` : null}${params.descending ? html`<input type="hidden" name="richtung" value="ab"/>` : null}<div class="inbox__filter-buttons"><button type="submit" class="kern-btn kern-btn--secondary"><span class="kern-label">Filter anwenden</span></button><a class="kern-link" href="${reset}">Filter zurücksetzen</a></div>`;
}

export function InboxPage({
  ctx,
  params,
  rows,
  total,
  counts,
  filters,
  stages,
  notice,
  saved = [],
}: {
  ctx: PageContext;
  /** The user's saved views. */
  saved?: SavedView[];
  params: InboxParams;
  rows: InboxRow[];
  total: number;
  counts: Record<InboxView, number>;
  filters: FilterChoice[];
  stages: Array<[string, string]>;
  notice: InboxNotice | null;
}) {
  const here = inboxHref(params);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const stageLabel = new Map(stages);
  return (
    <Layout title={`Aufgaben: ${VIEW_LABELS[params.view]}`} ctx={ctx}>
      {notice ? (
        <div class={`kern-alert kern-alert--${notice.tone}`} role="status">
          <div class="kern-alert__header">
            <h2 class="kern-title">{notice.tone === 'warning' ? 'Hinweis' : 'Erledigt'}</h2>
          </div>
          <div class="kern-alert__body">
            <p class="kern-body">{notice.text}</p>
          </div>
        </div>
      ) : null}
      <h1 class="kern-heading-large">Aufgaben</h1>
      <nav aria-label="Ansichten" class="inbox__views">
        <ul class="inbox__view-list" {...innerHtml(viewLinks(params, counts))} />
      </nav>
      <SavedViews ctx={ctx} views={saved} here={inboxHref(params, { page: 1 })} />
      <form
        method="get"
        action="/aufgaben"
        class="inbox__filters"
        aria-labelledby="filter-titel"
        {...innerHtml(filterFields(params, filters, stages))}
      />
      {rows.length === 0 ? (
        <p class="kern-body">
          Keine Aufgaben in dieser Ansicht{filters.length || params.state ? ' mit diesen Filtern' : ''}.
        </p>
      ) : (
        // One form for all rows' buttons, each naming its own address (`formaction`): one CSRF field
        // per page instead of one per row. The form has no button of its own; should a browser ever
        // submit it to its `action`, `POST /aufgaben` only leads back to the inbox.
        <form method="post" action="/aufgaben">
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="zurueck" value={here} />
          <div class="kern-table-responsive">
            <table class="kern-table">
              <caption class="kern-title">
                {VIEW_LABELS[params.view]}: {countText(total)} {total === 1 ? 'Aufgabe' : 'Aufgaben'}
                {pages > 1 ? `, Seite ${params.page} von ${pages}` : ''}
              </caption>
              <thead class="kern-table__head" {...innerHtml(tableHead(params))} />
              <tbody class="kern-table__body" {...innerHtml(inboxRows(ctx, rows, here, stageLabel))} />
            </table>
          </div>
        </form>
      )}
      {pages > 1 ? (
        <nav aria-label="Seiten" class="inbox__pages">
          <ul class="inbox__view-list">
            {params.page > 1 ? (
              <li>
                <a class="kern-link" rel="prev" href={inboxHref(params, { page: params.page - 1 })}>
                  Vorherige Seite
                </a>
              </li>
            ) : null}
            <li>
              Seite {params.page} von {pages}
            </li>
            {params.page < pages ? (
              <li>
                <a class="kern-link" rel="next" href={inboxHref(params, { page: params.page + 1 })}>
                  Nächste Seite
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </Layout>
  );
}
