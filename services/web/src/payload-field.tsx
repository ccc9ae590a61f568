/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { ErrorMessage } from './components.js';
import type { PayloadField } from './task-forms.js';

/**
 * One field of an event's payload as a KERN input (radios, checkboxes, select, textarea or text),
 * labelled from the workflow definition, with its hint and error wired to `aria-describedby`.
 */
export function PayloadFieldInput({
  id,
  name,
  field,
  value,
  error,
  hint,
  rows,
}: {
  id: string;
  /** The form field's name (the payload field's own name, or one qualified by an agenda item). */
  name: string;
  field: PayloadField;
  value: string | string[];
  error?: string | undefined;
  hint?: string | undefined;
  /** Lines of a text area. */
  rows: number;
}) {
  const described =
    [hint ? `${id}-hinweis` : null, error ? `${id}-fehler` : null].filter(Boolean).join(' ') || undefined;
  const label = (
    <>
      {field.label}
      {field.optional ? <span class="kern-label__optional"> (optional)</span> : null}
    </>
  );
  const hintEl = hint ? (
    <div class="kern-hint" id={`${id}-hinweis`}>
      {hint}
    </div>
  ) : null;
  if (field.kind === 'radios' || field.kind === 'checkboxes') {
    const type = field.kind === 'radios' ? 'radio' : 'checkbox';
    const chosen = Array.isArray(value) ? value : [value];
    return (
      <fieldset class={`kern-fieldset${error ? ' kern-fieldset--error' : ''}`} aria-describedby={described}>
        <legend class="kern-label">{label}</legend>
        {hintEl}
        <ErrorMessage id={id} error={error} />
        <div class="kern-fieldset__body">
          {field.options.map(([v, l], i) => (
            <div class="kern-form-check" key={v}>
              <input
                class={`kern-form-check__${type}${error ? ` kern-form-check__${type}--error` : ''}`}
                type={type}
                id={i === 0 ? id : `${id}-${v}`}
                name={name}
                value={v}
                checked={chosen.includes(v)}
              />
              <label class="kern-label" for={i === 0 ? id : `${id}-${v}`}>
                {l}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    );
  }
  const text = Array.isArray(value) ? (value[0] ?? '') : value;
  const inputClass = `kern-form-input__input${error ? ' kern-form-input__input--error' : ''}`;
  return (
    <div class={`kern-form-input${error ? ' kern-form-input--error' : ''}`}>
      <label class="kern-label" for={id}>
        {label}
      </label>
      {hintEl}
      <ErrorMessage id={id} error={error} />
      {field.kind === 'select' ? (
        <div class="kern-form-input__select-wrapper">
          <select
            class={`kern-form-input__select${error ? ' kern-form-input__select--error' : ''}`}
            id={id}
            name={name}
            aria-describedby={described}
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
      ) : field.kind === 'textarea' || field.kind === 'json' ? (
        <textarea
          class={inputClass}
          rows={rows}
          id={id}
          name={name}
          aria-describedby={described}
          aria-invalid={error ? true : undefined}
        >
          {text}
        </textarea>
      ) : (
        <input
          class={`${inputClass}${field.kind === 'integer' || field.kind === 'number' ? ' kern-form-input__input--width-4' : ''}`}
          type="text"
          inputMode={field.kind === 'integer' ? 'numeric' : field.kind === 'number' ? 'decimal' : undefined}
          id={id}
          name={name}
          value={text}
          aria-describedby={described}
          aria-invalid={error ? true : undefined}
        />
      )}
    </div>
  );
}
