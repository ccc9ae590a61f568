/**
 * Our own styles on top of KERN: header, footer, skip link, timeline. Served from memory at
 * /assets/web/site.css (so a bundled service needs no file next to it). KERN tokens only.
 */
export const SITE_CSS = `
body { margin: 0; display: flex; flex-direction: column; min-height: 100vh; }
.skip-link { position: absolute; left: -10000px; top: 0; padding: 0.5rem 1rem; background: #fff; color: #000; z-index: 10; }
.skip-link:focus { left: 0.5rem; top: 0.5rem; outline: 4px solid var(--kern-color-action-focus-default-contextual, #454B6B); }
.site-header { border-bottom: 1px solid var(--kern-color-layout-border, #cdd0d9); padding: 0.75rem 0; }
.site-header__inner { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; align-items: center; justify-content: space-between; }
.site-header__name { font-size: 1.5rem; font-weight: 700; color: inherit; text-decoration: none; }
.site-header__name:focus-visible { outline: 4px solid var(--kern-color-action-focus-default-contextual, #454B6B); outline-offset: 2px; }
.site-header__list { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; list-style: none; margin: 0; padding: 0; }
.site-header__signout { margin: 0; }
.site-main { flex: 1 0 auto; padding-top: 2rem; padding-bottom: 3rem; }
.site-main:focus { outline: none; }
.site-main > * + * { margin-top: 1rem; }
.site-main section { margin-top: 2.5rem; }
.site-footer { border-top: 1px solid var(--kern-color-layout-border, #cdd0d9); padding: 1.5rem 0; }
.site-footer__list { gap: 1.5rem; }
.kern-stack > .kern-btn { align-self: flex-start; }
.error-summary { margin-bottom: 1.5rem; }
.error-summary:focus { outline: 4px solid var(--kern-color-action-focus-default-contextual, #454B6B); outline-offset: 2px; }
.preserve-lines { white-space: pre-line; }
.timeline { list-style: none; margin: 0; padding: 0 0 0 1.25rem; border-left: 3px solid var(--kern-color-layout-border, #cdd0d9); }
.timeline__item { position: relative; padding: 0 0 1.5rem 0; }
.timeline__item::before { content: ''; position: absolute; left: -1.75rem; top: 0.4rem; width: 0.75rem; height: 0.75rem; border-radius: 50%; background: currentColor; }
.timeline__title { margin: 0; }
.timeline__date { margin: 0.25rem 0; }
.task-list { list-style: none; margin: 0; padding: 0; border-top: 1px solid var(--kern-color-layout-border, #cdd0d9); }
.task-list__item { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; justify-content: space-between; align-items: center; padding: 0.75rem 0; border-bottom: 1px solid var(--kern-color-layout-border, #cdd0d9); }
.check-answers__row { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.check-answers__action { margin: 0; margin-left: auto; }
@media (min-width: 768px) {
  /* KERN gives key and value the whole row; the "Ändern" link takes its place at the end of it. */
  .check-answers__row > .kern-description-list-item__value { flex: 1 1 0; width: auto; }
  .check-answers__action { flex: 0 0 auto; padding-top: 6px; }
}
.date-input { display: flex; flex-wrap: wrap; gap: 1rem; }
.inbox__view-list { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; list-style: none; margin: 0; padding: 0; }
.inbox__views a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.inbox__filter-fields { display: flex; flex-wrap: wrap; gap: 1rem 1.5rem; align-items: flex-end; }
.inbox__filter-buttons { display: flex; flex-wrap: wrap; gap: 1rem 1.5rem; align-items: center; margin-top: 1rem; }
.kern-btn.inbox__action { min-width: max-content; white-space: nowrap; }
.saved-views { margin: 1.5rem 0; }
.saved-views__list { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; list-style: none; margin: 0 0 1rem; padding: 0; }
.saved-views__item { display: flex; align-items: center; gap: 0.5rem; }
.saved-views__item a[aria-current="page"] { font-weight: 700; }
.saved-views__delete { margin: 0 0 0 0.75rem; }
.saved-views__save { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; }
.note-form { margin-bottom: 2rem; }
.task-layout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 2rem; }
.task-form + .task-form { margin-top: 3rem; }
@media (min-width: 960px) {
  .task-layout { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
}
.session-agenda__actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.session-calendar td { vertical-align: top; min-width: 5.5rem; }
.session-calendar__sessions { margin: 0.25rem 0 0; padding: 0; list-style: none; }
.session-calendar__nav { gap: 1.5rem; }
.session-decision + .session-decision { margin-top: 2rem; border-top: 1px solid var(--kern-color-layout-border, #cdd0d9); padding-top: 1rem; }
.session-decision__details { margin-left: 1.5rem; }
.session-preselect { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; margin-bottom: 1.5rem; }
.chart { margin: 0; }
.chart svg { max-width: 100%; height: auto; }
.chart-legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }
.chart-swatch { vertical-align: middle; }
@media (forced-colors: active) { .chart svg rect, .chart-swatch rect { forced-color-adjust: none; } }
@media (max-width: 480px) {
  .site-header__inner { flex-direction: column; align-items: flex-start; }
}
`;
