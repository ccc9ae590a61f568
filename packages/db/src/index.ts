export { isConnectionError } from './connection-errors.js';
export type { Db, DbOptions } from './create-db.js';
export { createDb, poolOf } from './create-db.js';
export { describeConnectionError } from './describe-connection-error.js';
export { ensureDatabase } from './ensure-database.js';
export { MigrationError, migrateToLatest } from './migrate.js';
export { executePrepared, queryPrepared, StatementShapes } from './prepared.js';
export type * from './types.js';
