/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { CsrfField, ErrorSummary, Layout, type PageContext, TextInput } from '../components.js';
import { NAME_MAX_LENGTH, type SavedView } from '../saved-views.js';

/** The form that saves the inbox's current view, filters and order under a name. */
function SaveViewForm({
  ctx,
  href,
  name = '',
  error,
}: {
  ctx: PageContext;
  href: string;
  name?: string;
  error?: string;
}) {
  return (
    <form method="post" action="/aufgaben/ansichten" class="saved-views__save" novalidate>
      <CsrfField token={ctx.csrfToken} />
      <input type="hidden" name="adresse" value={href} />
      <TextInput
        id="ansicht-name"
        name="name"
        label="Diese Ansicht speichern als"
        hint={`Ansicht, Filter und Sortierung. Höchstens ${NAME_MAX_LENGTH} Zeichen.`}
        value={name}
        error={error}
      />
      <button type="submit" class="kern-btn kern-btn--secondary">
        <span class="kern-label">Ansicht speichern</span>
      </button>
    </form>
  );
}

/** The user's saved views beside the inbox's views: each a link, with a button to delete it. */
export function SavedViews({ ctx, views, here }: { ctx: PageContext; views: SavedView[]; here: string }) {
  return (
    <section aria-labelledby="gespeicherte-ansichten" class="saved-views">
      <h2 class="kern-heading-small" id="gespeicherte-ansichten">
        Gespeicherte Ansichten
      </h2>
      {views.length ? (
        <ul class="saved-views__list">
          {views.map((v) => (
            <li key={v.id} class="saved-views__item">
              <a class="kern-link" href={v.href} aria-current={v.href === here ? 'page' : undefined}>
                {v.name}
              </a>
              <form method="post" action={`/aufgaben/ansichten/${v.id}/loeschen`} class="saved-views__delete">
                <CsrfField token={ctx.csrfToken} />
                <input type="hidden" name="zurueck" value={here} />
                <button type="submit" class="kern-btn kern-btn--tertiary">
                  <span class="kern-label">
                    Löschen<span class="kern-sr-only">: Ansicht „{v.name}“</span>
                  </span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p class="kern-body">Sie haben noch keine Ansicht gespeichert.</p>
      )}
      <SaveViewForm ctx={ctx} href={here} />
    </section>
  );
}

/** A name that could not be saved: the form again, with the error summary. */
export function SaveViewPage({
  ctx,
  href,
  name,
  error,
}: {
  ctx: PageContext;
  href: string;
  name: string;
  error: string;
}) {
  return (
    <Layout title="Ansicht speichern" ctx={ctx} hasErrors>
      <ErrorSummary errors={[{ field: 'ansicht-name', message: error }]} />
      <p class="kern-body">
        <a class="kern-link" href={href}>
          Zurück zu den Aufgaben
        </a>
      </p>
      <h1 class="kern-heading-large">Ansicht speichern</h1>
      <SaveViewForm ctx={ctx} href={href} name={name} error={error} />
    </Layout>
  );
}
