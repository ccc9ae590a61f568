/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { MinutesContent } from '@steckbrief/engine';
import { decisionLines, formatCents, germanDate, sessionKind, totalRows } from '@steckbrief/minutes';
import { CsrfField, DescriptionList, ErrorSummary, Layout, type PageContext } from '../components.js';
import { formatDateTime } from '../format.js';

/** The Ergebnisprotokoll as a web page: the same lines as the Markdown and PDF (from @steckbrief/minutes). */
export function MinutesPage({
  ctx,
  minutes,
  publishedAt,
  canPublish,
  notice,
}: {
  ctx: PageContext;
  minutes: MinutesContent;
  publishedAt: string | null;
  canPublish: boolean;
  notice: string | null;
}) {
  const id = minutes.session.id;
  return (
    <Layout title={`Ergebnisprotokoll: ${minutes.session.title}`} ctx={ctx}>
      {notice ? (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__header">
            <span class="kern-title">{notice}</span>
          </div>
        </div>
      ) : null}
      <a class="kern-link" href={`/sitzungen/${id}`}>
        Zurück zur Sitzung
      </a>
      <h1 class="kern-heading-large">Ergebnisprotokoll: {minutes.session.title}</h1>
      <DescriptionList
        rows={[
          { key: 'Sitzung', value: sessionKind(minutes) },
          { key: 'Datum', value: germanDate(minutes.session.date) },
          { key: 'Beteiligte', value: minutes.participants.map((p) => p.label.de).join(', ') },
          {
            key: 'Veröffentlichung',
            value: publishedAt ? `Veröffentlicht am ${formatDateTime(publishedAt)}` : 'Nicht veröffentlicht',
          },
        ]}
      />
      <ul class="kern-list kern-list--horizontal">
        <li>
          <a class="kern-link" href={`/sitzungen/${id}/protokoll.pdf`} download>
            Als PDF herunterladen
          </a>
        </li>
        <li>
          <a class="kern-link" href={`/sitzungen/${id}/protokoll.md`} download>
            Als Markdown herunterladen
          </a>
        </li>
      </ul>
      <section aria-labelledby="projekte">
        <h2 class="kern-heading-medium" id="projekte">
          Projekte
        </h2>
        {minutes.items.length ? (
          <div class="kern-table-responsive">
            <table class="kern-table" aria-labelledby="projekte">
              <thead class="kern-table__header">
                <tr class="kern-table__row">
                  <th scope="col" class="kern-table__header kern-table__header--numeric">
                    Nr.
                  </th>
                  <th scope="col" class="kern-table__header">
                    Projekt
                  </th>
                  <th scope="col" class="kern-table__header">
                    Projektträger
                  </th>
                  <th scope="col" class="kern-table__header kern-table__header--numeric">
                    Beantragte Förderung
                  </th>
                  <th scope="col" class="kern-table__header">
                    Entscheidung
                  </th>
                </tr>
              </thead>
              <tbody class="kern-table__body">
                {minutes.items.map((item) => (
                  <tr class="kern-table__row" key={item.position}>
                    <td class="kern-table__cell kern-table__cell--numeric">{item.position}</td>
                    <th scope="row" class="kern-table__cell">
                      {item.title ?? '–'}
                    </th>
                    <td class="kern-table__cell">{item.sponsor ?? '–'}</td>
                    <td class="kern-table__cell kern-table__cell--numeric">{formatCents(item.amountCents)}</td>
                    <td class="kern-table__cell">
                      {decisionLines(item).map((line, i) => (
                        <span class="minutes-line" key={`${i}-${line}`}>
                          {i ? <br /> : null}
                          {line}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="kern-body">Die Tagesordnung ist leer.</p>
        )}
      </section>
      <section aria-labelledby="summen">
        <h2 class="kern-heading-medium" id="summen">
          Summen
        </h2>
        <div class="kern-table-responsive">
          <table class="kern-table" aria-labelledby="summen">
            <thead class="kern-table__header">
              <tr class="kern-table__row">
                <th scope="col" class="kern-table__header">
                  Summe
                </th>
                <th scope="col" class="kern-table__header kern-table__header--numeric">
                  Anzahl
                </th>
                <th scope="col" class="kern-table__header kern-table__header--numeric">
                  Fördervolumen
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {totalRows(minutes).map((row) => (
                <tr class="kern-table__row" key={row.label}>
                  <th scope="row" class="kern-table__cell">
                    {row.strong ? <strong>{row.label}</strong> : row.label}
                  </th>
                  <td class="kern-table__cell kern-table__cell--numeric">{row.count}</td>
                  <td class="kern-table__cell kern-table__cell--numeric">{row.amount || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {canPublish && !publishedAt ? (
        <section aria-labelledby="veroeffentlichen">
          <h2 class="kern-heading-medium" id="veroeffentlichen">
            Veröffentlichen
          </h2>
          <p class="kern-body">
            Veröffentlichte Protokolle stehen auf den öffentlichen Seiten, bei Sitzungen einer Gruppe auf der Seite
            dieser Gruppe.
          </p>
          <a class="kern-btn kern-btn--primary" href={`/sitzungen/${id}/protokoll/veroeffentlichen`}>
            <span class="kern-label">Protokoll veröffentlichen</span>
          </a>
        </section>
      ) : null}
    </Layout>
  );
}

/** The confirmation step before the minutes become public. */
export function PublishMinutesPage({
  ctx,
  minutes,
  error,
}: {
  ctx: PageContext;
  minutes: MinutesContent;
  error: string | null;
}) {
  const id = minutes.session.id;
  return (
    <Layout title="Protokoll veröffentlichen" ctx={ctx} hasErrors={Boolean(error)}>
      <ErrorSummary errors={error ? [{ field: 'veroeffentlichen-bestaetigen', message: error }] : []} />
      <a class="kern-link" href={`/sitzungen/${id}/protokoll`}>
        Zurück zum Protokoll
      </a>
      <h1 class="kern-heading-large">Protokoll veröffentlichen?</h1>
      <p class="kern-body">
        Das Ergebnisprotokoll „{minutes.session.title}“ ({sessionKind(minutes)}, {germanDate(minutes.session.date)})
        wird so öffentlich, wie es jetzt lautet: {minutes.totals.decided} von {minutes.totals.projects} Projekten
        entschieden, positiv entschieden {minutes.totals.approvedCount} mit{' '}
        {formatCents(minutes.totals.approvedAmountCents)}.
      </p>
      <p class="kern-body">Jede Person kann es danach lesen und herunterladen.</p>
      <form method="post" action={`/sitzungen/${id}/protokoll/veroeffentlichen`} class="kern-stack">
        <CsrfField token={ctx.csrfToken} />
        <button type="submit" class="kern-btn kern-btn--primary" id="veroeffentlichen-bestaetigen">
          <span class="kern-label">Ja, Protokoll veröffentlichen</span>
        </button>
      </form>
      <p class="kern-body">
        <a class="kern-link" href={`/sitzungen/${id}/protokoll`}>
          Abbrechen
        </a>
      </p>
    </Layout>
  );
}
