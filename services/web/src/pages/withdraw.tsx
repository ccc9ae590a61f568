/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { ProfileView } from '@steckbrief/engine';
import {
  CsrfField,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Layout,
  type PageContext,
  SubmitButton,
} from '../components.js';

/** Withdrawing is final: it asks for confirmation on a page of its own (GOV.UK). */
export function WithdrawPage({
  ctx,
  profile,
  title,
  reason = '',
  error,
}: {
  ctx: PageContext;
  profile: ProfileView;
  title: string;
  reason?: string;
  error?: string;
}) {
  const errors: FieldError[] = error ? [{ field: 'reason', message: error }] : [];
  return (
    <Layout title="Steckbrief zurückziehen" ctx={ctx} hasErrors={errors.length > 0}>
      <p class="kern-body">
        <a class="kern-link" href={`/profile/${profile.id}`}>
          Zurück zum Steckbrief
        </a>
      </p>
      <ErrorSummary errors={errors} />
      <span class="kern-preline">{title}</span>
      <h1 class="kern-heading-large">Wollen Sie den Steckbrief wirklich zurückziehen?</h1>
      <p class="kern-body">
        Das Verfahren für diesen Steckbrief endet dann. Sie können das nicht rückgängig machen; für das Projekt müssten
        Sie einen neuen Steckbrief einreichen.
      </p>
      <form method="post" action={`/profile/${profile.id}/zurueckziehen`} novalidate class="kern-stack">
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="version" value={String(profile.version)} />
        <div class={`kern-form-input${error ? ' kern-form-input--error' : ''}`}>
          <label class="kern-label" for="reason">
            Grund<span class="kern-label__optional"> (optional)</span>
          </label>
          <ErrorMessage id="reason" error={error} />
          <textarea
            class={`kern-form-input__input${error ? ' kern-form-input__input--error' : ''}`}
            id="reason"
            name="reason"
            rows={4}
            aria-describedby={error ? 'reason-fehler' : undefined}
            aria-invalid={error ? true : undefined}
          >
            {reason}
          </textarea>
        </div>
        <SubmitButton>Steckbrief zurückziehen</SubmitButton>
      </form>
    </Layout>
  );
}
