import { type Kysely, sql } from 'kysely';

/**
 * OpenID Connect sign-in and the inbox's saved views (issue 11). Internal notes need no table: they are
 * history entries (`NOTE`).
 *
 * - `user_identities`: the provider's subject (issuer + sub) of a user, stored at the first sign-in
 *   (matched then by verified e-mail); later sign-ins find the user by it, whatever the e-mail is by then.
 * - `web_oidc_requests`: one sign-in in progress: the state (stored hashed), the PKCE verifier and the
 *   nonce, bound to the visitor's session, for 10 minutes. Used once.
 * - `saved_views`: an inbox address (view, filters, order) a user saved under a name; only theirs.
 * - `tasks_group_idx`: the inbox's counts per view, from the index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_identities_pkey', ['issuer', 'subject'])
    .execute();
  // One subject per user and provider: a second account at the provider cannot take over the user.
  await sql`create unique index user_identities_user_key on user_identities (user_id, issuer)`.execute(db);

  await db.schema
    .createTable('web_oidc_requests')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('session_hash', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('next_path', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index web_oidc_requests_expires_idx on web_oidc_requests (expires_at)`.execute(db);

  await db.schema
    .createTable('saved_views')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create unique index saved_views_user_name_key on saved_views (user_id, lower(name))`.execute(db);

  // The inbox's counts per view (open, claimed, unclaimed, done) of one group, read from the index alone:
  // `tasks_open_group_due_idx` holds open tasks only, so counting done ones scanned the whole table.
  await sql`create index tasks_group_idx on tasks (assignee_role, assignee_scope, status) include (claimed_by, due_at, state)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists tasks_group_idx`.execute(db);
  await db.schema.dropTable('saved_views').ifExists().execute();
  await db.schema.dropTable('web_oidc_requests').ifExists().execute();
  await db.schema.dropTable('user_identities').ifExists().execute();
}
