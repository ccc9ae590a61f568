/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { ProfileSummary } from '@steckbrief/engine';
import {
  CsrfField,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Layout,
  type PageContext,
  StatusTag,
} from '../components.js';
import { formatDate } from '../format.js';
import type { EventForm } from '../task-forms.js';

export interface BulkOutcome {
  profileId: string;
  title: string | null;
  applied: boolean;
  text: string;
}

const titleOf = (t: string | null) => t || 'Steckbrief ohne Titel';

/**
 * Several profiles through one event with one payload (e.g. a batch accepted into one group):
 * a table to pick them, the event's own fields once, one button. Each profile is its own transition.
 */
export function BulkEventPage({
  ctx,
  title,
  stateLabel,
  form,
  profiles,
  selected,
  values,
  errors,
  outcomes,
}: {
  ctx: PageContext;
  title: string;
  stateLabel: string;
  form: EventForm;
  profiles: ProfileSummary[];
  selected: string[];
  values: Record<string, string | string[]>;
  errors: Map<string, string>;
  outcomes: BulkOutcome[];
}) {
  const summary: FieldError[] = [...errors].map(([field, message]) => ({
    field: field === 'auswahl' ? 'auswahl-1' : field ? `sammel-${field}` : 'sammel-senden',
    message,
  }));
  return (
    <Layout title={title} ctx={ctx} hasErrors={errors.size > 0}>
      <ErrorSummary errors={summary} />
      <a class="kern-link" href="/sitzungen">
        Zurück zu den Sitzungen
      </a>
      <h1 class="kern-heading-large">{title}</h1>
      {outcomes.length ? (
        <section aria-labelledby="ergebnis">
          <h2 class="kern-heading-medium" id="ergebnis">
            Ergebnis je Steckbrief
          </h2>
          <ul class="kern-list">
            {outcomes.map((o) => (
              <li key={o.profileId}>
                <StatusTag
                  label={o.applied ? 'Gespeichert' : 'Nicht gespeichert'}
                  tone={o.applied ? 'success' : 'danger'}
                />{' '}
                „{titleOf(o.title)}“: {o.text}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p class="kern-body">
        Steckbriefe in „{stateLabel}“. Wählen Sie die aus, für die Sie „{form.label}“ mit denselben Angaben senden.
        Jeder wird für sich gespeichert.
      </p>
      {profiles.length ? (
        <form method="post" action="/sitzungen/eingang" class="kern-stack" noValidate>
          <CsrfField token={ctx.csrfToken} />
          <fieldset
            class={`kern-fieldset${errors.has('auswahl') ? ' kern-fieldset--error' : ''}`}
            aria-describedby={errors.has('auswahl') ? 'auswahl-fehler' : undefined}
          >
            <legend class="kern-label">Steckbriefe</legend>
            <ErrorMessage id="auswahl" error={errors.get('auswahl')} />
            <div class="kern-fieldset__body">
              {profiles.map((p, i) => (
                <div class="kern-form-check" key={p.id}>
                  <input
                    class="kern-form-check__checkbox"
                    type="checkbox"
                    id={`auswahl-${i + 1}`}
                    name="auswahl"
                    value={p.id}
                    checked={selected.includes(p.id)}
                  />
                  <label class="kern-label" for={`auswahl-${i + 1}`}>
                    {titleOf(p.title)} <span class="kern-body--small">(angelegt am {formatDate(p.createdAt)})</span>
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          {form.fields.map((field) => {
            const id = `sammel-${field.name}`;
            const error = errors.get(field.name);
            const value = values[field.name];
            const text = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
            return (
              <div class={`kern-form-input${error ? ' kern-form-input--error' : ''}`} key={field.name}>
                <label class="kern-label" for={id}>
                  {field.label}
                </label>
                <ErrorMessage id={id} error={error} />
                {field.options.length ? (
                  <div class="kern-form-input__select-wrapper">
                    <select
                      class={`kern-form-input__select${error ? ' kern-form-input__select--error' : ''}`}
                      id={id}
                      name={field.name}
                      aria-describedby={error ? `${id}-fehler` : undefined}
                      aria-invalid={error ? true : undefined}
                    >
                      <option value="" selected={!text}>
                        Bitte wählen
                      </option>
                      {field.options.map(([v, l]) => (
                        <option value={v} selected={v === text} key={v}>
                          {l}
                        </option>
                      ))}
                    </select>
                  </div>
                ) : (
                  <input
                    class={`kern-form-input__input${error ? ' kern-form-input__input--error' : ''}`}
                    type="text"
                    id={id}
                    name={field.name}
                    value={text}
                    aria-describedby={error ? `${id}-fehler` : undefined}
                    aria-invalid={error ? true : undefined}
                  />
                )}
              </div>
            );
          })}
          <button type="submit" class="kern-btn kern-btn--primary" id="sammel-senden">
            <span class="kern-label">Ausgewählte: {form.label}</span>
          </button>
        </form>
      ) : (
        <p class="kern-body">Keine Steckbriefe in „{stateLabel}“.</p>
      )}
    </Layout>
  );
}
