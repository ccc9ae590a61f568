import { type SqlBool, sql } from 'kysely';
import type { Actor } from './access.js';
import { roleLabels, type WorkflowDefinition } from './definition.js';
import { Forbidden, NotFound, ValidationFailed } from './errors.js';
import { isUuid } from './store.js';
import type { EngineDeps } from './transition.js';

export interface FundingPeriod {
  id: string;
  /** Inclusive calendar dates (Europe/Berlin), 'YYYY-MM-DD'. */
  from: string;
  to: string;
  budgetCents: number;
}

export interface BudgetFigures {
  committedCents: number;
  committedCount: number;
  pendingCents: number;
  pendingCount: number;
}

export interface BudgetView {
  workflow: string;
  periods: Array<
    FundingPeriod &
      BudgetFigures & {
        remainingCents: number;
        groups: Record<string, BudgetFigures>;
      }
  >;
  /** With `session`: what its undecided agenda would commit, and what would remain of the current period. */
  batch: { sessionId: string; count: number; amountCents: number; remainingAfterCents: number | null } | null;
}

/** The labels of the roles that see every profile of the workflow. */
const rolesSeeingAll = (definition: WorkflowDefinition, lang: 'de' | 'en' = 'de') =>
  roleLabels(
    definition,
    Object.keys(definition.roles).filter((r) => definition.roles[r]?.scope.kind === 'all'),
    lang,
  );

const emptyFigures = (): BudgetFigures => ({ committedCents: 0, committedCount: 0, pendingCents: 0, pendingCount: 0 });

/**
 * Committed and pending funding per period and group, against each period's budget. Committed profiles
 * count in the period in which they entered a committed state; pending ones in the current period.
 * Only roles that see every profile may see these sums.
 */
export async function budgetView(
  deps: EngineDeps,
  actor: Actor,
  input: { workflow?: string; periods: FundingPeriod[]; sessionId?: string },
): Promise<BudgetView> {
  const definition = deps.registry.get(input.workflow ?? deps.registry.defaultWorkflowId);
  const seesAll = actor.userId !== null && actor.grants.some((g) => definition.roles[g.role]?.scope.kind === 'all');
  if (!seesAll)
    throw new Forbidden(
      `Die Budgetübersicht ist ${rolesSeeingAll(definition)} vorbehalten. / The budget view is for ${rolesSeeingAll(definition, 'en')} only.`,
    );
  const budget = definition.budget;
  if (!budget) throw new NotFound('Dieser Workflow hat keine Budgetübersicht. / No budget view for this workflow.');
  // Profiles run on the version they started on: a state counts if any registered version counts it.
  const versions = deps.registry.versions(definition.id);
  const statesOf = (pick: (b: NonNullable<typeof budget>) => readonly string[]) => [
    ...new Set(versions.flatMap((v) => (v.budget ? pick(v.budget) : []))),
  ];
  const committedStates = statesOf((b) => b.committedStates);
  const pendingStates = statesOf((b) => b.pendingStates);
  const group = budget.groupBy;
  const groupExpr = group ? sql<string>`coalesce(p.scope->${group}->>0, '')` : sql<string>`''`;
  const amount = sql<string>`coalesce(sum((p.summary->>'amountCents')::bigint), 0)`;

  const committed = await deps.db
    .selectFrom('profiles as p')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('profile_history as h')
          .select(['h.profile_id', sql<string>`(max(h.at) at time zone 'Europe/Berlin')::date::text`.as('day')])
          .where('h.to_state', 'in', committedStates)
          .where(sql<SqlBool>`h.from_state is distinct from h.to_state`)
          .groupBy('h.profile_id')
          .as('c'),
      (j) => j.onRef('c.profile_id', '=', 'p.id'),
    )
    .select([groupExpr.as('grp'), 'c.day', amount.as('cents'), sql<string>`count(*)`.as('n')])
    .where('p.workflow_id', '=', definition.id)
    .where('p.state', 'in', committedStates)
    .groupBy(['grp', 'c.day'])
    .execute();
  const pending = await deps.db
    .selectFrom('profiles as p')
    .select([groupExpr.as('grp'), amount.as('cents'), sql<string>`count(*)`.as('n')])
    .where('p.workflow_id', '=', definition.id)
    .where('p.state', 'in', pendingStates)
    .groupBy('grp')
    .execute();

  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
    (deps.now ?? (() => new Date()))(),
  );
  const periods = (budget.periods ?? input.periods).map((period) => {
    const groups: Record<string, BudgetFigures> = {};
    const total = emptyFigures();
    const add = (grp: string, key: 'committed' | 'pending', cents: number, n: number) => {
      groups[grp] ??= emptyFigures();
      const g = groups[grp];
      g[`${key}Cents`] += cents;
      g[`${key}Count`] += n;
      total[`${key}Cents`] += cents;
      total[`${key}Count`] += n;
    };
    for (const row of committed) {
      if (row.day >= period.from && row.day <= period.to) add(row.grp, 'committed', Number(row.cents), Number(row.n));
    }
    if (today >= period.from && today <= period.to) {
      for (const row of pending) add(row.grp, 'pending', Number(row.cents), Number(row.n));
    }
    return { ...period, ...total, remainingCents: period.budgetCents - total.committedCents, groups };
  });

  let batch: BudgetView['batch'] = null;
  if (input.sessionId) {
    if (!isUuid(input.sessionId)) {
      throw new ValidationFailed('Ungültige Sitzung. / Invalid session.', [
        { path: 'query.session', message: 'ungültig / invalid' },
      ]);
    }
    // Only items the session can still decide: a profile withdrawn, rejected or confirmed elsewhere
    // while on the agenda is no longer in one of its kind's agenda states and would commit nothing.
    const decidable = Object.entries(definition.sessions ?? {}).flatMap(([kind, spec]) =>
      spec.agendaStates.map((state) => sql`(${kind}, ${state})`),
    );
    const row = decidable.length
      ? await deps.db
          .selectFrom('session_agenda as a')
          .innerJoin('sessions as s', 's.id', 'a.session_id')
          .innerJoin('profiles as p', 'p.id', 'a.profile_id')
          .select([amount.as('cents'), sql<string>`count(*)`.as('n')])
          .where('a.session_id', '=', input.sessionId)
          .where('a.decision_event', 'is', null)
          .where(sql<SqlBool>`(s.kind, p.state) in (${sql.join(decidable)})`)
          .executeTakeFirstOrThrow()
      : { cents: '0', n: '0' };
    const current = periods.find((p) => today >= p.from && today <= p.to);
    batch = {
      sessionId: input.sessionId,
      count: Number(row.n),
      amountCents: Number(row.cents),
      remainingAfterCents: current ? current.remainingCents - Number(row.cents) : null,
    };
  }
  return { workflow: definition.id, periods, batch };
}
