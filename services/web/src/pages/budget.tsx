/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { BudgetView } from '@steckbrief/engine';
import { BarChart, type ChartGroup, type ChartSeries } from '../budget-chart.js';
import { DescriptionList, Layout, type PageContext, SubmitButton } from '../components.js';
import { formatCents, formatDate, formatNumber } from '../format.js';
import type { SessionHeader } from './sessions.js';
import { sessionKindText } from './sessions.js';

type Period = BudgetView['periods'][number];

export interface BudgetRow {
  label: string;
  committedCents: number;
  committedCount: number;
  pendingCents: number;
  pendingCount: number;
  /** What the chosen session's undecided agenda would commit here; null when it has no share in this row. */
  agendaCents: number | null;
  agendaCount: number | null;
}

const count = (n: number) => `${formatNumber(n)} ${n === 1 ? 'Projekt' : 'Projekte'}`;

export function BudgetPage({
  ctx,
  workflowLabel,
  groupLabel,
  periods,
  period,
  rows,
  total,
  sessions,
  session,
  remainingAfterCents,
  isCurrent,
}: {
  ctx: PageContext;
  workflowLabel: string;
  /** What one group is called (the label of the role scoped by the budget's `groupBy`), e.g. in `je …`. */
  groupLabel: string;
  periods: Period[];
  period: Period | null;
  /** One row per group (the values of the definition's `budget.groupBy`), the total first. */
  rows: BudgetRow[];
  total: BudgetRow | null;
  sessions: SessionHeader[];
  session: SessionHeader | null;
  remainingAfterCents: number | null;
  isCurrent: boolean;
}) {
  const withAgenda = session !== null;
  const series: ChartSeries[] = [
    { key: 'committed', label: 'Bestätigt' },
    { key: 'pending', label: 'Im Verfahren' },
    ...(withAgenda ? [{ key: 'agenda', label: 'Tagesordnung' }] : []),
  ];
  const all = total ? [total, ...rows] : rows;
  const groups: ChartGroup[] = all.map((r) => ({
    label: r.label,
    values: {
      committed: r.committedCents,
      pending: r.pendingCents,
      ...(withAgenda && r.agendaCents !== null ? { agenda: r.agendaCents } : {}),
    },
  }));
  const title = period ? `Haushalt der Förderperiode ${period.id}` : 'Haushalt';
  return (
    <Layout title={title} ctx={ctx}>
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">
        {workflowLabel}: bestätigte Förderung, Förderung der Steckbriefe im Verfahren und was die Tagesordnung einer
        Sitzung binden würde, je {groupLabel}.
      </p>
      <form method="get" action="/haushalt" class="inbox__filters" aria-labelledby="auswahl-titel">
        <h2 class="kern-heading-small" id="auswahl-titel">
          Auswahl
        </h2>
        <div class="inbox__filter-fields">
          <div class="kern-form-input">
            <label class="kern-label" for="haushalt-periode">
              Förderperiode
            </label>
            <div class="kern-form-input__select-wrapper">
              <select class="kern-form-input__select" id="haushalt-periode" name="periode">
                {periods.map((p) => (
                  <option value={p.id} selected={p.id === period?.id} key={p.id}>
                    {p.id} ({formatDate(p.from)} bis {formatDate(p.to)})
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div class="kern-form-input">
            <label class="kern-label" for="haushalt-sitzung">
              Tagesordnung einbeziehen
            </label>
            <div class="kern-form-input__select-wrapper">
              <select class="kern-form-input__select" id="haushalt-sitzung" name="sitzung">
                <option value="" selected={!session}>
                  Keine Sitzung
                </option>
                {sessions.map((s) => (
                  <option value={s.id} selected={s.id === session?.id} key={s.id}>
                    {formatDate(s.date)}: {sessionKindText(s)}, {s.title}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </div>
        <div class="inbox__filter-buttons">
          <SubmitButton secondary>Anzeigen</SubmitButton>
        </div>
      </form>
      {!period || !total ? (
        <p class="kern-body">Für diesen Workflow sind keine Förderperioden eingerichtet.</p>
      ) : (
        <>
          <section aria-labelledby="ueberblick">
            <h2 class="kern-heading-medium" id="ueberblick">
              Überblick
            </h2>
            <DescriptionList
              rows={[
                { key: 'Budget', value: formatCents(period.budgetCents) },
                { key: 'Bestätigt', value: `${formatCents(period.committedCents)} (${count(period.committedCount)})` },
                {
                  key: 'Im Verfahren',
                  value: isCurrent
                    ? `${formatCents(period.pendingCents)} (${count(period.pendingCount)})`
                    : 'Nur für die laufende Förderperiode',
                },
                { key: 'Noch verfügbar', value: formatCents(period.remainingCents) },
                ...(session && total.agendaCents !== null
                  ? [
                      {
                        key: `Tagesordnung „${session.title}“`,
                        value: `${formatCents(total.agendaCents)} (${count(total.agendaCount ?? 0)})`,
                      },
                      ...(remainingAfterCents !== null && isCurrent
                        ? [
                            {
                              key: 'Verfügbar, wenn die Tagesordnung bewilligt wird',
                              value: `${formatCents(remainingAfterCents)}${remainingAfterCents < 0 ? ' (Budget überschritten)' : ''}`,
                            },
                          ]
                        : []),
                    ]
                  : []),
              ]}
            />
          </section>
          <section aria-labelledby="je-gruppe">
            <h2 class="kern-heading-medium" id="je-gruppe">
              Je {groupLabel}
            </h2>
            <div class="kern-row">
              <div class="kern-col-12 kern-col-7-lg">
                <BarChart
                  id="haushalt-diagramm"
                  title={`Förderung je ${groupLabel}, Förderperiode ${period.id}`}
                  description={`Balkendiagramm: je ${groupLabel} und insgesamt die bestätigte Förderung, die Förderung im Verfahren${withAgenda ? ' und was die Tagesordnung der gewählten Sitzung binden würde' : ''}. Insgesamt bestätigt ${formatCents(total.committedCents)}, im Verfahren ${formatCents(total.pendingCents)}${withAgenda && total.agendaCents !== null ? `, Tagesordnung ${formatCents(total.agendaCents)}` : ''}. Die genauen Beträge stehen in der Tabelle.`}
                  series={series}
                  groups={groups}
                />
              </div>
              <div class="kern-col-12 kern-col-5-lg">
                <div class="kern-table-responsive">
                  <table class="kern-table kern-table--small">
                    <caption class="kern-title">Beträge je {groupLabel}</caption>
                    <thead class="kern-table__header">
                      <tr class="kern-table__row">
                        <th scope="col" class="kern-table__header">
                          {groupLabel}
                        </th>
                        <th scope="col" class="kern-table__header kern-table__header--numeric">
                          Bestätigt
                        </th>
                        <th scope="col" class="kern-table__header kern-table__header--numeric">
                          Im Verfahren
                        </th>
                        {withAgenda ? (
                          <th scope="col" class="kern-table__header kern-table__header--numeric">
                            Tagesordnung
                          </th>
                        ) : null}
                      </tr>
                    </thead>
                    <tbody class="kern-table__body">
                      {all.map((r) => (
                        <tr class="kern-table__row" key={r.label}>
                          <th scope="row" class="kern-table__cell">
                            {r.label}
                          </th>
                          <td class="kern-table__cell kern-table__cell--numeric">
                            {formatCents(r.committedCents)}
                            <br />
                            <span class="kern-body--small">{count(r.committedCount)}</span>
                          </td>
                          <td class="kern-table__cell kern-table__cell--numeric">
                            {formatCents(r.pendingCents)}
                            <br />
                            <span class="kern-body--small">{count(r.pendingCount)}</span>
                          </td>
                          {withAgenda ? (
                            <td class="kern-table__cell kern-table__cell--numeric">
                              {r.agendaCents === null ? '–' : formatCents(r.agendaCents)}
                            </td>
                          ) : null}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            </div>
          </section>
        </>
      )}
    </Layout>
  );
}
