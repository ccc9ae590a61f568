/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { AgendaItem, SessionView } from '@steckbrief/engine';
import {
  CsrfField,
  DescriptionList,
  ErrorSummary,
  type FieldError,
  Layout,
  type PageContext,
  StatusTag,
  SubmitButton,
} from '../components.js';
import { formatCents, formatDate } from '../format.js';
import type { Candidate } from '../session-data.js';
import type { EventForm, PayloadField } from '../task-forms.js';
import { sessionKindText } from './sessions.js';

const titleOf = (t: string | null) => t || 'Steckbrief ohne Titel';
const money = (cents: number | null) => (cents === null ? 'Nicht angegeben' : formatCents(cents));

/** Names and ids of one agenda item's decision fields: names carry the profile, ids the item's number. */
export const decisionName = (profileId: string, type?: string, field?: string) =>
  type && field ? `${profileId}.${type}.${field}` : `${profileId}.entscheidung`;
export const decisionId = (position: number, type?: string, field?: string) =>
  type && field ? `top${position}-${type.toLowerCase()}-${field}` : `top${position}-entscheidung`;

export interface BudgetTotals {
  /** What the undecided agenda asks for. */
  agendaCents: number;
  agendaCount: number;
  period: { id: string; budgetCents: number; committedCents: number; remainingCents: number } | null;
  remainingAfterCents: number | null;
}

/** What was sent for one item, to show again, and what happened to it. */
export interface ItemDecision {
  event: string;
  values: Record<string, string | string[]>;
  errors: Map<string, string>;
}

export interface DecisionOutcome {
  profileId: string;
  position: number;
  title: string | null;
  applied: boolean;
  text: string;
}

export interface DecisionItem {
  item: AgendaItem;
  forms: EventForm[];
}

function ErrorText({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p class="kern-error" id={`${id}-fehler`}>
      <span class="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true" />
      <span class="kern-body">
        <span class="kern-sr-only">Fehler: </span>
        {error}
      </span>
    </p>
  ) : null;
}

function whenHint(form: EventForm, field: PayloadField): string | undefined {
  if (!field.when) return undefined;
  const choice = form.fields.find((f) => f.name === field.when?.field);
  const names = field.when.values.map((v) => `„${choice?.options.find(([o]) => o === v)?.[1] ?? v}“`);
  return `Nur bei ${names.join(' oder ')}.`;
}

