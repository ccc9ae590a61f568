/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { PublicGroup, PublicPresentation, PublishedSession } from '@steckbrief/engine';
import { Layout, type PageContext } from '../components.js';
import { formatDate } from '../format.js';
import type { ConfirmedProject } from '../public-data.js';

/** The overview of a workflow's public groups (its presentation's `public`), one link each. */
export function PublicGroupsPage({ ctx, pages }: { ctx: PageContext; pages: PublicPresentation }) {
  return (
    <Layout title={pages.title} ctx={ctx}>
      <h1 class="kern-heading-large">{pages.title}</h1>
      <p class="kern-body">{pages.intro}</p>
      <ul class="kern-list">
        {pages.groups.map((g) => (
          <li key={g.value}>
            <a class="kern-link" href={`/${pages.path}/${g.value}`}>
              {g.shortName === g.name ? g.name : `${g.shortName}: ${g.name}`}
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

/** One group's page: its next sessions, the profiles confirmed in it and its published minutes. */
export function PublicGroupPage({
  ctx,
  pages,
  group,
  projects,
  sessionDates,
  minutes,
}: {
  ctx: PageContext;
  pages: PublicPresentation;
  group: PublicGroup;
  projects: ConfirmedProject[];
  sessionDates: string[];
  minutes: PublishedSession[];
}) {
  const base = `/${pages.path}/${group.value}`;
  return (
    <Layout title={group.shortName} ctx={ctx}>
      <p class="kern-body">
        <a class="kern-link" href={`/${pages.path}`}>
          {pages.overviewLink}
        </a>
      </p>
      {group.shortName !== group.name ? <span class="kern-preline">{group.shortName}</span> : null}
      <h1 class="kern-heading-large">{group.name}</h1>
      <p class="kern-body">{group.description}</p>
      {group.subAreas?.length ? (
        <>
          <h2 class="kern-heading-medium">Teilbereiche</h2>
          <ul class="kern-list kern-list--bullet">
            {group.subAreas.map((s) => (
              <li key={s}>{s}</li>
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
        {pages.confirmedHeading}
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
        <p class="kern-body">{pages.noneConfirmed}</p>
      )}
      <h2 class="kern-heading-medium">Ergebnisprotokolle</h2>
      {minutes.length ? (
        <ul class="kern-list kern-list--bullet">
          {minutes.map((m) => (
            <li key={m.id}>
              {m.title} (<time dateTime={m.date}>{formatDate(m.date)}</time>):{' '}
              <a class="kern-link" href={`${base}/protokolle/${m.id}.pdf`} download>
                Protokoll vom {formatDate(m.date)} als PDF
              </a>{' '}
              oder{' '}
              <a class="kern-link" href={`${base}/protokolle/${m.id}.md`} download>
                Protokoll vom {formatDate(m.date)} als Text (Markdown)
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="kern-body">{pages.noMinutes}</p>
      )}
    </Layout>
  );
}
