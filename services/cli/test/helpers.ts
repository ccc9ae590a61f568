import { loadConfig } from '@steckbrief/config';
import type { TestDatabase } from '@steckbrief/db/testing';
import type { Queues } from '@steckbrief/queues';
import { buildRegistry } from '@steckbrief/workflows';
import { buildProgram } from '../src/program.js';

/**
 * Runs CLI commands, as `pnpm steckbrief …` would, against a test file's schema (and queues, for the
 * commands that need Redis); each call returns the lines the command printed.
 */
export function cliRunner(database: TestDatabase, queues?: () => Queues) {
  const registry = buildRegistry();
  return async (...args: string[]): Promise<string[]> => {
    const lines: string[] = [];
    const config = loadConfig({ DATABASE_URL: database.url, DATABASE_SCHEMA: database.schema, NODE_ENV: 'test' });
    await buildProgram({
      config,
      out: (line) => lines.push(line),
      open: async () => ({
        db: database.db,
        registry,
        deps: { db: database.db, registry },
        queues,
        close: async () => {},
      }),
    })
      .exitOverride()
      .parseAsync(args, { from: 'user' });
    return lines;
  };
}
