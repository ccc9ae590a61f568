/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { HistoryItem, InboxRow, ProfileView, WorkflowDefinition } from '@steckbrief/engine';
import {
  CsrfField,
  DescriptionList,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Layout,
  type PageContext,
  StatusTag,
} from '../components.js';
import { formatDate, formatDateTime } from '../format.js';
import { NoteForm } from '../notes.js';
import { PayloadFieldInput } from '../payload-field.js';
import { valueAt, type WorkflowPresentation } from '../presentation.js';
import { type EventForm, fieldDomId, type PayloadField } from '../task-forms.js';
import { entryLabel, FieldValue, Timeline } from './profile.js';

export type FormValues = Record<string, string | string[]>;

/** The profile fields shown beside the form: the first ones of the workflow's presentation. */
const SUMMARY_FIELDS = 10;

const titleOf = (profile: ProfileView) =>
  typeof profile.data.title === 'string' && profile.data.title ? profile.data.title : 'Steckbrief ohne Titel';

function whenHint(form: EventForm, field: PayloadField): string | undefined {
  if (!field.when) return undefined;
  const choice = form.fields.find((f) => f.name === field.when?.field);
  const names = field.when.values.map((v) => `„${choice?.options.find(([o]) => o === v)?.[1] ?? v}“`);
  return `Nur bei ${names.join(' oder ')}.`;
}

function Field({
  form,
  field,
  value,
  error,
}: {
  form: EventForm;
  field: PayloadField;
  value: string | string[];
  error?: string;
}) {
  const hint = [field.hint, whenHint(form, field)].filter(Boolean).join(' ') || undefined;
  return (
    <PayloadFieldInput
      id={fieldDomId(form, field.name)}
      name={field.name}
      field={field}
      value={value}
      error={error}
      hint={hint}
      rows={6}
    />
  );
}

export interface ActingState {
  /** The form that was sent, its values as typed and the errors (key '' for the form as a whole). */
  type: string;
  values: FormValues;
  errors: Map<string, string>;
}

function EventFormView({
  ctx,
  form,
  task,
  version,
  returnTo,
  acting,
}: {
  ctx: PageContext;
  form: EventForm;
  task: InboxRow;
  version: number;
  returnTo: string;
  acting: ActingState | null;
}) {
  const mine = acting?.type === form.type ? acting : null;
  const headingId = `${form.type.toLowerCase()}-titel`;
  const formError = mine?.errors.get('');
  return (
    <section aria-labelledby={headingId} class="task-form">
      <h2 class="kern-heading-medium" id={headingId}>
        {form.label}
      </h2>
      <form method="post" action={`/aufgaben/${task.id}`} class="kern-stack" noValidate>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="event" value={form.type} />
        <input type="hidden" name="version" value={String(version)} />
        <input type="hidden" name="zurueck" value={returnTo} />
        {formError ? <ErrorMessage id={`${form.type.toLowerCase()}-formular`} error={formError} /> : null}
        {form.fields.map((field) => (
          <Field
            key={field.name}
            form={form}
            field={field}
            value={mine?.values[field.name] ?? (field.kind === 'checkboxes' ? [] : '')}
            error={mine?.errors.get(field.name)}
          />
        ))}
        <button type="submit" class="kern-btn kern-btn--primary" id={`${form.type.toLowerCase()}-senden`}>
          <span class="kern-label">{form.label}</span>
        </button>
      </form>
    </section>
  );
}

/** The errors of the sent form for the summary, each linking to its field (or to the form's button). */
export function summaryErrors(form: EventForm, errors: Map<string, string>): FieldError[] {
  return [...errors].map(([name, message]) => ({
    field: name ? fieldDomId(form, name) : `${form.type.toLowerCase()}-senden`,
    message,
  }));
}

