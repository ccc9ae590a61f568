/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { CsrfField, Layout, type PageContext, StatusTag, SubmitButton } from '../components.js';
import { formatDate } from '../format.js';
import type { Tone } from '../presentation.js';

export interface MyProfileRow {
  id: string;
  title: string | null;
  stateLabel: string;
  tone: Tone;
  nextStep: string | null;
  dueAt: string | null;
  updatedAt: string;
}

/** A workflow the user may start a profile of: its id, its name and the button's text (from its definition). */
interface Creatable {
  workflow: string;
  label: string;
  button: string;
}

export function MyProfilesPage({ ctx, rows, create }: { ctx: PageContext; rows: MyProfileRow[]; create: Creatable[] }) {
  return (
    <Layout title="Meine Steckbriefe" ctx={ctx}>
      <h1 class="kern-heading-large">Meine Steckbriefe</h1>
      {create.map((c) => (
        <form method="post" action="/steckbrief/neu" key={c.workflow} class="create-profile">
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="workflow" value={c.workflow} />
          {create.length > 1 ? <p class="kern-body">{c.label}</p> : null}
          <SubmitButton secondary>{c.button}</SubmitButton>
        </form>
      ))}
      {rows.length === 0 ? (
        <p class="kern-body">Ihre Organisation hat noch keinen Projektsteckbrief.</p>
      ) : (
        <div class="kern-table-responsive">
          <table class="kern-table">
            <caption class="kern-sr-only">Projektsteckbriefe Ihrer Organisation</caption>
            <thead class="kern-table__header">
              <tr class="kern-table__row">
                <th scope="col" class="kern-table__header">
                  Projekt
                </th>
                <th scope="col" class="kern-table__header">
                  Status
                </th>
                <th scope="col" class="kern-table__header">
                  Nächster Schritt
                </th>
                <th scope="col" class="kern-table__header">
                  Fällig am
                </th>
                <th scope="col" class="kern-table__header">
                  Zuletzt geändert
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {rows.map((r) => (
                <tr class="kern-table__row" key={r.id}>
                  <td class="kern-table__cell">
                    <a class="kern-link" href={`/profile/${r.id}`}>
                      {r.title || 'Steckbrief ohne Titel'}
                    </a>
                  </td>
                  <td class="kern-table__cell">
                    <StatusTag label={r.stateLabel} tone={r.tone} />
                  </td>
                  <td class="kern-table__cell">{r.nextStep ?? 'Keiner'}</td>
                  <td class="kern-table__cell">{r.dueAt ? formatDate(r.dueAt) : 'Keine Frist'}</td>
                  <td class="kern-table__cell">{formatDate(r.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
