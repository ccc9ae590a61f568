/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import {
  ATTACHMENT_EVENTS,
  type HistoryItem,
  MIGRATE_EVENT,
  NOTE_EVENT,
  type ProfileView,
  RETENTION_EVENTS,
  type WorkflowDefinition,
} from '@steckbrief/engine';
import { DescriptionList, Layout, type PageContext, StatusTag } from '../components.js';
import { formatDate, formatDateTime, formatEuros, formatNumber } from '../format.js';
import type { Children } from '../html.js';
import { NoteForm } from '../notes.js';
import { type FieldSpec, valueAt, type WorkflowPresentation } from '../presentation.js';
import { RevisionNotice, type RevisionRequest } from '../revision.js';

const NOT_GIVEN = 'Nicht angegeben';

export function FieldValue({ spec, value }: { spec: FieldSpec; value: unknown }): Children {
  if (value === undefined || value === null || value === '') return <span class="kern-body--muted">{NOT_GIVEN}</span>;
  if (spec.values && (typeof value === 'string' || typeof value === 'number'))
    return spec.values[String(value)] ?? String(value);
  switch (spec.format) {
    case 'euros':
      return typeof value === 'number' ? formatEuros(value) : String(value);
    case 'date':
      return typeof value === 'string' ? formatDate(value) : String(value);
    case 'boolean':
      return value === true ? 'Ja' : value === false ? 'Nein' : String(value);
    case 'number':
      return typeof value === 'number' ? formatNumber(value) : String(value);
    case 'longtext':
      return <span class="preserve-lines">{String(value)}</span>;
    default:
      return String(value);
  }
}

/** What a history entry was, in plain German: the workflow's event label, or what the engine recorded. */
export function entryLabel(definition: WorkflowDefinition, item: HistoryItem): string {
  switch (item.event) {
    case 'CREATE':
      return 'Steckbrief angelegt';
    case 'EDIT':
      return 'Angaben geändert';
    case 'DEADLINE':
      return 'Frist geändert';
    case MIGRATE_EVENT: {
      const p = (item.payload ?? {}) as { fromVersion?: unknown; toVersion?: unknown };
      return `Auf eine neue Fassung des Verfahrens umgestellt (Fassung ${String(p.fromVersion)} → ${String(p.toVersion)})`;
    }
    case NOTE_EVENT:
      return 'Interne Notiz (nur für prüfende Stellen sichtbar)';
    case RETENTION_EVENTS.redact:
      return 'Personenbezogene Angaben entfernt';
    case RETENTION_EVENTS.notice:
      return 'Hinweis auf die Löschung des Entwurfs versandt';
    default:
      return (
        definition.events[item.event]?.label.de ??
        ATTACHMENT_EVENTS[item.event as keyof typeof ATTACHMENT_EVENTS]?.de ??
        item.event
      );
  }
}

/** Payload fields worth a line in the timeline, with their German names. */
const SHOWN_PAYLOAD: ReadonlyArray<[string, string]> = [
  ['reason', 'Begründung'],
  ['text', 'Stellungnahme'],
  ['fileName', 'Datei'],
];

/** The texts of an entry as the engine gave them to this viewer (it leaves out what the role may not read). */
function entryTexts(definition: WorkflowDefinition, item: HistoryItem): Array<[string, string]> {
  const payload = (typeof item.payload === 'object' && item.payload !== null ? item.payload : {}) as Record<
    string,
    unknown
  >;
  // The retention job's and erasure's own entries: why data was removed, from when a draft may be deleted.
  if (item.event === RETENTION_EVENTS.redact) {
    const why =
      payload.reason === 'erasure' ? 'Löschung auf Antrag der betroffenen Person' : 'Aufbewahrungsfrist abgelaufen';
    return [['Anlass', why]];
  }
  if (item.event === RETENTION_EVENTS.notice) {
    return typeof payload.deleteAt === 'string' ? [['Löschung ab', formatDateTime(payload.deleteAt)]] : [];
  }
  const out: Array<[string, string]> = [];
  for (const [key, label] of SHOWN_PAYLOAD) {
    const value = payload[key];
    if (typeof value === 'string' && value.trim()) out.push([item.event === NOTE_EVENT ? 'Notiz' : label, value]);
  }
  // The sections a revision request names, with the workflow's labels of its payload field.
  if (Array.isArray(payload.sections) && payload.sections.length) {
    const field = definition.events[item.event]?.fields?.sections;
    const names = payload.sections.map((id) => field?.values?.[String(id)]?.de ?? String(id));
    out.push([field?.label.de ?? 'Abschnitte', names.join(', ')]);
  }
  if (item.comment) out.push(['Anmerkung', item.comment]);
  return out;
}

