/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import {
  CsrfField,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Layout,
  type PageContext,
  SubmitButton,
} from '../components.js';
import type { Children } from '../html.js';
import type { FieldSpec } from '../presentation.js';
import { fieldId, type SectionField, type SectionSpec } from '../sections.js';

export interface FieldView {
  field: SectionField;
  spec: FieldSpec;
  /** Options of a choice: value → German label. */
  options: Array<[string, string]>;
  value: string | [string, string, string];
  error?: string;
}

function Hint({ id, hint }: { id: string; hint?: string }) {
  return hint ? (
    <div class="kern-hint" id={`${id}-hinweis`}>
      {hint}
    </div>
  ) : null;
}

const describedBy = (id: string, hint?: string, error?: string) =>
  [hint ? `${id}-hinweis` : null, error ? `${id}-fehler` : null].filter(Boolean).join(' ') || undefined;

function LabelText({ view }: { view: FieldView }): Children {
  return (
    <>
      {view.spec.label}
      {view.field.optional ? <span class="kern-label__optional"> (optional)</span> : null}
    </>
  );
}

/** A set of related inputs (radios, the three date fields) as a fieldset with a legend. */
function Group({ view, children }: { view: FieldView; children: Children }) {
  const id = fieldId(view.field.path);
  return (
    <fieldset
      class={`kern-fieldset${view.error ? ' kern-fieldset--error' : ''}`}
      aria-describedby={describedBy(id, view.field.hint, view.error)}
    >
      <legend class="kern-label">
        <LabelText view={view} />
      </legend>
      <Hint id={id} hint={view.field.hint} />
      <ErrorMessage id={id} error={view.error} />
      <div class="kern-fieldset__body">{children}</div>
    </fieldset>
  );
}

function Field({ view }: { view: FieldView }) {
  const id = fieldId(view.field.path);
  const { input } = view.field;
  const invalid = view.error ? true : undefined;
  if (input === 'choice' || input === 'yesno') {
    const options: Array<[string, string]> =
      input === 'yesno'
        ? [
            ['ja', 'Ja'],
            ['nein', 'Nein'],
          ]
        : view.options;
    return (
      <Group view={view}>
        {options.map(([value, label], i) => (
          <div class="kern-form-check" key={value}>
            <input
              class={`kern-form-check__radio${view.error ? ' kern-form-check__radio--error' : ''}`}
              type="radio"
              id={i === 0 ? id : `${id}-${value}`}
              name={id}
              value={value}
              checked={view.value === value}
            />
            <label class="kern-label" for={i === 0 ? id : `${id}-${value}`}>
              {label}
            </label>
          </div>
        ))}
      </Group>
    );
  }
  if (input === 'date') {
    const [d, m, y] = Array.isArray(view.value) ? view.value : ['', '', ''];
    const part = (suffix: string, label: string, value: string, width: 2 | 4) => {
      const partId = suffix ? `${id}-${suffix}` : id;
      return (
        <div class="kern-form-input">
          <label class="kern-label" for={partId}>
            {label}
          </label>
          <input
            class={`kern-form-input__input kern-form-input__input--width-${width}${view.error ? ' kern-form-input__input--error' : ''}`}
            id={partId}
            name={partId}
            type="text"
            inputMode="numeric"
            value={value}
            aria-invalid={invalid}
          />
        </div>
      );
    };
    return (
      <Group view={view}>
        <div class="date-input">
          {part('', 'Tag', d, 2)}
          {part('monat', 'Monat', m, 2)}
          {part('jahr', 'Jahr', y, 4)}
        </div>
      </Group>
    );
  }
  const value = typeof view.value === 'string' ? view.value : '';
  const common = {
    id,
    name: id,
    'aria-describedby': describedBy(id, view.field.hint, view.error),
    'aria-invalid': invalid,
  };
  const inputClass = `kern-form-input__input${view.error ? ' kern-form-input__input--error' : ''}`;
  return (
    <div class={`kern-form-input${view.error ? ' kern-form-input--error' : ''}`}>
      <label class="kern-label" for={id}>
        <LabelText view={view} />
      </label>
      <Hint id={id} hint={view.field.hint} />
      <ErrorMessage id={id} error={view.error} />
      {input === 'longtext' ? (
        <textarea class={inputClass} rows={6} {...common}>
          {value}
        </textarea>
      ) : (
        <input
          class={`${inputClass}${input === 'integer' ? ' kern-form-input__input--width-4' : ''}`}
          type={(input === 'email' ? 'email' : input === 'tel' ? 'tel' : 'text') as 'text'}
          inputMode={input === 'integer' || input === 'euros' ? 'numeric' : undefined}
          autocomplete={input === 'email' ? 'email' : input === 'tel' ? 'tel' : undefined}
          value={value}
          {...common}
        />
      )}
    </div>
  );
}

export function SectionPage({
  ctx,
  profileId,
  version,
  section,
  views,
}: {
  ctx: PageContext;
  profileId: string;
  version: number;
  section: SectionSpec;
  views: FieldView[];
}) {
  const errors: FieldError[] = views
    .filter((v) => v.error)
    .map((v) => ({ field: fieldId(v.field.path), message: v.error as string }));
  return (
    <Layout title={section.title} ctx={ctx} hasErrors={errors.length > 0}>
      <p class="kern-body">
        <a class="kern-link" href={`/profile/${profileId}/abschnitte`}>
          Zurück zur Übersicht
        </a>
      </p>
      <ErrorSummary errors={errors} />
      <h1 class="kern-heading-large">{section.title}</h1>
      <form method="post" action={`/profile/${profileId}/abschnitt/${section.id}`} novalidate class="kern-stack">
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="version" value={String(version)} />
        {views.map((v) => (
          <Field view={v} key={v.field.path} />
        ))}
        <SubmitButton>Weiter</SubmitButton>
      </form>
    </Layout>
  );
}

/** Two people edited at once: nothing of this page was saved; show what to do (no lost write). */
export function ConflictPage({
  ctx,
  profileId,
  section,
}: {
  ctx: PageContext;
  profileId: string;
  section: SectionSpec;
}) {
  return (
    <Layout title="Steckbrief wurde inzwischen geändert" ctx={ctx}>
      <h1 class="kern-heading-large">Der Steckbrief wurde inzwischen geändert</h1>
      <p class="kern-body">
        Während Sie diese Seite bearbeitet haben, hat jemand anderes den Steckbrief gespeichert. Ihre Eingaben auf der
        Seite „{section.title}“ wurden deshalb nicht gespeichert, damit keine Änderung verloren geht.
      </p>
      <p class="kern-body">
        <a class="kern-link" href={`/profile/${profileId}/abschnitt/${section.id}`}>
          Seite „{section.title}“ mit dem aktuellen Stand neu öffnen
        </a>
      </p>
    </Layout>
  );
}
