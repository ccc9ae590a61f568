/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { PublishedSession } from '@steckbrief/engine';
import type { WerkstattInfo } from '@steckbrief/workflow-lausitz-brandenburg';
import { Layout, type PageContext } from '../components.js';
import { formatDate } from '../format.js';
import type { ConfirmedProject } from '../public-data.js';

export function WerkstaettenPage({ ctx, werkstaetten }: { ctx: PageContext; werkstaetten: readonly WerkstattInfo[] }) {
  return (
    <Layout title="Werkstätten" ctx={ctx}>
      <h1 class="kern-heading-large">Werkstätten</h1>
      <p class="kern-body">
        In fünf thematischen Werkstätten qualifiziert die Wirtschaftsregion Lausitz Projekte für den Strukturwandel.
        Hier sehen Sie je Werkstatt die Projekte, die die IMAG Lausitz bestätigt hat, die nächsten Sitzungstermine und
        die veröffentlichten Ergebnisprotokolle.
      </p>
      <ul class="kern-list">
        {werkstaetten.map((w) => (
          <li key={w.number}>
            <a class="kern-link" href={`/werkstaetten/${w.number}`}>
              Werkstatt {w.number}: {w.name}
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function WerkstattPage({
  ctx,
  werkstatt,
  projects,
  sessionDates,
  minutes,
}: {
  ctx: PageContext;
  werkstatt: WerkstattInfo;
  projects: ConfirmedProject[];
  sessionDates: string[];
  minutes: PublishedSession[];
}) {
  return (
    <Layout title={`Werkstatt ${werkstatt.number}`} ctx={ctx}>
      <p class="kern-body">
        <a class="kern-link" href="/werkstaetten">
          Alle Werkstätten
        </a>
      </p>
      <span class="kern-preline">Werkstatt {werkstatt.number}</span>
      <h1 class="kern-heading-large">{werkstatt.name}</h1>
      <p class="kern-body">{werkstatt.description}</p>
      {werkstatt.subAreas.length ? (
        <>
          <h2 class="kern-heading-medium">Teilbereiche</h2>
          <ul class="kern-list kern-list--bullet">
            {werkstatt.subAreas.map((s) => (
              <li key={s.id}>{s.label}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h2 class="kern-heading-medium">Nächste Sitzungen</h2>
      {sessionDates.length ? (
        <ul class="kern-list kern-list--bullet">
          {sessionDates.map((d) => (
            <li key={d}>
              <time dateTime={d}>{formatDate(d)}</time>
            </li>
          ))}
        </ul>
      ) : (
        <p class="kern-body">Derzeit ist keine Sitzung geplant.</p>
      )}
      <h2 class="kern-heading-medium" id="bestaetigt">
        Von der IMAG bestätigte Projekte
      </h2>
      {projects.length ? (
        <div class="kern-table-responsive">
          <table class="kern-table" aria-labelledby="bestaetigt">
            <thead class="kern-table__header">
              <tr class="kern-table__row">
                <th scope="col" class="kern-table__header">
                  Projekt
                </th>
                <th scope="col" class="kern-table__header">
                  Projektträger
                </th>
                <th scope="col" class="kern-table__header">
                  Ort
                </th>
                <th scope="col" class="kern-table__header">
                  Bestätigt am
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {projects.map((p) => (
                <tr class="kern-table__row" key={`${p.title}-${p.confirmedAt.toISOString()}`}>
                  <td class="kern-table__cell">{p.title}</td>
                  <td class="kern-table__cell">{p.sponsor ?? 'Nicht angegeben'}</td>
                  <td class="kern-table__cell">{p.place ?? 'Nicht angegeben'}</td>
                  <td class="kern-table__cell">{formatDate(p.confirmedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="kern-body">Die IMAG hat für diese Werkstatt noch kein Projekt bestätigt.</p>
      )}
      <h2 class="kern-heading-medium">Ergebnisprotokolle</h2>
      {minutes.length ? (
        <ul class="kern-list kern-list--bullet">
          {minutes.map((m) => (
            <li key={m.id}>
              {m.title} (<time dateTime={m.date}>{formatDate(m.date)}</time>):{' '}
              <a class="kern-link" href={`/werkstaetten/${werkstatt.number}/protokolle/${m.id}.pdf`} download>
                Protokoll vom {formatDate(m.date)} als PDF
              </a>{' '}
              oder{' '}
              <a class="kern-link" href={`/werkstaetten/${werkstatt.number}/protokolle/${m.id}.md`} download>
                Protokoll vom {formatDate(m.date)} als Text (Markdown)
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="kern-body">Für diese Werkstatt ist noch kein Protokoll veröffentlicht.</p>
      )}
    </Layout>
  );
}
