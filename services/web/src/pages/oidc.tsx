/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { Layout, type PageContext } from '../components.js';
import type { OidcRefusal } from '../oidc.js';

const TEXTS: Record<OidcRefusal | 'unavailable', { title: string; lines: string[] }> = {
  unknown: {
    title: 'Für dieses Dienstkonto gibt es keinen Zugang zu Steckbrief',
    lines: [
      'Sie haben sich beim Anmeldeportal angemeldet, aber Steckbrief kennt kein Benutzerkonto mit Ihrer E-Mail-Adresse. Ein Konto wird bei der Anmeldung nicht angelegt.',
      'Wenden Sie sich an die Stelle, die Ihnen Aufgaben in Steckbrief zuweist (oder an den im Impressum genannten Betreiber), damit sie Ihnen einen Zugang einrichtet. Nennen Sie dabei die E-Mail-Adresse Ihres Dienstkontos.',
    ],
  },
  unverified: {
    title: 'Ihre E-Mail-Adresse ist beim Anmeldeportal nicht bestätigt',
    lines: [
      'Steckbrief ordnet ein Dienstkonto bei der ersten Anmeldung über die E-Mail-Adresse zu. Das Anmeldeportal hat diese Adresse nicht als bestätigt gemeldet, deshalb wurden Sie nicht angemeldet.',
      'Bestätigen Sie Ihre E-Mail-Adresse beim Anmeldeportal oder melden Sie sich mit einem Code per E-Mail an.',
    ],
  },
  state: {
    title: 'Die Anmeldung ist abgelaufen',
    lines: [
      'Diese Rückmeldung des Anmeldeportals gehört zu keiner Anmeldung, die in diesem Browser begonnen wurde, oder sie wurde schon verwendet. Eine Anmeldung muss innerhalb von 10 Minuten abgeschlossen werden.',
      'Beginnen Sie die Anmeldung bitte neu.',
    ],
  },
  provider: {
    title: 'Die Anmeldung über das Anmeldeportal ist fehlgeschlagen',
    lines: [
      'Das Anmeldeportal hat die Anmeldung abgebrochen oder eine Antwort geschickt, die Steckbrief nicht prüfen konnte. Sie wurden nicht angemeldet.',
      'Versuchen Sie es noch einmal oder melden Sie sich mit einem Code per E-Mail an.',
    ],
  },
  unavailable: {
    title: 'Das Anmeldeportal ist gerade nicht erreichbar',
    lines: [
      'Steckbrief konnte das Anmeldeportal nicht erreichen. Versuchen Sie es in einigen Minuten noch einmal oder melden Sie sich mit einem Code per E-Mail an.',
    ],
  },
};

/** Why a sign-in through the provider did not sign anyone in, in plain German, with a way on. */
export function OidcRefusedPage({ ctx, reason }: { ctx: PageContext; reason: OidcRefusal | 'unavailable' }) {
  const text = TEXTS[reason];
  return (
    <Layout title={text.title} ctx={ctx}>
      <h1 class="kern-heading-large">{text.title}</h1>
      {text.lines.map((line) => (
        <p class="kern-body" key={line}>
          {line}
        </p>
      ))}
      <p class="kern-body">
        <a class="kern-link" href="/anmelden">
          Zur Anmeldung
        </a>
      </p>
    </Layout>
  );
}