/**
 * The timeline: what happened, the resulting status, and the reasons and texts the engine shows this
 * viewer (an applicant sees that a reviewing body gave its statement, not what it says: decision 006).
 */
export function Timeline({ definition, history }: { definition: WorkflowDefinition; history: HistoryItem[] }) {
  return (
    <ol class="timeline">
      {[...history].reverse().map((item) => {
        const changed = item.from !== null && item.from !== item.to;
        return (
          <li class="timeline__item" key={item.seq}>
            <h3 class="kern-heading-small timeline__title">{entryLabel(definition, item)}</h3>
            <p class="kern-body kern-body--small timeline__date">
              <time dateTime={item.at}>{formatDateTime(item.at)}</time>
            </p>
            {changed ? <p class="kern-body">Neuer Status: {definition.states[item.to]?.de ?? item.to}</p> : null}
            {entryTexts(definition, item).map(([label, text]) => (
              <p class="kern-body preserve-lines" key={label}>
                {label}: {text}
              </p>
            ))}
          </li>
        );
      })}
    </ol>
  );
}

export function ProfilePage({
  ctx,
  profile,
  definition,
  presentation,
  history,
  editHref,
  withdrawHref,
  revision,
  notes = null,
}: {
  ctx: PageContext;
  /** For a reviewer of this profile: the internal-note form, and whether a note was just saved. */
  notes?: { saved: boolean } | null;
  editHref: string | null;
  withdrawHref: string | null;
  /** Why a revision was asked for and what it concerns, when the profile is in revision. */
  revision: RevisionRequest | null;
  profile: ProfileView;
  definition: WorkflowDefinition;
  presentation: WorkflowPresentation;
  history: HistoryItem[];
}) {
  const title =
    typeof profile.data.title === 'string' && profile.data.title ? profile.data.title : 'Steckbrief ohne Titel';
  const explanation = presentation.stateExplanations[profile.state]?.de;
  return (
    <Layout title={title} ctx={ctx}>
      {notes?.saved ? (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__header">
            <h2 class="kern-title">Gespeichert</h2>
          </div>
          <div class="kern-alert__body">
            <p class="kern-body">Ihre interne Notiz wurde gespeichert.</p>
          </div>
        </div>
      ) : null}
      <p class="kern-body">
        <a class="kern-link" href="/meine-steckbriefe">
          Zurück zu Meine Steckbriefe
        </a>
      </p>
      <span class="kern-preline">Projektsteckbrief</span>
      <h1 class="kern-heading-large">{title}</h1>
      <section aria-labelledby="status" class="kern-stack">
        <h2 class="kern-heading-medium" id="status">
          Status
        </h2>
        <p class="kern-body">
          <StatusTag label={profile.stateLabel.de} tone={presentation.stateTones[profile.state] ?? 'info'} />
        </p>
        {explanation ? <p class="kern-body">{explanation}</p> : null}
        {revision ? <RevisionNotice request={revision} presentation={presentation} headingLevel={3} /> : null}
        {editHref ? (
          <p class="kern-body">
            <a class="kern-link" href={editHref}>
              Steckbrief bearbeiten
            </a>
          </p>
        ) : null}
        {withdrawHref ? (
          <p class="kern-body">
            <a class="kern-link" href={withdrawHref}>
              Steckbrief zurückziehen
            </a>
          </p>
        ) : null}
        {profile.tasks.length ? (
          <>
            <h3 class="kern-heading-small">Nächste Schritte</h3>
            <ul class="kern-list">
              {profile.tasks.map((t) => (
                <li key={t.id}>
                  {t.label.de}
                  {t.dueAt ? `, fällig am ${formatDate(t.dueAt)}` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <section aria-labelledby="angaben">
        <h2 class="kern-heading-medium" id="angaben">
          Angaben
        </h2>
        <DescriptionList
          rows={presentation.fields.map((spec) => ({
            key: spec.label,
            value: <FieldValue spec={spec} value={valueAt(profile.data, spec.path)} />,
          }))}
        />
      </section>
      <p class="kern-body">
        <a class="kern-link" href={`/profile/${profile.id}/anlagen`}>
          Anlagen
        </a>
      </p>
      <section aria-labelledby="verlauf">
        <h2 class="kern-heading-medium" id="verlauf">
          Verlauf
        </h2>
        {notes ? <NoteForm ctx={ctx} profileId={profile.id} returnTo={`/profile/${profile.id}`} /> : null}
        <Timeline definition={definition} history={history} />
      </section>
    </Layout>
  );
}
