import { type Kysely, type Migration, type MigrationProvider, type MigrationResult, Migrator, sql } from 'kysely';
import * as m001 from './migrations/001_core.js';
import * as m002 from './migrations/002_worker.js';
import * as m003 from './migrations/003_sessions.js';
import * as m004 from './migrations/004_admin_sessions.js';
import * as m006 from './migrations/006_web.js';
import * as m007 from './migrations/007_mail_lease.js';
import * as m008 from './migrations/008_attachments.js';
import * as m009 from './migrations/009_minutes_published.js';
import * as m010 from './migrations/010_history_chain.js';
import * as m011 from './migrations/011_privacy.js';
import * as m012 from './migrations/012_oidc_views_notes.js';
import * as m013 from './migrations/013_outbox_contract.js';
import * as m014 from './migrations/014_tasks_claimed_idx.js';

/** Migrations are imported statically so a bundled service carries them with it. */
const migrations: Record<string, Migration> = {
  '001_core': m001,
  '002_worker': m002,
  '003_sessions': m003,
  '004_admin_sessions': m004,
  '006_web': m006,
  '007_mail_lease': m007,
  '008_attachments': m008,
  '009_minutes_published': m009,
  '010_history_chain': m010,
  '011_privacy': m011,
  '012_oidc_views_notes': m012,
  '013_outbox_contract': m013,
  '014_tasks_claimed_idx': m014,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Bring the schema (created if missing) to the latest migration. Safe to run from several processes at once. */
export async function migrateToLatest(db: Kysely<any>, schema = 'public'): Promise<MigrationResult[]> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    throw new MigrationError(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`, { cause: error });
  }
  return results;
}
