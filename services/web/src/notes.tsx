/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { addNote, getProfile, NOTE_MAX_LENGTH, ValidationFailed } from '@steckbrief/engine';
import type { Router } from 'express';
import { CsrfField, ErrorMessage, ErrorSummary, Layout, type PageContext } from './components.js';
import { UUID, type Web } from './web.js';

/** Where the note form returns to: the task page or the profile page it was sent from, nothing else. */
const RETURN_TO = /^\/(aufgaben\/[0-9a-f-]{36}(\?[^\s#]*)?|profile\/[0-9a-f-]{36})$/i;

export function noteReturnAddress(value: unknown, profileId: string): string {
  return typeof value === 'string' && RETURN_TO.test(value) ? value : `/profile/${profileId}`;
}

/**
 * The form for an internal note: on the task page and the reviewer's profile page. Only reviewers get
 * it; the text is kept in the profile's history and never shown to the applicant.
 */
export function NoteForm({
  ctx,
  profileId,
  returnTo,
  value = '',
  error,
}: {
  ctx: PageContext;
  profileId: string;
  returnTo: string;
  value?: string;
  error?: string;
}) {
  return (
    <form method="post" action={`/profile/${profileId}/notizen`} class="kern-stack note-form" novalidate>
      <CsrfField token={ctx.csrfToken} />
      <input type="hidden" name="zurueck" value={returnTo} />
      <div class={`kern-form-input${error ? ' kern-form-input--error' : ''}`}>
        <label class="kern-label" for="notiz-text">
          Interne Notiz
        </label>
        <div class="kern-hint" id="notiz-text-hinweis">
          Nur für die prüfenden Stellen sichtbar, nie für den Projektträger. Höchstens {NOTE_MAX_LENGTH} Zeichen.
        </div>
        <ErrorMessage id="notiz-text" error={error} />
        <textarea
          class={`kern-form-input__input${error ? ' kern-form-input__input--error' : ''}`}
          rows={4}
          id="notiz-text"
          name="text"
          aria-describedby={error ? 'notiz-text-hinweis notiz-text-fehler' : 'notiz-text-hinweis'}
          aria-invalid={error ? true : undefined}
        >
          {value}
        </textarea>
      </div>
      <button type="submit" class="kern-btn kern-btn--secondary">
        <span class="kern-label">Notiz speichern</span>
      </button>
    </form>
  );
}

/** A note that could not be saved: the form again, with the error summary above the heading. */
function NotePage({
  ctx,
  profileId,
  title,
  returnTo,
  value,
  error,
}: {
  ctx: PageContext;
  profileId: string;
  title: string;
  returnTo: string;
  value: string;
  error: string;
}) {
  return (
    <Layout title="Interne Notiz" ctx={ctx} hasErrors>
      <ErrorSummary errors={[{ field: 'notiz-text', message: error }]} />
      <p class="kern-body">
        <a class="kern-link" href={returnTo}>
          Zurück
        </a>
      </p>
      <span class="kern-preline">{title}</span>
      <h1 class="kern-heading-large">Interne Notiz</h1>
      <NoteForm ctx={ctx} profileId={profileId} returnTo={returnTo} value={value} error={error} />
    </Layout>
  );
}

/** POST /profile/<id>/notizen: an internal note; back to the page it was written on, at the timeline. */
export function noteRoutes(pages: Router, web: Web): void {
  const { engine, send, ctxOf, requireUser } = web;

  pages.post('/profile/:id/notizen', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    const profileId = UUID.test(req.params.id) ? req.params.id : '';
    const body = req.body as Record<string, unknown>;
    const returnTo = noteReturnAddress(body.zurueck, profileId);
    const text = typeof body.text === 'string' ? body.text.slice(0, NOTE_MAX_LENGTH * 2) : '';
    try {
      // Not found, or not a reviewer of this profile: the error handler's 404 page.
      await addNote(engine, actor, profileId, text);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const profile = await getProfile(engine, actor, profileId);
      const title =
        typeof profile.data.title === 'string' && profile.data.title ? profile.data.title : 'Steckbrief ohne Titel';
      const error = text.trim()
        ? `Die Notiz darf höchstens ${NOTE_MAX_LENGTH} Zeichen lang sein`
        : 'Geben Sie den Text der Notiz ein';
      return send(
        res,
        <NotePage
          ctx={ctxOf(res)}
          profileId={profileId}
          title={title}
          returnTo={returnTo}
          value={text}
          error={error}
        />,
        422,
      );
    }
    const [path, query = ''] = returnTo.split('?');
    const params = new URLSearchParams(query);
    params.set('notiz', 'gespeichert');
    res.redirect(303, `${path}?${params}#verlauf`);
  });
}
