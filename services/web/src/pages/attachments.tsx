/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { AttachmentList } from '@steckbrief/engine';
import {
  CsrfField,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Layout,
  type PageContext,
  SubmitButton,
} from '../components.js';
import { formatDateTime } from '../format.js';

const MB = 1024 * 1024;
const formatSize = (bytes: number) =>
  bytes >= MB
    ? `${new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }).format(bytes / MB)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** The Anlagen of a profile: downloads for everyone who may see it; upload and removal for its owner while editable. */
export function AttachmentsPage({
  ctx,
  profileId,
  title,
  list,
  kinds,
  errors = [],
}: {
  ctx: PageContext;
  profileId: string;
  title: string;
  list: AttachmentList;
  kinds: Array<[string, string]>;
  errors?: FieldError[];
}) {
  const fileError = errors.find((e) => e.field === 'datei')?.message;
  const kindError = errors.find((e) => e.field === 'art')?.message;
  return (
    <Layout title="Anlagen" ctx={ctx} hasErrors={errors.length > 0}>
      <p class="kern-body">
        <a class="kern-link" href={list.canChange ? `/profile/${profileId}/abschnitte` : `/profile/${profileId}`}>
          {list.canChange ? 'Zurück zur Übersicht' : 'Zurück zum Steckbrief'}
        </a>
      </p>
      <ErrorSummary errors={errors} />
      <span class="kern-preline">{title}</span>
      <h1 class="kern-heading-large">Anlagen</h1>
      {list.items.length ? (
        <div class="kern-table-responsive">
          <table class="kern-table">
            <caption class="kern-sr-only">Anlagen des Steckbriefs</caption>
            <thead class="kern-table__header">
              <tr class="kern-table__row">
                <th scope="col" class="kern-table__header">
                  Datei
                </th>
                <th scope="col" class="kern-table__header">
                  Art
                </th>
                <th scope="col" class="kern-table__header">
                  Größe
                </th>
                <th scope="col" class="kern-table__header">
                  Hochgeladen
                </th>
                {list.canChange ? (
                  <th scope="col" class="kern-table__header">
                    <span class="kern-sr-only">Aktion</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {list.items.map((a) => (
                <tr class="kern-table__row" key={a.id}>
                  <td class="kern-table__cell">
                    <a class="kern-link" href={`/profile/${profileId}/anlagen/${a.id}`} download>
                      {a.fileName}
                    </a>
                  </td>
                  <td class="kern-table__cell">{a.kindLabel.de}</td>
                  <td class="kern-table__cell">{formatSize(a.size)}</td>
                  <td class="kern-table__cell">{formatDateTime(a.uploadedAt)}</td>
                  {list.canChange ? (
                    <td class="kern-table__cell">
                      <form method="post" action={`/profile/${profileId}/anlagen/${a.id}/entfernen`}>
                        <CsrfField token={ctx.csrfToken} />
                        <button type="submit" class="kern-btn kern-btn--tertiary kern-btn--x-small">
                          <span class="kern-label">
                            Entfernen<span class="kern-sr-only"> {a.fileName}</span>
                          </span>
                        </button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="kern-body">Es gibt noch keine Anlagen.</p>
      )}
      {list.canChange ? (
        <section aria-labelledby="hochladen">
          <h2 class="kern-heading-medium" id="hochladen">
            Anlage hinzufügen
          </h2>
          <form
            method="post"
            action={`/profile/${profileId}/anlagen`}
            enctype="multipart/form-data"
            novalidate
            class="kern-stack"
          >
            {/* First in the body: the server checks it before it reads the file. */}
            <CsrfField token={ctx.csrfToken} />
            <fieldset
              class={`kern-fieldset${kindError ? ' kern-fieldset--error' : ''}`}
              aria-describedby={kindError ? 'art-fehler' : undefined}
            >
              <legend class="kern-label">Art der Anlage</legend>
              <ErrorMessage id="art" error={kindError} />
              <div class="kern-fieldset__body">
                {kinds.map(([value, label], i) => (
                  <div class="kern-form-check" key={value}>
                    <input
                      class="kern-form-check__radio"
                      type="radio"
                      id={i === 0 ? 'art' : `art-${value}`}
                      name="kind"
                      value={value}
                    />
                    <label class="kern-label" for={i === 0 ? 'art' : `art-${value}`}>
                      {label}
                    </label>
                  </div>
                ))}
              </div>
            </fieldset>
            <div class={`kern-form-input${fileError ? ' kern-form-input--error' : ''}`}>
              <label class="kern-label" for="datei">
                Datei
              </label>
              <div class="kern-hint" id="datei-hinweis">
                PDF, Bilder (PNG, JPEG, GIF, TIFF, WebP) oder Office-Dokumente, höchstens{' '}
                {Math.round(list.maxFileBytes / MB)} MB je Datei und {Math.round(list.maxTotalBytes / MB)} MB insgesamt.
                Bisher belegt: {formatSize(list.totalBytes)}.
              </div>
              <ErrorMessage id="datei" error={fileError} />
              <input
                class="kern-form-input__input"
                type="file"
                id="datei"
                name="file"
                aria-describedby={fileError ? 'datei-hinweis datei-fehler' : 'datei-hinweis'}
                aria-invalid={fileError ? true : undefined}
              />
            </div>
            <SubmitButton>Hochladen</SubmitButton>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}
