import { type Kysely, sql } from 'kysely';

/**
 * A lease token per claim of a mail (decision 007): each claim draws a fresh one, and only the sender
 * holding the current token may renew the lease or mark the mail delivered or failed. A sender whose
 * lease ran out and was taken over can no longer record its outcome over the new holder's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_deliveries').addColumn('lease_token', 'uuid').execute();
  // Rows being sent when this runs get a token, so their current sender's fenced mark finds one to match.
  await sql`update mail_deliveries set lease_token = gen_random_uuid() where status = 'sending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_deliveries').dropColumn('lease_token').execute();
}
