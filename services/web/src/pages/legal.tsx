/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { Layout, type PageContext } from '../components.js';

/** Who runs this installation: named on the legal pages and the accessibility statement. */
export interface Operator {
  name: string;
  address: string[];
  email: string;
  /** Where people report accessibility barriers (Brandenburg's BbgBGG requires a feedback contact). */
  accessibilityEmail: string;
}

export const DEMO_OPERATOR: Operator = {
  name: 'Betreiber dieser Installation',
  address: ['Anschrift in der Konfiguration angeben'],
  email: 'kontakt@example.org',
  accessibilityEmail: 'barrierefreiheit@example.org',
};

function Address({ operator }: { operator: Operator }) {
  return (
    <address class="kern-body">
      {operator.name}
      {operator.address.map((line) => [<br key={`br-${line}`} />, line])}
      <br />
      E-Mail:{' '}
      <a class="kern-link" href={`mailto:${operator.email}`}>
        {operator.email}
      </a>
    </address>
  );
}

export function AccessibilityPage({ ctx, operator }: { ctx: PageContext; operator: Operator }) {
  return (
    <Layout title="Erklärung zur Barrierefreiheit" ctx={ctx}>
      <h1 class="kern-heading-large">Erklärung zur Barrierefreiheit</h1>
      <p class="kern-body">
        {operator.name} ist bemüht, Steckbrief im Einklang mit dem Brandenburgischen Behindertengleichstellungsgesetz
        (BbgBGG) und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen.
      </p>
      <h2 class="kern-heading-medium">Stand der Vereinbarkeit mit den Anforderungen</h2>
      <p class="kern-body">
        Die Seiten werden bei jeder Änderung automatisch nach WCAG 2.1 Stufe AA geprüft und mit der Tastatur getestet.
        Eine Prüfung durch Fachleute (BITV-Test) steht noch aus. Die Seiten sind daher teilweise mit den Anforderungen
        vereinbar.
      </p>
      <h2 class="kern-heading-medium">Barrieren melden</h2>
      <p class="kern-body">
        Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Schreiben Sie uns:{' '}
        <a class="kern-link" href={`mailto:${operator.accessibilityEmail}`}>
          {operator.accessibilityEmail}
        </a>
      </p>
      <h2 class="kern-heading-medium">Schlichtungsverfahren</h2>
      <p class="kern-body">
        Wenn Sie auf Ihre Meldung keine zufriedenstellende Antwort erhalten, können Sie sich an die Durchsetzungsstelle
        bei der Landesbeauftragten für die Belange der Menschen mit Behinderungen des Landes Brandenburg wenden.
      </p>
    </Layout>
  );
}

export function PrivacyPage({ ctx, operator }: { ctx: PageContext; operator: Operator }) {
  return (
    <Layout title="Datenschutz" ctx={ctx}>
      <h1 class="kern-heading-large">Datenschutzerklärung</h1>
      <h2 class="kern-heading-medium">Verantwortlich</h2>
      <Address operator={operator} />
      <h2 class="kern-heading-medium">Welche Daten wir verarbeiten</h2>
      <ul class="kern-list kern-list--bullet">
        <li>Ihre E-Mail-Adresse und Ihren Namen, um Sie anzumelden und über Ihre Projektsteckbriefe zu informieren.</li>
        <li>Die Angaben in Ihren Projektsteckbriefen, um sie im Verfahren der Strukturentwicklung zu bearbeiten.</li>
        <li>
          Ein Sitzungs-Cookie, solange Sie angemeldet sind. Es ist technisch notwendig und enthält nur eine zufällige
          Kennung. Wir setzen keine Cookies zur Analyse oder Werbung ein und laden keine Inhalte von anderen Servern.
        </li>
      </ul>
      <h2 class="kern-heading-medium">Ihre Rechte</h2>
      <p class="kern-body">
        Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung Ihrer Daten sowie
        ein Beschwerderecht bei der Landesbeauftragten für den Datenschutz und für das Recht auf Akteneinsicht
        Brandenburg.
      </p>
    </Layout>
  );
}

export function ImprintPage({ ctx, operator }: { ctx: PageContext; operator: Operator }) {
  return (
    <Layout title="Impressum" ctx={ctx}>
      <h1 class="kern-heading-large">Impressum</h1>
      <h2 class="kern-heading-medium">Anbieter</h2>
      <Address operator={operator} />
    </Layout>
  );
}
