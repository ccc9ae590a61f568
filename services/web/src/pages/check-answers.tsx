/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { ProfileView } from '@steckbrief/engine';
import { CsrfField, ErrorSummary, type FieldError, Layout, type PageContext, SubmitButton } from '../components.js';
import { formatDate } from '../format.js';
import { fieldSpecOf, valueAt, type WorkflowPresentation } from '../presentation.js';
import { RevisionNotice, type RevisionRequest, RevisionTag } from '../revision.js';
import { fieldId } from '../sections.js';
import { FieldValue } from './profile.js';

/** GOV.UK "check your answers": every answer with an "Ändern" link, then the button that names the action. */
export function CheckAnswersPage({
  ctx,
  profile,
  presentation,
  submit,
  errors = [],
  revision = null,
}: {
  ctx: PageContext;
  profile: ProfileView;
  presentation: WorkflowPresentation;
  /** The submission the engine allows now, with its button text; null: none. */
  submit: { event: string; button: string } | null;
  errors?: FieldError[];
  /** In revision: why, and which sections it concerns. */
  revision?: RevisionRequest | null;
}) {
  return (
    <Layout title="Angaben prüfen" ctx={ctx} hasErrors={errors.length > 0}>
      <p class="kern-body">
        <a class="kern-link" href={`/profile/${profile.id}/abschnitte`}>
          Zurück zur Übersicht
        </a>
      </p>
      <ErrorSummary errors={errors} />
      <h1 class="kern-heading-large">Prüfen Sie Ihre Angaben</h1>
      {revision ? <RevisionNotice request={revision} presentation={presentation} /> : null}
      {presentation.sections.map((section) => (
        <section aria-labelledby={`pruefen-${section.id}`} key={section.id}>
          <h2 class="kern-heading-medium" id={`pruefen-${section.id}`}>
            {section.title}
            {revision?.sections.includes(section.id) ? (
              <>
                {' '}
                <RevisionTag />
              </>
            ) : null}
          </h2>
          <dl class="kern-description-list">
            {section.fields.map((field) => {
              const spec = fieldSpecOf(presentation.fields, field.path);
              return (
                <div class="kern-description-list-item check-answers__row" key={field.path}>
                  <dt class="kern-description-list-item__key">{spec.label}</dt>
                  <dd class="kern-description-list-item__value">
                    <FieldValue spec={spec} value={valueAt(profile.data, field.path)} />
                  </dd>
                  <dd class="check-answers__action">
                    <a class="kern-link" href={`/profile/${profile.id}/abschnitt/${section.id}#${fieldId(field.path)}`}>
                      Ändern<span class="kern-sr-only"> {spec.label}</span>
                    </a>
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
      {submit ? (
        <section aria-labelledby="einreichen">
          <h2 class="kern-heading-medium" id="einreichen">
            Jetzt einreichen
          </h2>
          <p class="kern-body">{presentation.submitNotice}</p>
          <form method="post" action={`/profile/${profile.id}/einreichen`}>
            <CsrfField token={ctx.csrfToken} />
            <input type="hidden" name="version" value={String(profile.version)} />
            <input type="hidden" name="event" value={submit.event} />
            <SubmitButton>{submit.button}</SubmitButton>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

/** After a submission: what happened, what happens next and by when. */
export function SubmittedPage({
  ctx,
  profile,
  noun,
  explanation,
}: {
  ctx: PageContext;
  profile: ProfileView;
  /** What the profile is called (the workflow's presentation). */
  noun: string;
  explanation: string | undefined;
}) {
  const due = profile.tasks.find((t) => t.dueAt)?.dueAt;
  return (
    <Layout title={`${noun} eingereicht`} ctx={ctx}>
      <div class="kern-alert kern-alert--success">
        <div class="kern-alert__header">
          <h1 class="kern-title">{noun} eingereicht</h1>
        </div>
        <div class="kern-alert__body">
          <p class="kern-body">Status: {profile.stateLabel.de}</p>
        </div>
      </div>
      <h2 class="kern-heading-medium">Wie es weitergeht</h2>
      {explanation ? <p class="kern-body">{explanation}</p> : null}
      {due ? <p class="kern-body">Das soll bis zum {formatDate(due)} geschehen.</p> : null}
      <p class="kern-body">Wir schicken Ihnen eine E-Mail, sobald sich der Status ändert.</p>
      <p class="kern-body">
        <a class="kern-link" href={`/profile/${profile.id}`}>
          Zum {noun}
        </a>
      </p>
    </Layout>
  );
}
