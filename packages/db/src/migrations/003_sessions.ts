import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // What lists, inboxes, minutes and budgets show of a profile, computed by its workflow on every data change.
  await db.schema
    .alterTable('profiles')
    .addColumn('summary', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scope_value', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // "The next session" of a kind (and Werkstatt): the earliest later date.
  await sql`create index sessions_kind_date_idx on sessions (workflow_id, kind, scope_value, date, id)`.execute(db);

  await db.schema
    .createTable('session_agenda')
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('profile_id', 'uuid', (c) => c.notNull().references('profiles.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('carried_from', 'uuid')
    .addColumn('decision_event', 'text')
    .addColumn('decision_payload', 'jsonb')
    .addColumn('decision_seq', 'integer')
    .addColumn('decided_by', 'uuid')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('to_state', 'text')
    /** Set when a deferred item has been put on a later session's agenda. */
    .addColumn('carried_to', 'uuid')
    .addPrimaryKeyConstraint('session_agenda_pkey', ['session_id', 'profile_id'])
    .execute();
  await sql`create index session_agenda_profile_idx on session_agenda (profile_id)`.execute(db);

  await db.schema
    .createTable('calendar_tokens')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('calendar_tokens').ifExists().execute();
  await db.schema.dropTable('session_agenda').ifExists().execute();
  await db.schema.dropTable('sessions').ifExists().execute();
  await db.schema.alterTable('profiles').dropColumn('summary').execute();
}
