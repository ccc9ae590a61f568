/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { HistoryItem, ProfileView } from '@steckbrief/engine';
import { StatusTag } from './components.js';
import type { WorkflowPresentation } from './presentation.js';

/** What a revision request asked for: its reason and the sections it concerns (the task list's ids). */
export interface RevisionRequest {
  reason: string | null;
  sections: string[];
}

/** The tag on a section that a revision request concerns. */
export const REVISION_TAG = 'Überarbeitung erbeten';

/**
 * In the revision state: the reason and sections of the entry that led into it, as the engine showed
 * that entry to this viewer (the workflow decides whether it may read them).
 */
export function revisionRequest(
  presentation: WorkflowPresentation,
  profile: ProfileView,
  history: HistoryItem[],
): RevisionRequest | null {
  if (profile.state !== presentation.revisionState) return null;
  const entry = [...history].reverse().find((h) => h.to === presentation.revisionState && h.from !== h.to);
  const payload = (entry?.payload ?? {}) as { reason?: unknown; sections?: unknown };
  return {
    reason: typeof payload.reason === 'string' ? payload.reason : null,
    sections: Array.isArray(payload.sections) ? payload.sections.filter((s) => typeof s === 'string') : [],
  };
}

/** The title of a task-list section, attachments included. */
export function sectionTitle(presentation: WorkflowPresentation, id: string): string {
  if (id === 'anlagen') return 'Anlagen';
  return presentation.sections.find((s) => s.id === id)?.title ?? id;
}

export function RevisionTag() {
  return <StatusTag label={REVISION_TAG} tone="warning" />;
}

/** The reason of a revision request and the sections it concerns, above the task list or the answers. */
export function RevisionNotice({
  request,
  presentation,
  headingLevel = 2,
}: {
  request: RevisionRequest;
  presentation: WorkflowPresentation;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div class="kern-alert kern-alert--warning revision-notice">
      <div class="kern-alert__header">
        <Heading class="kern-title">Grund der Überarbeitung</Heading>
      </div>
      <div class="kern-alert__body">
        {request.reason ? <p class="kern-body preserve-lines">{request.reason}</p> : null}
        {request.sections.length ? (
          <p class="kern-body">
            Betroffene Abschnitte: {request.sections.map((id) => sectionTitle(presentation, id)).join(', ')}
          </p>
        ) : null}
      </div>
    </div>
  );
}
