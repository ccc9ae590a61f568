/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import {
  CsrfField,
  ErrorSummary,
  type FieldError,
  Layout,
  type PageContext,
  SubmitButton,
  TextInput,
} from '../components.js';

/** Where to go after sign-in, carried through the sign-in forms. */
function NextField({ next }: { next: string | null }) {
  return next ? <input type="hidden" name="weiter" value={next} /> : null;
}

export function SigninEmailPage({
  ctx,
  email = '',
  error,
  next,
  notice,
  oidc = false,
}: {
  ctx: PageContext;
  email?: string;
  error?: string;
  next: string | null;
  notice?: 'signedOut' | 'expired';
  /** OpenID Connect is configured: offer it beside the e-mail code. */
  oidc?: boolean;
}) {
  const errors: FieldError[] = error ? [{ field: 'email', message: error }] : [];
  return (
    <Layout title="Anmelden" ctx={ctx} hasErrors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      {notice ? (
        <div class={`kern-alert ${notice === 'signedOut' ? 'kern-alert--success' : 'kern-alert--info'}`} role="status">
          <div class="kern-alert__header">
            <h2 class="kern-title">
              {notice === 'signedOut'
                ? 'Sie sind abgemeldet.'
                : 'Sie wurden aus Sicherheitsgründen abgemeldet, weil Sie eine Weile nicht aktiv waren.'}
            </h2>
          </div>
        </div>
      ) : null}
      <h1 class="kern-heading-large">Anmelden</h1>
      <p class="kern-body">
        Geben Sie Ihre E-Mail-Adresse ein. Wir schicken Ihnen einen Code und einen Link, mit denen Sie sich anmelden
        können. Code und Link gelten 15 Minuten.
      </p>
      <form method="post" action="/anmelden" novalidate class="kern-stack">
        <CsrfField token={ctx.csrfToken} />
        <NextField next={next} />
        <TextInput
          id="email"
          name="email"
          type="email"
          label="E-Mail-Adresse"
          value={email}
          autocomplete="email"
          error={error}
        />
        <SubmitButton>Code anfordern</SubmitButton>
      </form>
      {oidc ? (
        <section aria-labelledby="dienstkonto" class="kern-stack signin-oidc">
          <h2 class="kern-heading-medium" id="dienstkonto">
            Mit Ihrem Dienstkonto anmelden
          </h2>
          <p class="kern-body">
            Mitarbeiterinnen und Mitarbeiter der Landesverwaltung melden sich über das Anmeldeportal des Landes an. Sie
            brauchen dafür keinen Code.
          </p>
          <p class="kern-body">
            <a
              class="kern-btn kern-btn--secondary"
              href={next ? `/anmelden/oidc?weiter=${encodeURIComponent(next)}` : '/anmelden/oidc'}
            >
              <span class="kern-label">Mit Dienstkonto anmelden</span>
            </a>
          </p>
        </section>
      ) : null}
    </Layout>
  );
}

export function SigninCodePage({
  ctx,
  email,
  error,
  next,
}: {
  ctx: PageContext;
  email: string;
  error?: string;
  next: string | null;
}) {
  const errors: FieldError[] = error ? [{ field: 'code', message: error }] : [];
  return (
    <Layout title="Code eingeben" ctx={ctx} hasErrors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      <h1 class="kern-heading-large">Code eingeben</h1>
      <p class="kern-body">
        Wenn die Adresse <strong>{email}</strong> bei uns registriert ist, haben wir Ihnen eine E-Mail mit einem
        sechsstelligen Code geschickt. Der Code gilt 15 Minuten.
      </p>
      <form method="post" action="/anmelden/code" novalidate class="kern-stack">
        <CsrfField token={ctx.csrfToken} />
        <NextField next={next} />
        <TextInput
          id="code"
          name="code"
          label="Code"
          hint="Der Code besteht aus 6 Ziffern, zum Beispiel 123456."
          inputMode="numeric"
          autocomplete="one-time-code"
          width="short"
          error={error}
        />
        <SubmitButton>Anmelden</SubmitButton>
      </form>
      <p class="kern-body">
        <a class="kern-link" href={next ? `/anmelden?weiter=${encodeURIComponent(next)}` : '/anmelden'}>
          Keine E-Mail erhalten? Neuen Code anfordern
        </a>
      </p>
    </Layout>
  );
}

/**
 * The page a sign-in link opens: it does not sign in by itself (mail scanners open links), only its
 * button does.
 */
export function SigninLinkPage({ ctx, token, usable }: { ctx: PageContext; token: string; usable: boolean }) {
  if (!usable) {
    return (
      <Layout title="Link nicht mehr gültig" ctx={ctx}>
        <h1 class="kern-heading-large">Dieser Anmeldelink gilt nicht mehr</h1>
        <p class="kern-body">
          Der Link ist abgelaufen oder wurde schon verwendet. Jeder Link gilt 15 Minuten und nur einmal.
        </p>
        <p class="kern-body">
          <a class="kern-link" href="/anmelden">
            Neuen Code anfordern
          </a>
        </p>
      </Layout>
    );
  }
  return (
    <Layout title="Anmeldung bestätigen" ctx={ctx}>
      <h1 class="kern-heading-large">Anmeldung bestätigen</h1>
      <p class="kern-body">Melden Sie sich mit dem Link aus Ihrer E-Mail bei Steckbrief an.</p>
      <form method="post" action="/anmelden/link">
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="token" value={token} />
        <SubmitButton>Jetzt anmelden</SubmitButton>
      </form>
    </Layout>
  );
}
