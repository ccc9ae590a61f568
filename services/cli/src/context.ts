import { createUser, findUserByEmail, newUserSchema } from '@steckbrief/accounts';
import type { Config } from '@steckbrief/config';
import { createDb, type Db, ensureDatabase, migrateToLatest } from '@steckbrief/db';
import { type Actor, Conflict, type EngineDeps, type WorkflowRegistry } from '@steckbrief/engine';
import { createQueues, type Queues } from '@steckbrief/queues';
import { buildRegistry } from '@steckbrief/workflows';
import { Redis } from 'ioredis';

export interface CliContext {
  db: Db;
  registry: WorkflowRegistry;
  deps: EngineDeps;
  /** The deployment's BullMQ queues, connected on first use: only the `jobs` and `mails` commands need Redis. */
  queues?: () => Queues;
  close(): Promise<void>;
}

export function queuesOf(ctx: CliContext): Queues {
  if (!ctx.queues) throw new Error('this command needs Redis, and the CLI context has no queues');
  return ctx.queues();
}

/** Connect and bring the schema up to date first, so every command works on a fresh database. */
export async function openContext(config: Config): Promise<CliContext> {
  await ensureDatabase(config.DATABASE_URL, { connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS });
  const db = createDb({
    url: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    poolMax: 4,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  });
  try {
    await migrateToLatest(db, config.DATABASE_SCHEMA);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const registry = buildRegistry(config.WORKFLOW_DEADLINES, config.WORKFLOW_VERSIONS);
  let redis: Redis | undefined;
  let queues: Queues | undefined;
  return {
    db,
    registry,
    deps: { db, registry },
    queues() {
      // One retry per command, so an unreachable Redis ends the command with an error instead of hanging it.
      if (queues) return queues;
      // A few reconnects, then the connection closes: an unreachable Redis ends the command instead of hanging it.
      redis = new Redis(config.REDIS_URL, {
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt) => (attempt > 3 ? null : attempt * 200),
      });
      queues = createQueues({
        connection: redis,
        prefix: `${config.REDIS_PREFIX}:bull`,
        mailAttempts: config.MAIL_ATTEMPTS,
        mailBackoffMs: config.MAIL_BACKOFF_MS,
      });
      // The command's own failure reports an unreachable Redis in one line (main.ts); these events would only
      // repeat it on stderr with a stack trace per reconnect.
      redis.on('error', () => undefined);
      for (const queue of [queues.outbox, queues.mail, queues.timers]) queue.on('error', () => undefined);
      return queues;
    },
    async close() {
      await queues?.close();
      await redis?.quit();
      await db.destroy();
    },
  };
}

/** The system user the CLI acts as; it holds only `operator` in the database and has no token. */
export const CLI_USER_EMAIL = 'cli@steckbrief.local';

/**
 * The actor for operator reads (`profiles list/show/history`). The stored user is an `operator`, which sees
 * no profile data through the API; here, in-process, it reads with the grants of every role scoped `all` in the
 * deployed workflows, which together see every submitted profile. Whoever runs the CLI already holds the database credentials, so this widens nothing.
 * Drafts stay private to their owners, exactly as for those roles.
 */
export async function operatorActor(db: Db, registry: WorkflowRegistry): Promise<Actor> {
  let user = await findUserByEmail(db, CLI_USER_EMAIL);
  if (!user) {
    // createUser also issues a first token; it is discarded unseen, and only its hash is stored, so it is unusable.
    await createUser(
      db,
      newUserSchema(registry).parse({
        email: CLI_USER_EMAIL,
        name: 'Steckbrief CLI',
        roles: [{ role: 'operator' }],
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof Conflict)) throw error; // created concurrently by another CLI run
    });
    user = await findUserByEmail(db, CLI_USER_EMAIL);
  }
  if (!user) throw new Error(`system user ${CLI_USER_EMAIL} could not be created`);
  const seesAll = [...registry.roles.entries()]
    .filter(([, spec]) => spec.scope.kind === 'all')
    .map(([role]) => ({ role }));
  return { userId: user.id, organisation: null, grants: seesAll };
}
