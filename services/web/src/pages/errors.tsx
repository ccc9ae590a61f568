/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { Layout, type PageContext } from '../components.js';

export function NotFoundPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout title="Seite nicht gefunden" ctx={ctx}>
      <h1 class="kern-heading-large">Seite nicht gefunden</h1>
      <p class="kern-body">
        Prüfen Sie die Adresse. Wenn Sie einem Link gefolgt sind, ist die Seite nicht mehr da oder für Sie nicht
        sichtbar.
      </p>
      <p class="kern-body">
        <a class="kern-link" href="/">
          Zur Startseite
        </a>
      </p>
    </Layout>
  );
}

/** A form sent without a valid token (expired session, another site's form): nothing was changed. */
export function FormExpiredPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout title="Formular abgelaufen" ctx={ctx}>
      <h1 class="kern-heading-large">Das Formular ist abgelaufen</h1>
      <p class="kern-body">
        Ihre Eingabe wurde nicht gespeichert, weil das Formular nicht mehr gültig ist. Das passiert zum Beispiel, wenn
        Sie länger nicht aktiv waren. Gehen Sie zurück, laden Sie die Seite neu und senden Sie das Formular noch einmal.
      </p>
    </Layout>
  );
}

export function ServerErrorPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout title="Technischer Fehler" ctx={ctx}>
      <h1 class="kern-heading-large">Es ist ein technischer Fehler aufgetreten</h1>
      <p class="kern-body">Bitte versuchen Sie es später noch einmal. Ihre Angaben sind nicht verloren.</p>
    </Layout>
  );
}
