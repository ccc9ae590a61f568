import type { Kysely } from 'kysely';

/**
 * Published minutes. The session managers publish a session's minutes; from then on anyone may read them.
 * `published_minutes` keeps the document as it was published (only what minutes say: titles, sponsors,
 * amounts, decisions, totals), so a decision recorded later never reaches the public unpublished.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('minutes_published_at', 'timestamptz')
    .addColumn('minutes_published_by', 'uuid')
    .addColumn('published_minutes', 'jsonb')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .dropColumn('published_minutes')
    .dropColumn('minutes_published_by')
    .dropColumn('minutes_published_at')
    .execute();
}
