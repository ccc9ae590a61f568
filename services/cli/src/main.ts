import { ConfigError, describeRedisError, loadConfig } from '@steckbrief/config';
import { describeConnectionError } from '@steckbrief/db';
import { DomainError } from '@steckbrief/engine';
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

try {
  // Building the program loads the workflow definitions: a broken one (DefinitionError) ends below in one line.
  const program = buildProgram({ config, out: (line) => console.log(line) });
  program.exitOverride();
  // `pnpm steckbrief <command>` forwards the `--` that separates pnpm's arguments from ours; drop it.
  const args = process.argv.slice(2);
  await program.parseAsync(args[0] === '--' ? args.slice(1) : args, { from: 'user' });
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // PostgreSQL or Redis not running (or refusing us): one line naming the variable, not a stack trace.
  const unreachable =
    describeConnectionError(error, config.DATABASE_URL) ?? describeRedisError(error, config.REDIS_URL);
  if (unreachable) {
    console.error(unreachable);
    process.exit(1);
  }
  // Expected failures (unknown user, invalid role, profile not found) are one line, not a stack trace.
  if (error instanceof DomainError) {
    console.error(`${error.title}: ${error.message}`);
    for (const issue of error.issues) console.error(`  ${issue.path}: ${issue.message}`);
    process.exit(1);
  }
  if (error instanceof Error && !('code' in error)) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
