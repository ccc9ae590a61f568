/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { Layout, type PageContext, StatusTag } from '../components.js';
import type { WorkflowPresentation } from '../presentation.js';
import { RevisionNotice, type RevisionRequest, RevisionTag } from '../revision.js';

export type SectionStatus = 'done' | 'started' | 'not_started' | 'unavailable';

const STATUS: Record<SectionStatus, { label: string; tone: 'success' | 'info' | 'warning' }> = {
  done: { label: 'Erledigt', tone: 'success' },
  started: { label: 'In Bearbeitung', tone: 'warning' },
  not_started: { label: 'Noch nicht begonnen', tone: 'info' },
  unavailable: { label: 'Kann noch nicht begonnen werden', tone: 'info' },
};

export interface TaskRow {
  id: string;
  title: string;
  status: SectionStatus;
  href: string | null;
}

/** GOV.UK task list: each section with its status, shown at the start of each visit. */
export function TaskListPage({
  ctx,
  profileId,
  title,
  rows,
  revision = null,
  presentation,
}: {
  ctx: PageContext;
  profileId: string;
  title: string;
  rows: TaskRow[];
  /** In revision: why, and which sections get the tag "Überarbeitung erbeten". */
  revision?: RevisionRequest | null;
  presentation: WorkflowPresentation;
}) {
  const done = rows.filter((r) => r.status === 'done').length;
  return (
    <Layout title="Steckbrief bearbeiten" ctx={ctx}>
      <p class="kern-body">
        <a class="kern-link" href={`/profile/${profileId}`}>
          Zum Steckbrief
        </a>
      </p>
      <span class="kern-preline">{title}</span>
      <h1 class="kern-heading-large">Steckbrief bearbeiten</h1>
      {revision ? <RevisionNotice request={revision} presentation={presentation} /> : null}
      <p class="kern-body">
        Sie haben {done} von {rows.length} Abschnitten erledigt. Ihre Angaben werden bei jedem „Weiter“ gespeichert.
      </p>
      <ul class="task-list">
        {rows.map((r) => (
          <li class="task-list__item" key={r.id}>
            <span class="task-list__name" id={`abschnitt-${r.id}`}>
              {r.href ? (
                <a class="kern-link" href={r.href} aria-describedby={`abschnitt-${r.id}-status`}>
                  {r.title}
                </a>
              ) : (
                r.title
              )}
            </span>
            <span id={`abschnitt-${r.id}-status`}>
              {revision?.sections.includes(r.id) ? (
                <>
                  <RevisionTag />{' '}
                </>
              ) : null}
              <StatusTag label={STATUS[r.status].label} tone={STATUS[r.status].tone} />
            </span>
          </li>
        ))}
      </ul>
      <p class="kern-body">
        <a class="kern-link" href={`/profile/${profileId}/pruefen`}>
          Angaben prüfen und einreichen
        </a>
      </p>
    </Layout>
  );
}
