/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { SessionView } from '@steckbrief/engine';
import {
  CsrfField,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Layout,
  type PageContext,
  StatusTag,
  SubmitButton,
  TextInput,
} from '../components.js';
import { formatDate } from '../format.js';
import type { AgendaCounts } from '../session-data.js';

export type SessionHeader = Omit<SessionView, 'agenda'>;

const MONTHS = [
  'Januar',
  'Februar',
  'März',
  'April',
  'Mai',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'Dezember',
];
const WEEKDAYS: Array<[string, string]> = [
  ['Mo', 'Montag'],
  ['Di', 'Dienstag'],
  ['Mi', 'Mittwoch'],
  ['Do', 'Donnerstag'],
  ['Fr', 'Freitag'],
  ['Sa', 'Samstag'],
  ['So', 'Sonntag'],
];

/** The session kind's label with the label of its scope value (or the value), when it is held per one. */
export const sessionKindText = (s: SessionHeader) =>
  s.scopeLabel
    ? `${s.kindLabel.de} – ${s.scopeLabel.de}`
    : s.scopeValue
      ? `${s.kindLabel.de} ${s.scopeValue}`
      : s.kindLabel.de;

/** A session's status in words (the tag's colour only repeats it). */
export function sessionStatus(
  s: SessionHeader,
  counts: AgendaCounts,
  today: string,
): { label: string; tone: 'info' | 'success' | 'warning' } {
  if (s.minutesPublishedAt) return { label: 'Protokoll veröffentlicht', tone: 'success' };
  if (counts.items > 0 && counts.decided === counts.items) return { label: 'Alles entschieden', tone: 'success' };
  if (s.date < today) return { label: 'Beschlüsse offen', tone: 'warning' };
  if (counts.decided > 0) return { label: 'Teilweise entschieden', tone: 'info' };
  return { label: 'Geplant', tone: 'info' };
}