export function TaskPage({
  ctx,
  task,
  profile,
  definition,
  presentation,
  history,
  forms,
  returnTo,
  acting,
  notice,
  claim,
  assign,
  notes = false,
}: {
  ctx: PageContext;
  /** The viewer reviews this profile and may write internal notes on it. */
  notes?: boolean;
  /** For those who hand tasks to colleagues: the group's members, and an error from the last try. */
  assign: { colleagues: Array<{ userId: string; name: string }>; error?: string } | null;
  task: InboxRow;
  profile: ProfileView;
  definition: WorkflowDefinition;
  presentation: WorkflowPresentation;
  history: HistoryItem[];
  forms: EventForm[];
  returnTo: string;
  acting: ActingState | null;
  notice: string | null;
  /** 'claim' or 'release' when the user may do so here. */
  claim: 'claim' | 'release' | null;
}) {
  const title = titleOf(profile);
  const sent = acting ? forms.find((f) => f.type === acting.type) : undefined;
  const errors = [
    ...(sent && acting ? summaryErrors(sent, acting.errors) : []),
    ...(assign?.error ? [{ field: 'zuweisen-an', message: assign.error }] : []),
  ];
  const claimedByOther = task.claimedBy && task.claimedBy !== ctx.user?.actor.userId;
  return (
    <Layout title={`${task.label.de}: ${title}`} ctx={ctx} hasErrors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      {notice ? (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__header">
            <h2 class="kern-title">Gespeichert</h2>
          </div>
          <div class="kern-alert__body">
            <p class="kern-body">{notice}</p>
          </div>
        </div>
      ) : null}
      <p class="kern-body">
        <a class="kern-link" href={returnTo}>
          Zurück zu den Aufgaben
        </a>
      </p>
      <span class="kern-preline">{task.label.de}</span>
      <h1 class="kern-heading-large">{title}</h1>
      <DescriptionList
        rows={[
          {
            key: 'Status',
            value: <StatusTag label={profile.stateLabel.de} tone={presentation.stateTones[profile.state] ?? 'info'} />,
          },
          {
            key: 'Fällig',
            value: task.dueAt ? (
              <>
                {formatDate(task.dueAt)}
                {task.overdue ? (
                  <>
                    {' '}
                    <StatusTag label="Überfällig" tone="danger" />
                  </>
                ) : null}
              </>
            ) : (
              'ohne Frist'
            ),
          },
          {
            key: 'In Bearbeitung von',
            value: task.claimedBy === ctx.user?.actor.userId ? 'Ihnen' : (task.claimedByName ?? 'niemandem'),
          },
        ]}
      />
      {claim ? (
        <form method="post" action={`/aufgaben/${task.id}/${claim === 'claim' ? 'uebernehmen' : 'freigeben'}`}>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="zurueck" value={returnTo} />
          <button type="submit" class="kern-btn kern-btn--secondary">
            <span class="kern-label">{claim === 'claim' ? 'Aufgabe übernehmen' : 'Aufgabe freigeben'}</span>
          </button>
        </form>
      ) : null}
      {assign && task.status === 'open' ? (
        <form method="post" action={`/aufgaben/${task.id}/zuweisen`} class="kern-stack task-assign">
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="zurueck" value={returnTo} />
          <div class={`kern-form-input${assign.error ? ' kern-form-input--error' : ''}`}>
            <label class="kern-label" for="zuweisen-an">
              Aufgabe zuweisen an
            </label>
            <ErrorMessage id="zuweisen-an" error={assign.error} />
            <div class="kern-form-input__select-wrapper">
              <select
                class={`kern-form-input__select${assign.error ? ' kern-form-input__select--error' : ''}`}
                id="zuweisen-an"
                name="an"
                aria-describedby={assign.error ? 'zuweisen-an-fehler' : undefined}
                aria-invalid={assign.error ? true : undefined}
              >
                <option value="">Bitte wählen</option>
                {assign.colleagues.map((c) => (
                  <option value={c.userId} key={c.userId} selected={c.userId === task.claimedBy}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button type="submit" class="kern-btn kern-btn--secondary">
            <span class="kern-label">Zuweisen</span>
          </button>
        </form>
      ) : null}
      <div class="task-layout">
        <div class="task-layout__forms">
          {task.status !== 'open' ? (
            <p class="kern-body">Diese Aufgabe ist erledigt.</p>
          ) : claimedByOther ? (
            <p class="kern-body">
              {task.claimedByName ?? 'Eine Kollegin oder ein Kollege'} bearbeitet diese Aufgabe. Sie können hier nichts
              entscheiden, solange sie nicht freigegeben ist.
            </p>
          ) : forms.length === 0 ? (
            <p class="kern-body">In diesem Status können Sie nichts entscheiden.</p>
          ) : (
            forms.map((form) => (
              <EventFormView
                key={form.type}
                ctx={ctx}
                form={form}
                task={task}
                version={profile.version}
                returnTo={returnTo}
                acting={acting}
              />
            ))
          )}
        </div>
        <div class="task-layout__profile">
          <section aria-labelledby="angaben">
            <h2 class="kern-heading-medium" id="angaben">
              Angaben
            </h2>
            <DescriptionList
              rows={presentation.fields.slice(0, SUMMARY_FIELDS).map((spec) => ({
                key: spec.label,
                value: <FieldValue spec={spec} value={valueAt(profile.data, spec.path)} />,
              }))}
            />
            <p class="kern-body">
              <a class="kern-link" href={`/profile/${profile.id}`}>
                Ganzen Steckbrief ansehen
              </a>
            </p>
          </section>
          <section aria-labelledby="verlauf">
            <h2 class="kern-heading-medium" id="verlauf">
              Verlauf
            </h2>
            {notes ? (
              <NoteForm
                ctx={ctx}
                profileId={profile.id}
                returnTo={`/aufgaben/${task.id}?${new URLSearchParams({ zurueck: returnTo })}`}
              />
            ) : null}
            <Timeline definition={definition} history={history} />
          </section>
        </div>
      </div>
    </Layout>
  );
}

/** Before a decision that ends the profile: what will be sent, and one more button press. */
export function ConfirmEventPage({
  ctx,
  task,
  profile,
  form,
  values,
  version,
  returnTo,
  toLabel,
}: {
  ctx: PageContext;
  task: InboxRow;
  profile: ProfileView;
  form: EventForm;
  values: FormValues;
  version: number;
  returnTo: string;
  toLabel: string;
}) {
  const shown = form.fields.filter((f) => {
    const v = values[f.name];
    return Array.isArray(v) ? v.length > 0 : Boolean(v?.trim());
  });
  const labelOf = (f: PayloadField, v: string) => f.options.find(([o]) => o === v)?.[1] ?? v;
  return (
    <Layout title="Entscheidung bestätigen" ctx={ctx}>
      <p class="kern-body">
        <a class="kern-link" href={`/aufgaben/${task.id}?zurueck=${encodeURIComponent(returnTo)}`}>
          Zurück zur Aufgabe
        </a>
      </p>
      <span class="kern-preline">{titleOf(profile)}</span>
      <h1 class="kern-heading-large">Entscheidung bestätigen</h1>
      <div class="kern-alert kern-alert--warning">
        <div class="kern-alert__header">
          <h2 class="kern-title">Diese Entscheidung beendet das Verfahren</h2>
        </div>
        <div class="kern-alert__body">
          <p class="kern-body">
            Mit „{form.label}“ erhält der Steckbrief den Status „{toLabel}“. Danach kann niemand mehr darüber
            entscheiden.
          </p>
        </div>
      </div>
      <DescriptionList
        rows={[
          { key: 'Entscheidung', value: form.label },
          ...shown.map((f) => {
            const v = values[f.name] ?? '';
            return {
              key: f.label,
              value: (
                <span class="preserve-lines">{(Array.isArray(v) ? v : [v]).map((x) => labelOf(f, x)).join(', ')}</span>
              ),
            };
          }),
        ]}
      />
      <form method="post" action={`/aufgaben/${task.id}`}>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="event" value={form.type} />
        <input type="hidden" name="version" value={String(version)} />
        <input type="hidden" name="zurueck" value={returnTo} />
        <input type="hidden" name="bestaetigt" value="ja" />
        {shown.flatMap((f) => {
          const v = values[f.name] ?? '';
          return (Array.isArray(v) ? v : [v]).map((x) => (
            <input type="hidden" name={f.name} value={x} key={`${f.name}-${x}`} />
          ));
        })}
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">Endgültig entscheiden: {form.label}</span>
        </button>
      </form>
    </Layout>
  );
}

/** The profile moved on while the form was open: nothing was saved; what changed, and what was typed. */
export function StaleTaskPage({
  ctx,
  task,
  profile,
  definition,
  changes,
  form,
  values,
  returnTo,
}: {
  ctx: PageContext;
  task: InboxRow;
  profile: ProfileView;
  definition: WorkflowDefinition;
  changes: HistoryItem[];
  form: EventForm | null;
  values: FormValues;
  returnTo: string;
}) {
  const typed = form
    ? form.fields
        .map((f) => [f.label, values[f.name]] as const)
        .filter(([, v]) => (Array.isArray(v) ? v.length > 0 : Boolean(v)))
    : [];
  return (
    <Layout title="Der Steckbrief wurde inzwischen geändert" ctx={ctx}>
      <span class="kern-preline">{titleOf(profile)}</span>
      <h1 class="kern-heading-large">Der Steckbrief wurde inzwischen geändert</h1>
      <p class="kern-body">
        Während Sie das Formular ausgefüllt haben, hat sich der Steckbrief geändert. Ihre Eingabe
        {form ? ` „${form.label}“` : ''} wurde <strong>nicht</strong> gespeichert. Er hat jetzt den Status „
        {profile.stateLabel.de}“.
      </p>
      <h2 class="kern-heading-medium">Was sich geändert hat</h2>
      {changes.length ? (
        <ul class="kern-list">
          {changes.map((c) => (
            <li key={c.seq}>
              {entryLabel(definition, c)} am <time dateTime={c.at}>{formatDateTime(c.at)}</time>
              {c.from !== null && c.from !== c.to ? `, neuer Status: ${definition.states[c.to]?.de ?? c.to}` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p class="kern-body">Die Aufgabe ist nicht mehr offen oder wird von jemand anderem bearbeitet.</p>
      )}
      {typed.length ? (
        <>
          <h2 class="kern-heading-medium">Ihre Eingabe</h2>
          <DescriptionList
            rows={typed.map(([label, v]) => ({
              key: label,
              value: <span class="preserve-lines">{Array.isArray(v) ? v.join(', ') : v}</span>,
            }))}
          />
        </>
      ) : null}
      <p class="kern-body">
        <a class="kern-link" href={`/aufgaben/${task.id}?zurueck=${encodeURIComponent(returnTo)}`}>
          Aufgabe neu laden
        </a>
      </p>
      <p class="kern-body">
        <a class="kern-link" href={returnTo}>
          Zurück zu den Aufgaben
        </a>
      </p>
    </Layout>
  );
}
