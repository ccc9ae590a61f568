import { type Kysely, sql } from 'kysely';

/**
 * The web application's browser sessions and its sign-in by e-mail code (WEB.md "Sessions and sign-in").
 *
 * - `web_sessions`: the cookie holds a random id, the table only its SHA-256, so a leaked table opens no
 *   session. A session without a user is a visitor's (it carries the CSRF token of the sign-in forms);
 *   signing in ends it and opens a new one, so a cookie from before sign-in is worthless after it.
 * - `web_signin_codes`: one per request for a code; code and link token stored hashed, single use.
 * - `web_signin_events`: requests and wrong codes per address and IP, counted over a window for the
 *   rate limits (and pruned as they age out).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    /** The address a visitor asked a code for, so the code page needs only the code. */
    .addColumn('pending_email', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index web_sessions_expires_idx on web_sessions (expires_at)`.execute(db);
  await sql`create index web_sessions_user_idx on web_sessions (user_id)`.execute(db);

  await db.schema
    .createTable('web_signin_codes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('link_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await sql`create index web_signin_codes_email_idx on web_signin_codes (lower(email), created_at)`.execute(db);

  await db.schema
    .createTable('web_signin_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('request', 'failure')`))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index web_signin_events_email_idx on web_signin_events (kind, email, at)`.execute(db);
  await sql`create index web_signin_events_ip_idx on web_signin_events (kind, ip, at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('web_signin_events').ifExists().execute();
  await db.schema.dropTable('web_signin_codes').ifExists().execute();
  await db.schema.dropTable('web_sessions').ifExists().execute();
}
