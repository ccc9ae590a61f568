import { loadConfigOrExit } from '@steckbrief/config';
import { createDb } from './create-db.js';
import { describeConnectionError } from './describe-connection-error.js';
import { ensureDatabase } from './ensure-database.js';
import { migrateToLatest } from './migrate.js';

const config = loadConfigOrExit();
const db = createDb({
  url: config.DATABASE_URL,
  schema: config.DATABASE_SCHEMA,
  poolMax: 1,
  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
});
try {
  if (await ensureDatabase(config.DATABASE_URL, { connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS })) {
    console.log('created database');
  }
  const results = await migrateToLatest(db, config.DATABASE_SCHEMA);
  for (const r of results) console.log(`${r.status}: ${r.migrationName}`);
  console.log(results.length ? `applied ${results.length} migration(s)` : 'database is up to date');
} catch (error) {
  // PostgreSQL not running (or refusing us): one line naming DATABASE_URL, not a stack trace.
  const line = describeConnectionError(error, config.DATABASE_URL);
  if (!line) throw error;
  console.error(line);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
