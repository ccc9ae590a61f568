import { type Kysely, sql } from 'kysely';

/**
 * Retention and data-subject requests (docs/privacy.md):
 * - `profiles.keep_until`: until when a profile kept for a legal duty (a confirmed one, the basis of a grant)
 *   keeps its personal data; null keeps it. Set by an operator (`pnpm steckbrief profiles keep-until`).
 * - `profiles.retention_notice_at`: when the owner of a draft was told that it will be deleted; a notice
 *   counts for the draft as it was then (a later change starts the period again).
 * - `profiles.personal_data_removed_at`: when the retention job removed the profile's personal data; the job
 *   does nothing more to such a profile, so running it twice changes nothing the second time.
 * - `users.erased_at`: when an erasure request pseudonymised the account (it is disabled as well).
 *
 * The history's `redacted_at` and `profile_tombstones`, which retention and erasure write, come from migration
 * 010 (the hash chain).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('profiles')
    .addColumn('keep_until', 'timestamptz')
    .addColumn('retention_notice_at', 'timestamptz')
    .addColumn('personal_data_removed_at', 'timestamptz')
    .execute();
  await db.schema.alterTable('users').addColumn('erased_at', 'timestamptz').execute();
  // The retention job's drafts: never-submitted profiles by last change.
  await db.schema
    .createIndex('profiles_retention_draft_idx')
    .on('profiles')
    .column('updated_at')
    .where(sql.ref('submitted_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('profiles_retention_draft_idx').execute();
  await db.schema.alterTable('users').dropColumn('erased_at').execute();
  await db.schema
    .alterTable('profiles')
    .dropColumn('personal_data_removed_at')
    .dropColumn('retention_notice_at')
    .dropColumn('keep_until')
    .execute();
}
