export { createDb } from './create-db.js';
export type { Db, DbOptions } from './create-db.js';
export { migrateToLatest, MigrationError } from './migrate.js';
export { ensureDatabase } from './ensure-database.js';
export type * from './types.js';
