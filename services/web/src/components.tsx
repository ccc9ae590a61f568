/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { Children } from './html.js';
import { IDLE_TIMEOUT_MS, type WebUser } from './sessions.js';

/** How long before the idle timeout the warning opens. */
export const TIMEOUT_WARNING_MS = 5 * 60_000;

/** What every page needs to know about the request: who is signed in and the form token. */
export interface PageContext {
  user: WebUser | null;
  csrfToken: string | null;
  /** The user holds a reviewing role (one that is not only for creating profiles): the nav shows Aufgaben. */
  reviewer?: boolean;
  /** The public pages of the workflows that publish some, for the navigation (from their presentations). */
  publicLinks?: ReadonlyArray<{ href: string; label: string }>;
  /** The user plans or takes part in sessions: the nav shows Sitzungen. */
  sessions?: boolean;
  /** The user may read the budget: the nav shows Haushalt. */
  budget?: boolean;
}

export const PRODUCT = 'Steckbrief';

/** The CSRF field of every form that changes something. */
export function CsrfField({ token }: { token: string | null }) {
  return token ? <input type="hidden" name="_csrf" value={token} /> : null;
}

export function Layout({
  title,
  ctx,
  hasErrors = false,
  children,
}: {
  /** The page's own name; the document title adds the product ("<Seite> – Steckbrief"). */
  title: string;
  ctx: PageContext;
  hasErrors?: boolean;
  children: Children;
}) {
  return (
    <html lang="de">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${hasErrors ? 'Fehler: ' : ''}${title} – ${PRODUCT}`}</title>
        {/* No favicon request (and no 404 for it) until the product has an icon. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/kern/fonts/fira-sans.css" />
        <link rel="stylesheet" href="/assets/kern/kern.min.css" />
        <link rel="stylesheet" href="/assets/web/site.css" />
        {ctx.user ? <script type="module" src="/assets/web/timeout.js" /> : null}
      </head>
      <body>
        <a class="skip-link" href="#inhalt">
          Zum Inhalt springen
        </a>
        <header class="site-header">
          <div class="kern-container site-header__inner">
            <a class="site-header__name" href="/">
              {PRODUCT}
            </a>
            <nav aria-label="Hauptnavigation" class="site-header__nav">
              <ul class="site-header__list">
                {(ctx.publicLinks ?? []).map((link) => (
                  <li key={link.href}>
                    <a class="kern-link" href={link.href}>
                      {link.label}
                    </a>
                  </li>
                ))}
                {ctx.user ? (
                  <>
                    {ctx.reviewer ? (
                      <li>
                        <a class="kern-link" href="/aufgaben">
                          Aufgaben
                        </a>
                      </li>
                    ) : null}
                    {ctx.sessions ? (
                      <li>
                        <a class="kern-link" href="/sitzungen">
                          Sitzungen
                        </a>
                      </li>
                    ) : null}
                    {ctx.budget ? (
                      <li>
                        <a class="kern-link" href="/haushalt">
                          Haushalt
                        </a>
                      </li>
                    ) : null}
                    <li>
                      <a class="kern-link" href="/meine-steckbriefe">
                        Meine Steckbriefe
                      </a>
                    </li>
                    <li class="site-header__user">
                      <span class="kern-sr-only">Angemeldet als </span>
                      {ctx.user.name}
                    </li>
                    <li>
                      <form method="post" action="/abmelden" class="site-header__signout">
                        <CsrfField token={ctx.csrfToken} />
                        <button type="submit" class="kern-btn kern-btn--tertiary kern-btn--x-small">
                          <span class="kern-label">Abmelden</span>
                        </button>
                      </form>
                    </li>
                  </>
                ) : (
                  <li>
                    <a class="kern-link" href="/anmelden">
                      Anmelden
                    </a>
                  </li>
                )}
              </ul>
            </nav>
          </div>
        </header>
        <main id="inhalt" tabIndex={-1} class="kern-container site-main">
          {children}
        </main>
        {ctx.user ? <TimeoutWarning csrfToken={ctx.csrfToken} /> : null}
        <footer class="site-footer">
          <div class="kern-container">
            <nav aria-label="Rechtliches">
              <ul class="kern-list kern-list--horizontal site-footer__list">
                <li>
                  <a class="kern-link" href="/barrierefreiheit">
                    Barrierefreiheit
                  </a>
                </li>
                <li>
                  <a class="kern-link" href="/datenschutz">
                    Datenschutz
                  </a>
                </li>
                <li>
                  <a class="kern-link" href="/impressum">
                    Impressum
                  </a>
                </li>
              </ul>
            </nav>
          </div>
        </footer>
      </body>
    </html>
  );
}

export interface FieldError {
  /** The id of the field the entry links to. */
  field: string;
  /** Where the field is, when it is on another page (default: `#field` on this page). */
  href?: string;
  message: string;
}

/**
 * GOV.UK error summary: at the top of <main>, above the <h1>, each entry linking to its field.
 * `autofocus` moves focus to it without script (the page must render it only when there are errors).
 */
export function ErrorSummary({ errors }: { errors: FieldError[] }) {
  if (!errors.length) return null;
  return (
    <div class="kern-alert kern-alert--danger error-summary" role="alert" tabIndex={-1} autofocus>
      <div class="kern-alert__header">
        <h2 class="kern-title">Es gibt ein Problem</h2>
      </div>
      <div class="kern-alert__body">
        <ul class="kern-list">
          {errors.map((e) => (
            <li key={`${e.field}-${e.message}`}>
              <a class="kern-link" href={e.href ?? `#${e.field}`}>
                {e.message}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** A field's error under its label (`<id>-fehler`, for the field's `aria-describedby`). */
export function ErrorMessage({ id, error }: { id: string; error?: string | undefined }) {
  return error ? (
    <p class="kern-error" id={`${id}-fehler`}>
      <span class="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true" />
      <span class="kern-body">
        <span class="kern-sr-only">Fehler: </span>
        {error}
      </span>
    </p>
  ) : null;
}

export function TextInput({
  id,
  name,
  label,
  hint,
  error,
  type = 'text',
  value,
  autocomplete,
  inputMode,
  width,
}: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  type?: 'text' | 'email';
  value?: string;
  autocomplete?: string;
  inputMode?: 'numeric' | 'email' | 'text';
  width?: 'short';
}) {
  const described = [hint ? `${id}-hinweis` : null, error ? `${id}-fehler` : null].filter(Boolean).join(' ');
  return (
    <div class={`kern-form-input${error ? ' kern-form-input--error' : ''}`}>
      <label class="kern-label" for={id}>
        {label}
      </label>
      {hint ? (
        <div class="kern-hint" id={`${id}-hinweis`}>
          {hint}
        </div>
      ) : null}
      <ErrorMessage id={id} error={error} />
      <input
        type={type as 'text'}
        class={`kern-form-input__input${error ? ' kern-form-input__input--error' : ''}${width === 'short' ? ' kern-form-input__input--width-4' : ''}`}
        id={id}
        name={name}
        value={value ?? ''}
        autocomplete={autocomplete}
        inputMode={inputMode}
        spellcheck={false}
        aria-describedby={described || undefined}
        aria-invalid={error ? true : undefined}
      />
    </div>
  );
}

export function SubmitButton({ children, secondary = false }: { children: Children; secondary?: boolean }) {
  return (
    <button type="submit" class={`kern-btn ${secondary ? 'kern-btn--secondary' : 'kern-btn--primary'}`}>
      <span class="kern-label">{children}</span>
    </button>
  );
}

/** A status tag: the text carries the meaning, the colour only repeats it (WEB.md). */
export function StatusTag({ label, tone }: { label: string; tone: 'info' | 'success' | 'warning' | 'danger' }) {
  return (
    <span class={`kern-badge kern-badge--${tone}`}>
      <span class="kern-label kern-label--small">{label}</span>
    </span>
  );
}

export function DescriptionList({ rows }: { rows: Array<{ key: string; value: Children }> }) {
  return (
    <dl class="kern-description-list">
      {rows.map((r) => (
        <div class="kern-description-list-item" key={r.key}>
          <dt class="kern-description-list-item__key">{r.key}</dt>
          <dd class="kern-description-list-item__value">{r.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The timeout warning's dialog; opened by /assets/web/timeout.js, never shown without script. */
function TimeoutWarning({ csrfToken }: { csrfToken: string | null }) {
  return (
    <dialog
      class="kern-dialog"
      id="zeitueberschreitung"
      aria-labelledby="zeitueberschreitung-titel"
      data-idle-ms={String(IDLE_TIMEOUT_MS)}
      data-warn-ms={String(TIMEOUT_WARNING_MS)}
    >
      <header class="kern-dialog__header">
        <h2 class="kern-title" id="zeitueberschreitung-titel">
          Sie werden bald abgemeldet
        </h2>
      </header>
      <section class="kern-dialog__body">
        <p class="kern-body">
          Sie waren eine Weile nicht aktiv. Aus Sicherheitsgründen melden wir Sie in {TIMEOUT_WARNING_MS / 60_000}{' '}
          Minuten ab. Nicht gespeicherte Eingaben gehen dann verloren.
        </p>
      </section>
      <footer class="kern-dialog__footer">
        <form method="post" action="/sitzung/verlaengern">
          <CsrfField token={csrfToken} />
          <SubmitButton>Angemeldet bleiben</SubmitButton>
        </form>
      </footer>
    </dialog>
  );
}