function SessionTable({
  id,
  caption,
  sessions,
  counts,
  today,
}: {
  id: string;
  caption: string;
  sessions: SessionHeader[];
  counts: Map<string, AgendaCounts>;
  today: string;
}) {
  return (
    <section aria-labelledby={id}>
      <h2 class="kern-heading-medium" id={id}>
        {caption}
      </h2>
      {sessions.length ? (
        <div class="kern-table-responsive">
          <table class="kern-table" aria-labelledby={id}>
            <thead class="kern-table__header">
              <tr class="kern-table__row">
                <th scope="col" class="kern-table__header">
                  Datum
                </th>
                <th scope="col" class="kern-table__header">
                  Sitzung
                </th>
                <th scope="col" class="kern-table__header">
                  Art
                </th>
                <th scope="col" class="kern-table__header">
                  Status
                </th>
                <th scope="col" class="kern-table__header kern-table__header--numeric">
                  Tagesordnungspunkte
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {sessions.map((s) => {
                const c = counts.get(s.id) ?? { items: 0, decided: 0 };
                const status = sessionStatus(s, c, today);
                return (
                  <tr class="kern-table__row" key={s.id}>
                    <td class="kern-table__cell">{formatDate(s.date)}</td>
                    <th scope="row" class="kern-table__cell">
                      <a class="kern-link" href={`/sitzungen/${s.id}`}>
                        {s.title}
                      </a>
                    </th>
                    <td class="kern-table__cell">{sessionKindText(s)}</td>
                    <td class="kern-table__cell">
                      <StatusTag label={status.label} tone={status.tone} />
                    </td>
                    <td class="kern-table__cell kern-table__cell--numeric">{c.items}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="kern-body">Keine Sitzungen.</p>
      )}
    </section>
  );
}

const monthKey = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** A month as an accessible table: a row per week, Monday first, each session a link on its day. */
export function MonthCalendar({ month, sessions }: { month: string; sessions: SessionHeader[] }) {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, m - 1, 1));
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7;
  const cells: Array<number | null> = [...Array.from({ length: lead }, () => null)];
  for (let d = 1; d <= days; d++) cells.push(d);
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const byDay = new Map<number, SessionHeader[]>();
  for (const s of sessions) {
    if (!s.date.startsWith(`${month}-`)) continue;
    const d = Number(s.date.slice(8, 10));
    byDay.set(d, [...(byDay.get(d) ?? []), s]);
  }
  const prev = m === 1 ? monthKey(year - 1, 12) : monthKey(year, m - 1);
  const next = m === 12 ? monthKey(year + 1, 1) : monthKey(year, m + 1);
  const name = `${MONTHS[m - 1]} ${year}`;
  return (
    <section aria-labelledby="kalender-titel">
      <h2 class="kern-heading-medium" id="kalender-titel">
        Kalender
      </h2>
      <nav aria-label="Monat wählen">
        <ul class="kern-list kern-list--horizontal session-calendar__nav">
          <li>
            <a class="kern-link" href={`/sitzungen?monat=${prev}#kalender-titel`}>
              Vorheriger Monat<span class="kern-sr-only"> ({MONTHS[(m + 10) % 12]})</span>
            </a>
          </li>
          <li>
            <a class="kern-link" href={`/sitzungen?monat=${next}#kalender-titel`}>
              Nächster Monat<span class="kern-sr-only"> ({MONTHS[m % 12]})</span>
            </a>
          </li>
        </ul>
      </nav>
      <div class="kern-table-responsive">
        <table class="kern-table session-calendar">
          <caption class="kern-title">{name}</caption>
          <thead class="kern-table__header">
            <tr class="kern-table__row">
              {WEEKDAYS.map(([short, long]) => (
                <th scope="col" class="kern-table__header" key={short}>
                  <abbr title={long}>{short}</abbr>
                </th>
              ))}
            </tr>
          </thead>
          <tbody class="kern-table__body">
            {weeks.map((week, w) => (
              <tr class="kern-table__row" key={`w${w}`}>
                {week.map((d, i) => (
                  <td class="kern-table__cell" key={`${w}-${i}`}>
                    {d === null ? null : (
                      <>
                        <span class="kern-body kern-body--small">
                          <span aria-hidden="true">{d}</span>
                          <span class="kern-sr-only">
                            {WEEKDAYS[i]?.[1]}, {d}. {MONTHS[m - 1]}
                          </span>
                        </span>
                        {byDay.get(d)?.length ? (
                          <ul class="kern-list session-calendar__sessions">
                            {byDay.get(d)?.map((s) => (
                              <li key={s.id}>
                                <a class="kern-link" href={`/sitzungen/${s.id}`}>
                                  {sessionKindText(s)}: {s.title}
                                </a>
                              </li>
                            ))}
                          </ul>
                        ) : null}
                      </>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function SessionsPage({
  ctx,
  sessions,
  counts,
  today,
  month,
  canPlan,
  batchLink,
  calendarUrl,
  notice,
}: {
  ctx: PageContext;
  sessions: SessionHeader[];
  counts: Map<string, AgendaCounts>;
  today: string;
  month: string;
  canPlan: boolean;
  /** The text of the link to the workflow's batch page (from its presentation), if the caller may use it. */
  batchLink: string | null;
  /** The calendar feed's address, shown once right after it was made. */
  calendarUrl: string | null;
  notice: string | null;
}) {
  const upcoming = sessions.filter((s) => s.date >= today).sort((a, b) => a.date.localeCompare(b.date));
  const past = sessions.filter((s) => s.date < today);
  return (
    <Layout title="Sitzungen" ctx={ctx}>
      {notice ? (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__header">
            <span class="kern-title">{notice}</span>
          </div>
        </div>
      ) : null}
      <h1 class="kern-heading-large">Sitzungen</h1>
      <p class="kern-body">Sitzungen mit Tagesordnung, Beschlüssen und Ergebnisprotokoll.</p>
      {canPlan || batchLink ? (
        <ul class="kern-list kern-list--horizontal">
          {canPlan ? (
            <li>
              <a class="kern-btn kern-btn--primary" href="/sitzungen/neu">
                <span class="kern-label">Sitzung anlegen</span>
              </a>
            </li>
          ) : null}
          {batchLink ? (
            <li>
              <a class="kern-link" href="/sitzungen/eingang">
                {batchLink}
              </a>
            </li>
          ) : null}
        </ul>
      ) : null}
      <SessionTable id="anstehend" caption="Anstehende Sitzungen" sessions={upcoming} counts={counts} today={today} />
      <SessionTable id="vergangen" caption="Vergangene Sitzungen" sessions={past} counts={counts} today={today} />
      <MonthCalendar month={month} sessions={sessions} />
      <section aria-labelledby="abo-titel">
        <h2 class="kern-heading-medium" id="abo-titel">
          Kalender abonnieren
        </h2>
        {calendarUrl ? (
          <div class="kern-alert kern-alert--info" role="status">
            <div class="kern-alert__header">
              <span class="kern-title">Ihre Kalender-Adresse</span>
            </div>
            <div class="kern-alert__body">
              <p class="kern-body">
                Tragen Sie diese Adresse in Outlook oder Thunderbird als Internetkalender ein. Sie wird nur jetzt
                angezeigt; wer sie kennt, sieht Ihre Sitzungen und Fristen.
              </p>
              <p class="kern-body">
                <a class="kern-link" href={calendarUrl}>
                  {calendarUrl}
                </a>
              </p>
            </div>
          </div>
        ) : (
          <p class="kern-body">
            Der iCal-Feed enthält Ihre Sitzungen und die Fristen Ihrer Aufgaben, jeweils mit einem Link auf diese
            Seiten. Eine neue Adresse macht die bisherige ungültig.
          </p>
        )}
        <form method="post" action="/sitzungen/kalender">
          <CsrfField token={ctx.csrfToken} />
          <SubmitButton secondary>Kalender-Adresse erzeugen</SubmitButton>
        </form>
      </section>
    </Layout>
  );
}

export interface NewSessionValues {
  kind: string;
  scope: string;
  day: string;
  month: string;
  year: string;
  title: string;
}

export interface SessionKindChoice {
  value: string;
  label: string;
  /** The scope attribute's label and values, for kinds held per scope value. */
  scope: { attribute: string; label: string; options: Array<[string, string]> } | null;
}

export function NewSessionPage({
  ctx,
  kinds,
  values,
  errors,
}: {
  ctx: PageContext;
  kinds: SessionKindChoice[];
  values: NewSessionValues;
  errors: Map<string, string>;
}) {
  const summary: FieldError[] = [...errors].map(([field, message]) => ({ field, message }));
  const scoped = kinds.find((k) => k.scope)?.scope ?? null;
  const dateError = errors.get('sitzung-datum');
  const kindError = errors.get('sitzung-art');
  const scopeError = errors.get('sitzung-zuordnung');
  return (
    <Layout title="Sitzung anlegen" ctx={ctx} hasErrors={errors.size > 0}>
      <ErrorSummary errors={summary} />
      <a class="kern-link" href="/sitzungen">
        Zurück zu den Sitzungen
      </a>
      <h1 class="kern-heading-large">Sitzung anlegen</h1>
      <form method="post" action="/sitzungen/neu" class="kern-stack" noValidate>
        <CsrfField token={ctx.csrfToken} />
        <fieldset
          class={`kern-fieldset${kindError ? ' kern-fieldset--error' : ''}`}
          aria-describedby={kindError ? 'sitzung-art-fehler' : undefined}
        >
          <legend class="kern-label">Art der Sitzung</legend>
          <ErrorMessage id="sitzung-art" error={kindError} />
          <div class="kern-fieldset__body">
            {kinds.map((k, i) => (
              <div class="kern-form-check" key={k.value}>
                <input
                  class={`kern-form-check__radio${kindError ? ' kern-form-check__radio--error' : ''}`}
                  type="radio"
                  id={i === 0 ? 'sitzung-art' : `sitzung-art-${k.value}`}
                  name="art"
                  value={k.value}
                  checked={values.kind === k.value}
                />
                <label class="kern-label" for={i === 0 ? 'sitzung-art' : `sitzung-art-${k.value}`}>
                  {k.label}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        {scoped ? (
          <div class={`kern-form-input${scopeError ? ' kern-form-input--error' : ''}`}>
            <label class="kern-label" for="sitzung-zuordnung">
              {scoped.label}
            </label>
            <div class="kern-hint" id="sitzung-zuordnung-hinweis">
              Nur bei{' '}
              {kinds
                .filter((k) => k.scope)
                .map((k) => `„${k.label}“`)
                .join(' oder ')}
              .
            </div>
            <ErrorMessage id="sitzung-zuordnung" error={scopeError} />
            <div class="kern-form-input__select-wrapper">
              <select
                class={`kern-form-input__select${scopeError ? ' kern-form-input__select--error' : ''}`}
                id="sitzung-zuordnung"
                name="zuordnung"
                aria-describedby={`sitzung-zuordnung-hinweis${scopeError ? ' sitzung-zuordnung-fehler' : ''}`}
                aria-invalid={scopeError ? true : undefined}
              >
                <option value="" selected={!values.scope}>
                  Bitte wählen
                </option>
                {scoped.options.map(([v, l]) => (
                  <option value={v} selected={v === values.scope} key={v}>
                    {l}
                  </option>
                ))}
              </select>
            </div>
          </div>
        ) : null}
        <fieldset
          class={`kern-fieldset${dateError ? ' kern-fieldset--error' : ''}`}
          aria-describedby={`sitzung-datum-hinweis${dateError ? ' sitzung-datum-fehler' : ''}`}
        >
          <legend class="kern-label">Datum der Sitzung</legend>
          <div class="kern-hint" id="sitzung-datum-hinweis">
            Zum Beispiel 15 1 2027
          </div>
          <ErrorMessage id="sitzung-datum" error={dateError} />
          <div class="date-input">
            {(
              [
                ['sitzung-datum', 'tag', 'Tag', values.day, 2],
                ['sitzung-datum-monat', 'monat', 'Monat', values.month, 2],
                ['sitzung-datum-jahr', 'jahr', 'Jahr', values.year, 4],
              ] as const
            ).map(([id, name, label, value, width]) => (
              <div class="kern-form-input" key={id}>
                <label class="kern-label" for={id}>
                  {label}
                </label>
                <input
                  class={`kern-form-input__input kern-form-input__input--width-${width}${dateError ? ' kern-form-input__input--error' : ''}`}
                  id={id}
                  name={name}
                  type="text"
                  inputMode="numeric"
                  value={value}
                  aria-invalid={dateError ? true : undefined}
                />
              </div>
            ))}
          </div>
        </fieldset>
        <TextInput
          id="sitzung-titel"
          name="titel"
          label="Titel (optional)"
          hint="Ohne Angabe: Art und Datum der Sitzung."
          value={values.title}
          error={errors.get('sitzung-titel')}
        />
        <SubmitButton>Sitzung anlegen</SubmitButton>
      </form>
    </Layout>
  );
}
