import { type Kysely, sql } from 'kysely';

/**
 * Browser sessions of the queue dashboard (`/admin`). A browser cannot send a bearer token with every
 * request, so logging in with one sets a cookie holding a random session id; only its SHA-256 is stored,
 * so a leaked table does not open sessions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('admin_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Expired sessions are purged at each login.
  await sql`create index admin_sessions_expires_idx on admin_sessions (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('admin_sessions').ifExists().execute();
}
