/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { AgendaItem, SessionView } from '@steckbrief/engine';
import {
  CsrfField,
  DescriptionList,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Layout,
  type PageContext,
  StatusTag,
  SubmitButton,
} from '../components.js';
import { formatCents, formatDate } from '../format.js';
import { PayloadFieldInput } from '../payload-field.js';
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

/**
 * One decision the session can record on an item: an event, or one alternative of an event whose payload
 * has alternatives (e.g. each value of a vote), with only the fields that alternative asks for.
 */
export interface DecisionChoice {
  /** `EVENT` or `EVENT:alternative`, the value of the item's choice. */
  value: string;
  label: string;
  form: EventForm;
  /** The discriminator's value this choice sets, when the event has alternatives. */
  alternative?: string;
  /** The fields asked on the details step (the discriminator left out: the choice sets it). */
  fields: PayloadField[];
}

/** What was chosen and sent for one item, to show again, and what happened to it. */
export interface ItemDecision {
  /** The chosen `DecisionChoice.value`; '' when an unknown one was sent. */
  choice: string;
  values: Record<string, string | string[]>;
  /** Field name → message; '' for the item as a whole. */
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
  choices: DecisionChoice[];
}

/** The errors of the sent decisions for the summary, each linking to its field (or the item's choice). */
export function decisionSummaryErrors(items: DecisionItem[], sent: Map<string, ItemDecision>): FieldError[] {
  const out: FieldError[] = [];
  for (const { item, choices } of items) {
    const d = sent.get(item.profileId);
    if (!d) continue;
    const choice = choices.find((c) => c.value === d.choice);
    for (const [field, message] of d.errors) {
      const shown = choice?.fields.some((f) => f.name === field);
      out.push({
        field: shown && choice ? decisionId(item.position, choice.form.type, field) : decisionId(item.position),
        message: `TOP ${item.position}: ${message}`,
      });
    }
  }
  return out;
}

/**
 * One agenda item on the session page: its decision when taken; else, for whoever may decide it, one select
 * of the decisions (labelled from the definition); else its state.
 */
