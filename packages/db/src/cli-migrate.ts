import { loadConfig } from '@steckbrief/config';
import { createDb } from './create-db.js';
import { ensureDatabase } from './ensure-database.js';
import { migrateToLatest } from './migrate.js';

const config = loadConfig();
if (await ensureDatabase(config.DATABASE_URL)) console.log('created database');
const db = createDb({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolMax: 1 });
try {
  const results = await migrateToLatest(db, config.DATABASE_SCHEMA);
  for (const r of results) console.log(`${r.status}: ${r.migrationName}`);
  console.log(results.length ? `applied ${results.length} migration(s)` : 'database is up to date');
} finally {
  await db.destroy();
}