/** One payload field of one item's decision, labelled by the workflow definition. */
function DecisionField({
  id,
  name,
  form,
  field,
  value,
  error,
}: {
  id: string;
  name: string;
  form: EventForm;
  field: PayloadField;
  value: string | string[];
  error?: string;
}) {
  const hint = whenHint(form, field);
  const described =
    [hint ? `${id}-hinweis` : null, error ? `${id}-fehler` : null].filter(Boolean).join(' ') || undefined;
  const label = (
    <>
      {field.label}
      {field.optional ? <span class="kern-label__optional"> (optional)</span> : null}
    </>
  );
  const hintEl = hint ? (
    <div class="kern-hint" id={`${id}-hinweis`}>
      {hint}
    </div>
  ) : null;
  if (field.kind === 'radios' || field.kind === 'checkboxes') {
    const type = field.kind === 'radios' ? 'radio' : 'checkbox';
    const chosen = Array.isArray(value) ? value : [value];
    return (
      <fieldset class={`kern-fieldset${error ? ' kern-fieldset--error' : ''}`} aria-describedby={described}>
        <legend class="kern-label">{label}</legend>
        {hintEl}
        <ErrorText id={id} error={error} />
        <div class="kern-fieldset__body">
          {field.options.map(([v, l], i) => (
            <div class="kern-form-check" key={v}>
              <input
                class={`kern-form-check__${type}${error ? ` kern-form-check__${type}--error` : ''}`}
                type={type}
                id={i === 0 ? id : `${id}-${v}`}
                name={name}
                value={v}
                checked={chosen.includes(v)}
              />
              <label class="kern-label" for={i === 0 ? id : `${id}-${v}`}>
                {l}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    );
  }
  const text = Array.isArray(value) ? (value[0] ?? '') : value;
  const inputClass = `kern-form-input__input${error ? ' kern-form-input__input--error' : ''}`;
  return (
    <div class={`kern-form-input${error ? ' kern-form-input--error' : ''}`}>
      <label class="kern-label" for={id}>
        {label}
      </label>
      {hintEl}
      <ErrorText id={id} error={error} />
      {field.kind === 'select' ? (
        <div class="kern-form-input__select-wrapper">
          <select
            class={`kern-form-input__select${error ? ' kern-form-input__select--error' : ''}`}
            id={id}
            name={name}
            aria-describedby={described}
            aria-invalid={error ? true : undefined}
          >
            <option value="" selected={!text}>
              Bitte wählen
            </option>
            {field.options.map(([v, l]) => (
              <option value={v} selected={v === text} key={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
      ) : field.kind === 'textarea' || field.kind === 'json' ? (
        <textarea
          class={inputClass}
          rows={3}
          id={id}
          name={name}
          aria-describedby={described}
          aria-invalid={error ? true : undefined}
        >
          {text}
        </textarea>
      ) : (
        <input
          class={`${inputClass}${field.kind === 'integer' || field.kind === 'number' ? ' kern-form-input__input--width-4' : ''}`}
          type="text"
          inputMode={field.kind === 'integer' ? 'numeric' : field.kind === 'number' ? 'decimal' : undefined}
          id={id}
          name={name}
          value={text}
          aria-describedby={described}
          aria-invalid={error ? true : undefined}
        />
      )}
    </div>
  );
}

/** The errors of the sent decisions for the summary, each linking to its field (or the item's choice). */
export function decisionSummaryErrors(items: DecisionItem[], sent: Map<string, ItemDecision>): FieldError[] {
  const out: FieldError[] = [];
  for (const { item } of items) {
    const d = sent.get(item.profileId);
    if (!d) continue;
    for (const [field, message] of d.errors) {
      out.push({
        field: field ? decisionId(item.position, d.event, field) : decisionId(item.position),
        message: `TOP ${item.position}: ${message}`,
      });
    }
  }
  return out;
}

function ItemDecisionFieldset({
  entry,
  sent,
  preselect,
}: {
  entry: DecisionItem;
  sent: ItemDecision | undefined;
  preselect: string;
}) {
  const { item, forms } = entry;
  const chosen = sent?.event ?? (forms.some((f) => f.type === preselect) ? preselect : '');
  const formError = sent?.errors.get('');
  const choiceId = decisionId(item.position);
  const legendId = `top${item.position}-titel`;
  return (
    <fieldset
      class={`kern-fieldset session-decision${sent?.errors.size ? ' kern-fieldset--error' : ''}`}
      aria-labelledby={legendId}
    >
      <legend class="kern-title" id={legendId}>
        TOP {item.position}: {titleOf(item.title)}
        <span class="kern-body kern-body--small">
          {' '}
          ({item.sponsor ?? 'Projektträger nicht angegeben'}, {money(item.amountCents)})
        </span>
      </legend>
      <div class="kern-fieldset__body kern-stack">
        <fieldset
          class={`kern-fieldset${formError ? ' kern-fieldset--error' : ''}`}
          aria-describedby={formError ? `${choiceId}-fehler` : undefined}
        >
          <legend class="kern-label">Entscheidung</legend>
          <ErrorText id={choiceId} error={formError} />
          <div class="kern-fieldset__body">
            {[{ type: '', label: 'Heute nicht entscheiden' }, ...forms].map((f, i) => (
              <div class="kern-form-check" key={f.type || 'none'}>
                <input
                  class="kern-form-check__radio"
                  type="radio"
                  id={i === 0 ? choiceId : `${choiceId}-${f.type.toLowerCase()}`}
                  name={decisionName(item.profileId)}
                  value={f.type}
                  checked={chosen === f.type}
                />
                <label class="kern-label" for={i === 0 ? choiceId : `${choiceId}-${f.type.toLowerCase()}`}>
                  {f.label}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        {forms
          .filter((f) => f.fields.length)
          .map((form) => {
            const mine = sent?.event === form.type ? sent : undefined;
            return (
              <fieldset class="kern-fieldset session-decision__details" key={form.type}>
                <legend class="kern-label">Angaben bei „{form.label}“</legend>
                <div class="kern-fieldset__body kern-stack">
                  {form.fields.map((field) => (
                    <DecisionField
                      key={field.name}
                      id={decisionId(item.position, form.type, field.name)}
                      name={decisionName(item.profileId, form.type, field.name)}
                      form={form}
                      field={field}
                      value={mine?.values[field.name] ?? (field.kind === 'checkboxes' ? [] : '')}
                      error={mine?.errors.get(field.name)}
                    />
                  ))}
                </div>
              </fieldset>
            );
          })}
      </div>
    </fieldset>
  );
}

function AgendaTable({
  session,
  canPlan,
  decisionLabel,
}: {
  session: SessionView;
  canPlan: boolean;
  decisionLabel: (item: AgendaItem) => string | null;
}) {
  const undecided = session.agenda.filter((a) => !a.decision);
  return (
    <div class="kern-table-responsive">
      <table class="kern-table" aria-labelledby="tagesordnung">
        <thead class="kern-table__header">
          <tr class="kern-table__row">
            <th scope="col" class="kern-table__header kern-table__header--numeric">
              TOP
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
              Stand
            </th>
            {canPlan ? (
              <th scope="col" class="kern-table__header kern-table__header--action">
                Reihenfolge
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody class="kern-table__body">
          {session.agenda.map((a) => {
            const i = undecided.indexOf(a);
            const label = decisionLabel(a);
            return (
              <tr class="kern-table__row" key={a.profileId}>
                <td class="kern-table__cell kern-table__cell--numeric">{a.position}</td>
                <th scope="row" class="kern-table__cell">
                  <a class="kern-link" href={`/profile/${a.profileId}`}>
                    {titleOf(a.title)}
                  </a>
                  {a.carriedFrom ? (
                    <span class="kern-body kern-body--small"> (aus einer früheren Sitzung übernommen)</span>
                  ) : null}
                </th>
                <td class="kern-table__cell">{a.sponsor ?? 'Nicht angegeben'}</td>
                <td class="kern-table__cell kern-table__cell--numeric">{money(a.amountCents)}</td>
                <td class="kern-table__cell">
                  {label ? (
                    <StatusTag label={label} tone="success" />
                  ) : (
                    <StatusTag label={`Offen: ${a.stateLabel.de}`} tone="info" />
                  )}
                </td>
                {canPlan ? (
                  <td class="kern-table__cell kern-table__cell--action">
                    {a.decision ? null : (
                      <span class="session-agenda__actions">
                        {i > 0 ? (
                          <button
                            type="submit"
                            name="aktion"
                            value={`hoch:${a.profileId}`}
                            class="kern-btn kern-btn--tertiary kern-btn--x-small"
                          >
                            <span class="kern-label">
                              Nach oben<span class="kern-sr-only">: {titleOf(a.title)}</span>
                            </span>
                          </button>
                        ) : null}
                        {i < undecided.length - 1 ? (
                          <button
                            type="submit"
                            name="aktion"
                            value={`runter:${a.profileId}`}
                            class="kern-btn kern-btn--tertiary kern-btn--x-small"
                          >
                            <span class="kern-label">
                              Nach unten<span class="kern-sr-only">: {titleOf(a.title)}</span>
                            </span>
                          </button>
                        ) : null}
                        <button
                          type="submit"
                          name="aktion"
                          value={`entfernen:${a.profileId}`}
                          class="kern-btn kern-btn--tertiary kern-btn--x-small"
                        >
                          <span class="kern-label">
                            Entfernen<span class="kern-sr-only">: {titleOf(a.title)}</span>
                          </span>
                        </button>
                      </span>
                    )}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CandidateTable({ candidates }: { candidates: Candidate[] }) {
  return (
    <div class="kern-table-responsive">
      <table class="kern-table" aria-label="Wartende Steckbriefe">
        <thead class="kern-table__header">
          <tr class="kern-table__row">
            <th scope="col" class="kern-table__header">
              Auswahl
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
              Eingereicht
            </th>
          </tr>
        </thead>
        <tbody class="kern-table__body">
          {candidates.map((c, i) => (
            <tr class="kern-table__row" key={c.profileId}>
              <td class="kern-table__cell">
                <div class="kern-form-check">
                  <input
                    class="kern-form-check__checkbox"
                    type="checkbox"
                    id={`wartend-${i + 1}`}
                    name="hinzufuegen"
                    value={c.profileId}
                  />
                  <label class="kern-label" for={`wartend-${i + 1}`}>
                    <span class="kern-sr-only">{titleOf(c.title)} </span>auswählen
                  </label>
                </div>
              </td>
              <th scope="row" class="kern-table__cell">
                <a class="kern-link" href={`/profile/${c.profileId}`}>
                  {titleOf(c.title)}
                </a>
              </th>
              <td class="kern-table__cell">{c.sponsor ?? 'Nicht angegeben'}</td>
              <td class="kern-table__cell kern-table__cell--numeric">{money(c.amountCents)}</td>
              <td class="kern-table__cell">{c.submittedAt ? formatDate(c.submittedAt) : 'Nicht angegeben'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BudgetBox({ budget, sessionId }: { budget: BudgetTotals; sessionId: string }) {
  const rows = [
    {
      key: 'Beantragt auf dieser Tagesordnung (offen)',
      value: `${formatCents(budget.agendaCents)} (${budget.agendaCount} Projekte)`,
    },
  ];
  if (budget.period) {
    rows.push(
      { key: `Budget der Förderperiode ${budget.period.id}`, value: formatCents(budget.period.budgetCents) },
      { key: 'Davon bereits bestätigt', value: formatCents(budget.period.committedCents) },
      { key: 'Noch verfügbar', value: formatCents(budget.period.remainingCents) },
    );
  }
  if (budget.remainingAfterCents !== null) {
    rows.push({
      key: 'Verfügbar, wenn alle Punkte bewilligt werden',
      value: `${formatCents(budget.remainingAfterCents)}${budget.remainingAfterCents < 0 ? ' (Budget überschritten)' : ''}`,
    });
  }
  return (
    <section aria-labelledby="summen">
      <h2 class="kern-heading-medium" id="summen">
        Summen und Budget
      </h2>
      <DescriptionList rows={rows} />
      <p class="kern-body">
        <a class="kern-link" href={`/haushalt?sitzung=${sessionId}`}>
          Haushalt mit dieser Tagesordnung ansehen
        </a>
      </p>
    </section>
  );
}

export function SessionPage({
  ctx,
  session,
  canPlan,
  budget,
  decisionItems,
  sent,
  outcomes,
  agendaErrors,
  notice,
  preselect,
  decisionLabel,
}: {
  ctx: PageContext;
  session: SessionView;
  canPlan: boolean;
  budget: BudgetTotals | null;
  decisionItems: DecisionItem[];
  sent: Map<string, ItemDecision>;
  outcomes: DecisionOutcome[];
  agendaErrors: FieldError[];
  notice: string | null;
  preselect: string;
  decisionLabel: (item: AgendaItem) => string | null;
}) {
  const errors = [...agendaErrors, ...decisionSummaryErrors(decisionItems, sent)];
  const events = [...new Map(decisionItems.flatMap((d) => d.forms.map((f) => [f.type, f.label] as const)))];
  const decided = session.agenda.filter((a) => a.decision).length;
  return (
    <Layout title={`${session.kindLabel.de}: ${session.title}`} ctx={ctx} hasErrors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      {notice ? (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__header">
            <span class="kern-title">{notice}</span>
          </div>
        </div>
      ) : null}
      <a class="kern-link" href="/sitzungen">
        Zurück zu den Sitzungen
      </a>
      <h1 class="kern-heading-large">
        <span class="kern-body kern-body--large">{sessionKindText(session)}</span> {session.title}
      </h1>
      <DescriptionList
        rows={[
          { key: 'Datum', value: formatDate(session.date) },
          { key: 'Art', value: sessionKindText(session) },
          ...(session.cutOffDate ? [{ key: 'Stichtag für Einreichungen', value: formatDate(session.cutOffDate) }] : []),
          { key: 'Tagesordnung', value: `${session.agenda.length} Punkte, davon ${decided} entschieden` },
          {
            key: 'Ergebnisprotokoll',
            value: (
              <a class="kern-link" href={`/sitzungen/${session.id}/protokoll`}>
                {session.minutesPublishedAt
                  ? `Veröffentlicht am ${formatDate(session.minutesPublishedAt)}`
                  : 'Protokoll ansehen'}
              </a>
            ),
          },
        ]}
      />
      {outcomes.length ? (
        <section aria-labelledby="ergebnis">
          <h2 class="kern-heading-medium" id="ergebnis">
            Ergebnis je Tagesordnungspunkt
          </h2>
          <ul class="kern-list">
            {outcomes.map((o) => (
              <li key={o.profileId}>
                <StatusTag
                  label={o.applied ? 'Gespeichert' : 'Nicht gespeichert'}
                  tone={o.applied ? 'success' : 'danger'}
                />{' '}
                TOP {o.position} „{titleOf(o.title)}“: {o.text}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="tagesordnung">
        <h2 class="kern-heading-medium" id="tagesordnung">
          Tagesordnung
        </h2>
        {canPlan ? (
          <form method="post" action={`/sitzungen/${session.id}/tagesordnung`} class="kern-stack">
            <CsrfField token={ctx.csrfToken} />
            {session.agenda.length ? (
              <AgendaTable session={session} canPlan decisionLabel={decisionLabel} />
            ) : (
              <p class="kern-body">Noch keine Punkte auf der Tagesordnung.</p>
            )}
            <p class="kern-body">
              <a class="kern-link" href={`/sitzungen/${session.id}/hinzufuegen`}>
                Wartende Steckbriefe auf die Tagesordnung setzen
              </a>
            </p>
          </form>
        ) : session.agenda.length ? (
          <AgendaTable session={session} canPlan={false} decisionLabel={decisionLabel} />
        ) : (
          <p class="kern-body">Noch keine Punkte auf der Tagesordnung.</p>
        )}
      </section>
      {budget ? <BudgetBox budget={budget} sessionId={session.id} /> : null}
      {decisionItems.length ? (
        <section aria-labelledby="beschluesse">
          <h2 class="kern-heading-medium" id="beschluesse">
            Beschlüsse erfassen
          </h2>
          <p class="kern-body">
            Erfassen Sie die Entscheidungen der Sitzung und speichern Sie sie zusammen. Jeder Punkt wird für sich
            gespeichert: Ein fehlerhafter Punkt hält die anderen nicht auf und bleibt hier mit seinem Fehler stehen.
          </p>
          {events.length > 1 ? (
            <form method="get" action={`/sitzungen/${session.id}#beschluesse`} class="session-preselect">
              <div class="kern-form-input">
                <label class="kern-label" for="vorauswahl">
                  Für alle offenen Punkte vorauswählen
                </label>
                <div class="kern-form-input__select-wrapper">
                  <select class="kern-form-input__select" id="vorauswahl" name="vorauswahl">
                    <option value="" selected={!preselect}>
                      Keine Vorauswahl
                    </option>
                    {events.map(([type, label]) => (
                      <option value={type} selected={type === preselect} key={type}>
                        {label}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <SubmitButton secondary>Vorauswahl übernehmen</SubmitButton>
            </form>
          ) : null}
          <form method="post" action={`/sitzungen/${session.id}/beschluesse`} class="kern-stack" noValidate>
            <CsrfField token={ctx.csrfToken} />
            {decisionItems.map((d) => (
              <ItemDecisionFieldset
                key={d.item.profileId}
                entry={d}
                sent={sent.get(d.item.profileId)}
                preselect={preselect}
              />
            ))}
            <button type="submit" class="kern-btn kern-btn--primary" id="beschluesse-speichern">
              <span class="kern-label">Beschlüsse speichern</span>
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

/** The waiting profiles of a session, to put on its agenda (the office). */
export function AddToAgendaPage({
  ctx,
  session,
  candidates,
  limit,
  errors,
}: {
  ctx: PageContext;
  session: SessionView;
  candidates: Candidate[];
  /** How many waiting profiles the page lists at most. */
  limit: number;
  errors: FieldError[];
}) {
  return (
    <Layout title={`Tagesordnung ergänzen: ${session.title}`} ctx={ctx} hasErrors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      <a class="kern-link" href={`/sitzungen/${session.id}`}>
        Zurück zur Sitzung
      </a>
      <h1 class="kern-heading-large">
        <span class="kern-body kern-body--large">{session.title}</span> Wartende Steckbriefe
      </h1>
      {candidates.length ? (
        <form method="post" action={`/sitzungen/${session.id}/tagesordnung`} class="kern-stack">
          <CsrfField token={ctx.csrfToken} />
          <p class="kern-body" id="wartend">
            Steckbriefe, über die diese Sitzung entscheiden kann und die auf keiner anderen Tagesordnung stehen, am
            längsten wartende zuerst{candidates.length >= limit ? ` (die ersten ${limit})` : ''}.
          </p>
          <CandidateTable candidates={candidates} />
          <button type="submit" name="aktion" value="hinzufuegen" class="kern-btn kern-btn--primary" id="hinzufuegen">
            <span class="kern-label">Ausgewählte auf die Tagesordnung setzen</span>
          </button>
        </form>
      ) : (
        <p class="kern-body">Keine Steckbriefe warten auf diese Sitzung.</p>
      )}
    </Layout>
  );
}