function AgendaRow({
  item,
  entry,
  sent,
  preselect,
  decisionLabel,
}: {
  item: AgendaItem;
  entry: DecisionItem | undefined;
  sent: ItemDecision | undefined;
  preselect: string;
  decisionLabel: (item: AgendaItem) => string | null;
}) {
  const label = decisionLabel(item);
  let cell: preact.JSX.Element;
  if (label) cell = <StatusTag label={label} tone="success" />;
  else if (!entry) cell = <StatusTag label={`Offen: ${item.stateLabel.de}`} tone="info" />;
  else {
    const { choices } = entry;
    const chosen = sent ? sent.choice : choices.some((c) => c.value === preselect) ? preselect : '';
    const error = sent?.errors.size ? [...sent.errors.values()].join(' ') : undefined;
    const id = decisionId(item.position);
    cell = (
      <div class={`kern-form-input${error ? ' kern-form-input--error' : ''}`}>
        <label class="kern-label kern-sr-only" for={id}>
          Entscheidung zu TOP {item.position}
        </label>
        <ErrorMessage id={id} error={error} />
        <div class="kern-form-input__select-wrapper">
          <select
            class={`kern-form-input__select${error ? ' kern-form-input__select--error' : ''}`}
            id={id}
            name={decisionName(item.profileId)}
            aria-describedby={error ? `${id}-fehler` : undefined}
            aria-invalid={error ? true : undefined}
          >
            <option value="">Heute nicht entscheiden</option>
            {choices.map((c) => (
              <option value={c.value} selected={c.value === chosen}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </div>
    );
  }
  return (
    <tr class="kern-table__row">
      <td class="kern-table__cell kern-table__cell--numeric">{item.position}</td>
      <th scope="row" class="kern-table__cell">
        <a class="kern-link" href={`/profile/${item.profileId}`}>
          {titleOf(item.title)}
        </a>
        {item.carriedFrom ? (
          <span class="kern-body kern-body--small"> (aus einer früheren Sitzung übernommen)</span>
        ) : null}
      </th>
      <td class="kern-table__cell">{item.sponsor ?? 'Nicht angegeben'}</td>
      <td class="kern-table__cell kern-table__cell--numeric">{money(item.amountCents)}</td>
      <td class="kern-table__cell">{cell}</td>
    </tr>
  );
}

/** One chosen item on the details step: the decision as chosen, and the fields that decision asks for. */
function ItemDetailsFieldset({ entry, sent }: { entry: DecisionItem; sent: ItemDecision }) {
  const { item, choices } = entry;
  const choice = choices.find((c) => c.value === sent.choice);
  if (!choice) return null;
  const itemError = [...sent.errors].filter(([f]) => !choice.fields.some((x) => x.name === f)).map(([, m]) => m);
  const choiceId = decisionId(item.position);
  const legendId = `top${item.position}-titel`;
  return (
    <fieldset
      class={`kern-fieldset session-decision${sent.errors.size ? ' kern-fieldset--error' : ''}`}
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
        <input type="hidden" name={decisionName(item.profileId)} value={choice.value} />
        <p class="kern-body" id={choiceId} tabIndex={-1}>
          Entscheidung: <strong>{choice.label}</strong>
        </p>
        <ErrorMessage id={choiceId} error={itemError.length ? itemError.join(' ') : undefined} />
        {choice.fields.length ? (
          choice.fields.map((field) => (
            <PayloadFieldInput
              key={field.name}
              id={decisionId(item.position, choice.form.type, field.name)}
              name={decisionName(item.profileId, choice.form.type, field.name)}
              field={field}
              value={sent.values[field.name] ?? (field.kind === 'checkboxes' ? [] : '')}
              error={sent.errors.get(field.name)}
              hint={field.hint}
              rows={3}
            />
          ))
        ) : (
          <p class="kern-body">Keine weiteren Angaben nötig.</p>
        )}
      </div>
    </fieldset>
  );
}

function Outcomes({ outcomes }: { outcomes: DecisionOutcome[] }) {
  return outcomes.length ? (
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
  ) : null;
}

/** The agenda with its order buttons, on the planning page. */
function AgendaTable({
  session,
  decisionLabel,
}: {
  session: SessionView;
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
            <th scope="col" class="kern-table__header kern-table__header--action">
              Reihenfolge
            </th>
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
  notice: string | null;
  preselect: string;
  decisionLabel: (item: AgendaItem) => string | null;
}) {
  const errors = decisionSummaryErrors(decisionItems, sent);
  const choices = [...new Map(decisionItems.flatMap((d) => d.choices.map((c) => [c.value, c.label] as const)))];
  const decided = session.agenda.filter((a) => a.decision).length;
  const byItem = new Map(decisionItems.map((d) => [d.item.profileId, d]));
  const table = (
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
              Entscheidung
            </th>
          </tr>
        </thead>
        <tbody class="kern-table__body">
          {session.agenda.map((a) => (
            <AgendaRow
              key={a.profileId}
              item={a}
              entry={byItem.get(a.profileId)}
              sent={sent.get(a.profileId)}
              preselect={preselect}
              decisionLabel={decisionLabel}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
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
      {budget ? <BudgetBox budget={budget} sessionId={session.id} /> : null}
      <section aria-labelledby="tagesordnung">
        <h2 class="kern-heading-medium" id="tagesordnung">
          Tagesordnung
        </h2>
        {canPlan ? (
          <p class="kern-body">
            <a class="kern-link" href={`/sitzungen/${session.id}/hinzufuegen`}>
              Tagesordnung bearbeiten: wartende Steckbriefe aufnehmen, Reihenfolge ändern
            </a>
          </p>
        ) : null}
        {decisionItems.length ? (
          <>
            <h3 class="kern-heading-small" id="beschluesse">
              Beschlüsse erfassen
            </h3>
            <p class="kern-body">
              Wählen Sie je Tagesordnungspunkt die Entscheidung der Sitzung. Im nächsten Schritt ergänzen Sie nur die
              Angaben, die diese Entscheidungen brauchen, und speichern alle zusammen. Jeder Punkt wird für sich
              gespeichert: Ein fehlerhafter Punkt hält die anderen nicht auf und bleibt mit seinem Fehler im Formular.
            </p>
            {choices.length > 1 ? (
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
                      {choices.map(([value, label]) => (
                        <option value={value} selected={value === preselect} key={value}>
                          {label}
                        </option>
                      ))}
                    </select>
                  </div>
                </div>
                <SubmitButton secondary>Vorauswahl übernehmen</SubmitButton>
              </form>
            ) : null}
          </>
        ) : null}
        {!session.agenda.length ? (
          <p class="kern-body">Noch keine Punkte auf der Tagesordnung.</p>
        ) : decisionItems.length ? (
          <form method="post" action={`/sitzungen/${session.id}/beschluesse`} class="kern-stack" noValidate>
            <CsrfField token={ctx.csrfToken} />
            {table}
            <button
              type="submit"
              name="schritt"
              value="angaben"
              class="kern-btn kern-btn--primary"
              id="beschluesse-weiter"
            >
              <span class="kern-label">Weiter zu den Angaben</span>
            </button>
          </form>
        ) : (
          table
        )}
      </section>
    </Layout>
  );
}

/**
 * The second step of recording decisions: the chosen items only, each with its decision and the fields that
 * decision asks for; saving applies each item as its own transition. After a save with failures only the
 * failed items are here, with their errors, below the result per item.
 */
export function DecisionDetailsPage({
  ctx,
  session,
  items,
  sent,
  outcomes,
}: {
  ctx: PageContext;
  session: SessionView;
  /** The chosen items, in agenda order. */
  items: DecisionItem[];
  sent: Map<string, ItemDecision>;
  outcomes: DecisionOutcome[];
}) {
  const errors = decisionSummaryErrors(items, sent);
  return (
    <Layout title={`Beschlüsse ergänzen: ${session.title}`} ctx={ctx} hasErrors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      <a class="kern-link" href={`/sitzungen/${session.id}`}>
        Zurück zur Sitzung
      </a>
      <h1 class="kern-heading-large">
        <span class="kern-body kern-body--large">{session.title}</span> Beschlüsse ergänzen
      </h1>
      <Outcomes outcomes={outcomes} />
      <p class="kern-body">
        {items.length === 1 ? 'Ein Punkt' : `${items.length} Punkte`} mit Entscheidung. Ergänzen Sie die Angaben und
        speichern Sie die Beschlüsse.
      </p>
      <form method="post" action={`/sitzungen/${session.id}/beschluesse`} class="kern-stack" noValidate>
        <CsrfField token={ctx.csrfToken} />
        {items.map((d) => {
          const mine = sent.get(d.item.profileId);
          return mine ? <ItemDetailsFieldset key={d.item.profileId} entry={d} sent={mine} /> : null;
        })}
        <div class="session-agenda__actions">
          <button
            type="submit"
            name="schritt"
            value="speichern"
            class="kern-btn kern-btn--primary"
            id="beschluesse-speichern"
          >
            <span class="kern-label">Beschlüsse speichern</span>
          </button>
          <button type="submit" name="schritt" value="auswahl" class="kern-btn kern-btn--secondary">
            <span class="kern-label">Entscheidungen ändern</span>
          </button>
        </div>
      </form>
    </Layout>
  );
}

/** Planning a session's agenda (the office): its order, and the waiting profiles to put on it. */
export function AddToAgendaPage({
  ctx,
  session,
  candidates,
  limit,
  errors,
  notice,
  decisionLabel,
}: {
  ctx: PageContext;
  session: SessionView;
  candidates: Candidate[];
  /** How many waiting profiles the page lists at most. */
  limit: number;
  errors: FieldError[];
  notice: string | null;
  decisionLabel: (item: AgendaItem) => string | null;
}) {
  return (
    <Layout title={`Tagesordnung bearbeiten: ${session.title}`} ctx={ctx} hasErrors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      {notice ? (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__header">
            <span class="kern-title">{notice}</span>
          </div>
        </div>
      ) : null}
      <a class="kern-link" href={`/sitzungen/${session.id}`}>
        Zurück zur Sitzung
      </a>
      <h1 class="kern-heading-large">
        <span class="kern-body kern-body--large">{session.title}</span> Tagesordnung bearbeiten
      </h1>
      <section aria-labelledby="tagesordnung">
        <h2 class="kern-heading-medium" id="tagesordnung">
          Tagesordnung
        </h2>
        {session.agenda.length ? (
          <form method="post" action={`/sitzungen/${session.id}/tagesordnung`}>
            <CsrfField token={ctx.csrfToken} />
            <AgendaTable session={session} decisionLabel={decisionLabel} />
          </form>
        ) : (
          <p class="kern-body">Noch keine Punkte auf der Tagesordnung.</p>
        )}
      </section>
      <section aria-labelledby="wartend-titel">
        <h2 class="kern-heading-medium" id="wartend-titel">
          Wartende Steckbriefe
        </h2>
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
      </section>
    </Layout>
  );
}
