import type { Db } from '@steckbrief/db';
import type { WorkflowDefinition } from '@steckbrief/engine';
import { sql } from 'kysely';

/**
 * The public read model of the Werkstatt pages: only what the WRL publishes today (title, sponsor,
 * place and confirmation date of the projects the IMAG confirmed; the dates of the next sessions).
 * Nothing else of a profile leaves this module. The published minutes come from the engine
 * (`publishedMinutes`, `publishedSessionMinutes`), which keeps them as the WRL office published them.
 */

export interface ConfirmedProject {
  title: string;
  sponsor: string | null;
  place: string | null;
  confirmedAt: Date;
}

/** Profiles of one Werkstatt in the workflow's committed states (`budget.committedStates`), newest first. */
export async function confirmedProjects(
  db: Db,
  definition: WorkflowDefinition,
  werkstatt: number,
): Promise<ConfirmedProject[]> {
  const states = definition.budget?.committedStates ?? [];
  if (!states.length) return [];
  const rows = await db
    .selectFrom('profiles as p')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('profile_history as h')
          .select('h.at')
          .whereRef('h.profile_id', '=', 'p.id')
          .whereRef('h.to_state', '=', 'p.state')
          .whereRef('h.from_state', '<>', 'h.to_state')
          .orderBy('h.seq', 'desc')
          .limit(1)
          .as('c'),
      (join) => join.onTrue(),
    )
    .select([
      'c.at',
      sql<string | null>`p.summary->>'title'`.as('title'),
      sql<string | null>`p.summary->>'sponsor'`.as('sponsor'),
      sql<string | null>`p.data->'location'->>'municipality'`.as('place'),
    ])
    .where('p.workflow_id', '=', definition.id)
    .where('p.state', 'in', [...states])
    .where(sql<boolean>`p.scope @> ${JSON.stringify({ werkstatt: [String(werkstatt)] })}::jsonb`)
    .orderBy('c.at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({ title: r.title ?? '', sponsor: r.sponsor, place: r.place, confirmedAt: r.at }));
}

/** The session kinds held per Werkstatt, as the workflow declares them. */
export const werkstattSessionKinds = (definition: WorkflowDefinition): string[] =>
  Object.entries(definition.sessions ?? {})
    .filter(([, spec]) => spec.scopeAttribute === 'werkstatt')
    .map(([kind]) => kind);

/** Dates (YYYY-MM-DD) of the Werkstatt's sessions from today on. */
export async function nextSessionDates(
  db: Db,
  definition: WorkflowDefinition,
  werkstatt: number,
  today: string,
): Promise<string[]> {
  const kinds = werkstattSessionKinds(definition);
  if (!kinds.length) return [];
  const rows = await db
    .selectFrom('sessions')
    .select('date')
    .where('workflow_id', '=', definition.id)
    .where('kind', 'in', kinds)
    .where('scope_value', '=', String(werkstatt))
    .where('date', '>=', today)
    .orderBy('date')
    .limit(5)
    .execute();
  return rows.map((r) => r.date);
}
