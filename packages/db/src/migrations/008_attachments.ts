import { type Kysely, sql } from 'kysely';

/**
 * Attachments of a profile (Anlagen: Lagepläne, Kostenschätzungen, Genehmigungen).
 *
 * - `attachment_blobs`: the bytes, behind the engine's `AttachmentStore` interface, so another store (S3)
 *   can replace this table without touching the metadata. A blob is written before the transaction that
 *   records its attachment; a blob no attachment names is an orphan of a failed upload and may be removed.
 * - `attachments`: what the pages and the API show of a file, and the key of its blob. Removing an
 *   attachment keeps the row (`removed_at`), so the history's entries keep pointing at something.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('attachment_blobs')
    .addColumn('key', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // PDFs, images and office files are compressed already: TOAST compression would only cost CPU.
  await sql`alter table attachment_blobs alter column bytes set storage external`.execute(db);

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('profile_id', 'uuid', (c) => c.notNull().references('profiles.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    /** Sanitised for display and for Content-Disposition. */
    .addColumn('file_name', 'text', (c) => c.notNull())
    /** Detected from the bytes, never taken from the client. */
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull().check(sql`size > 0`))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('removed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('removed_at', 'timestamptz')
    .execute();
  await sql`create index attachments_profile_idx on attachments (profile_id, uploaded_at, id) where removed_at is null`.execute(
    db,
  );
  await sql`create index attachments_storage_key_idx on attachments (storage_key)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('attachments').ifExists().execute();
  await db.schema.dropTable('attachment_blobs').ifExists().execute();
}
