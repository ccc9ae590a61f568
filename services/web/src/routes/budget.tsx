/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { budgetView, type FundingPeriod, listSessions } from '@steckbrief/engine';
import type { Router } from 'express';
import { BudgetPage, type BudgetRow } from '../pages/budget.js';
import { NotFoundPage } from '../pages/errors.js';
import { berlinToday, scopeChoices, seesBudget } from '../session-data.js';
import { UUID, type Web } from '../web.js';

/**
 * The budget page: per funding period and group (the definition's `budget.groupBy`) what is confirmed, what is in the pipeline,
 * and what a session's agenda would commit, as an SVG chart with a table beside it. The figures are the
 * engine's `budgetView`, which also decides who may see them (roles that see every profile).
 */
export function budgetRoutes(pages: Router, web: Web, fundingPeriods: readonly FundingPeriod[]): void {
  const { registry, engine, now, send, ctxOf, requireUser } = web;

  pages.get('/haushalt', async (req, res) => {
    const actor = requireUser(req, res);
    if (!actor) return;
    if (!seesBudget(registry, actor)) return send(res, <NotFoundPage ctx={ctxOf(res)} />, 404);
    const definition = registry
      .list()
      .find((d) => d.budget && actor.grants.some((g) => d.roles[g.role]?.scope.kind === 'all'));
    if (!definition?.budget) return send(res, <NotFoundPage ctx={ctxOf(res)} />, 404);
    const today = berlinToday(now());
    const sessions = (await listSessions(engine, actor))
      .filter((s) => s.workflow === definition.id && !s.minutesPublishedAt)
      .sort((a, b) => a.date.localeCompare(b.date));
    const sessionId =
      typeof req.query.sitzung === 'string' && UUID.test(req.query.sitzung) ? req.query.sitzung : undefined;
    const session = sessionId ? (sessions.find((s) => s.id === sessionId) ?? null) : null;
    const view = await budgetView(engine, actor, {
      workflow: definition.id,
      periods: [...fundingPeriods],
      sessionId: session?.id,
    });
    const wanted = typeof req.query.periode === 'string' ? req.query.periode : '';
    const period =
      view.periods.find((p) => p.id === wanted) ??
      view.periods.find((p) => today >= p.from && today <= p.to) ??
      view.periods[0] ??
      null;
    const isCurrent = period !== null && today >= period.from && today <= period.to;
    const groupBy = definition.budget.groupBy;
    const labels = new Map(groupBy ? scopeChoices(registry, groupBy) : []);
    // A session held per group value commits only in that group; any other only in the total.
    const sessionGroup =
      session && groupBy && definition.sessions?.[session.kind]?.scopeAttribute === groupBy ? session.scopeValue : null;
    const batch = view.batch && isCurrent ? view.batch : null;
    const values = groupBy ? [...labels.keys()] : [];
    for (const key of Object.keys(period?.groups ?? {})) if (!values.includes(key)) values.push(key);
    const rows: BudgetRow[] = period
      ? values.map((key) => {
          const g = period.groups[key];
          const mine = batch && sessionGroup === key;
          return {
            label: key ? (labels.get(key) ?? key) : 'Noch nicht zugeordnet',
            committedCents: g?.committedCents ?? 0,
            committedCount: g?.committedCount ?? 0,
            pendingCents: g?.pendingCents ?? 0,
            pendingCount: g?.pendingCount ?? 0,
            agendaCents: mine ? batch.amountCents : session ? (sessionGroup ? 0 : null) : null,
            agendaCount: mine ? batch.count : session ? (sessionGroup ? 0 : null) : null,
          };
        })
      : [];
    const total: BudgetRow | null = period
      ? {
          label: 'Insgesamt',
          committedCents: period.committedCents,
          committedCount: period.committedCount,
          pendingCents: period.pendingCents,
          pendingCount: period.pendingCount,
          agendaCents: session ? (batch?.amountCents ?? 0) : null,
          agendaCount: session ? (batch?.count ?? 0) : null,
        }
      : null;
    send(
      res,
      <BudgetPage
        ctx={ctxOf(res)}
        workflowLabel={definition.label.de}
        groupLabel={
          Object.values(definition.roles).find((r) => r.scope.kind === 'attribute' && r.scope.attribute === groupBy)
            ?.label.de ?? 'Gruppe'
        }
        periods={view.periods}
        period={period}
        rows={rows}
        total={total}
        sessions={sessions}
        session={session}
        remainingAfterCents={batch?.remainingAfterCents ?? null}
        isCurrent={isCurrent}
      />,
    );
  });
}
