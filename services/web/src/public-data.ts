import type { Db } from '@steckbrief/db';
import type { WorkflowDefinition } from '@steckbrief/engine';
import { sql } from 'kysely';

/**
 * The public read model of a workflow's public pages (its presentation's `public`): per group (a value of a
 * scope attribute) only the title, sponsor, place and confirmation date of the profiles in the committed
 * states, and the dates of the group's next sessions. Nothing else of a profile leaves this module. The
 * published minutes come from the engine (`publishedMinutes`, `publishedSessionMinutes`), which keeps them
 * as the session's office published them.
 */

export interface ConfirmedProject {
  title: string;
  sponsor: string | null;
  place: string | null;
  confirmedAt: Date;
}

/** A public group: the scope attribute and one of its values, and the data field that names a profile's place. */
export interface GroupRef {
  attribute: string;
  value: string;
  placeField: string;
}

/** Profiles of one group in the workflow's committed states (`budget.committedStates`), newest first. */
export async function confirmedProjects(
  db: Db,
  definition: WorkflowDefinition,
  group: GroupRef,
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
      sql<string | null>`p.data #>> ${group.placeField.split('.')}::text[]`.as('place'),
    ])
    .where('p.workflow_id', '=', definition.id)
    .where('p.state', 'in', [...states])
    .where(sql<boolean>`p.scope @> ${JSON.stringify({ [group.attribute]: [group.value] })}::jsonb`)
    .orderBy('c.at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({ title: r.title ?? '', sponsor: r.sponsor, place: r.place, confirmedAt: r.at }));
}

/** The session kinds held per value of a scope attribute, as the workflow declares them. */
export const groupSessionKinds = (definition: WorkflowDefinition, attribute: string): string[] =>
  Object.entries(definition.sessions ?? {})
    .filter(([, spec]) => spec.scopeAttribute === attribute)
    .map(([kind]) => kind);

/** Dates (YYYY-MM-DD) of the group's sessions from today on. */
export async function nextSessionDates(
  db: Db,
  definition: WorkflowDefinition,
  group: GroupRef,
  today: string,
): Promise<string[]> {
  const kinds = groupSessionKinds(definition, group.attribute);
  if (!kinds.length) return [];
  const rows = await db
    .selectFrom('sessions')
    .select('date')
    .where('workflow_id', '=', definition.id)
    .where('kind', 'in', kinds)
    .where('scope_value', '=', group.value)
    .where('date', '>=', today)
    .orderBy('date')
    .limit(5)
    .execute();
  return rows.map((r) => r.date);
}
