import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, pollUntil } from './util.js';

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? '/usr/local/bin';
/** The role the harness's own connections use, so that terminating "the application's" backends spares them. */
export const HARNESS_APP_NAME = 'system-harness';

export interface PrivateCluster {
  port: number;
  dir: string;
  /** A URL of a database in this cluster. */
  url(database?: string): string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: clients get "terminating connection due to administrator command", then refused. */
  stop(): Promise<void>;
  /** `pg_ctl restart -m fast`. */
  restart(): Promise<void>;
  /** True when a fresh connection answers `select 1`. */
  accepting(): Promise<boolean>;
  /** Polls until a fresh connection answers; returns the time it first did. */
  waitAccepting(timeoutMs: number): Promise<number>;
  /** `pg_terminate_backend` for every backend of `database` but the harness's; returns how many. */
  terminateBackends(database: string): Promise<number>;
  /** Stop the server and remove its folder. */
  destroy(): Promise<void>;
}

/**
 * initdb refuses to run as root: as root the cluster belongs to the `postgres` user and every pg_ctl call
 * runs through runuser. The folder is private to this run; the socket lives in it too.
 */
function asOwner(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

async function pgCtl(args: string[], timeoutMs = 60_000): Promise<void> {
  const [cmd, argv] = asOwner(path.join(BIN, 'pg_ctl'), args);
  await run(cmd, argv, { timeout: timeoutMs });
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'steckbrief-system-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'postgres.log');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();
  const [cmd, argv] = asOwner(path.join(BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  await run(cmd, argv, { timeout: 60_000 });
  // fsync off: the harness stops the server cleanly (-m fast checkpoints) and never crashes the machine.
  const conf = [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${dir}'`,
    'max_connections = 200',
    'shared_buffers = 64MB',
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    `log_min_messages = warning`,
  ].join('\n');
  const confPath = path.join(data, 'postgresql.auto.conf');
  writeFileSync(confPath, `${conf}\n`, { flag: 'a' });

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const startArgs = ['-D', data, '-l', log, '-w', '-t', '60'];

  const withClient = async <T>(fn: (c: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> => {
    const client = new pg.Client({
      connectionString: url(database),
      application_name: HARNESS_APP_NAME,
      connectionTimeoutMillis: 2_000,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  const cluster: PrivateCluster = {
    port,
    dir,
    url,
    start: () => pgCtl([...startArgs, 'start']),
    stop: () => pgCtl(['-D', data, '-m', 'fast', '-w', 'stop']),
    restart: () => pgCtl([...startArgs, '-m', 'fast', 'restart']),
    async accepting() {
      try {
        await withClient((c) => c.query('select 1'));
        return true;
      } catch {
        return false;
      }
    },
    async waitAccepting(timeoutMs) {
      await pollUntil(() => cluster.accepting(), timeoutMs, 'PostgreSQL accepts connections', 100);
      return Date.now();
    },
    terminateBackends: (database) =>
      withClient(async (c) => {
        const r = await c.query(
          `select count(*)::int as n from (
             select pg_terminate_backend(pid) from pg_stat_activity
             where datname = $1 and pid <> pg_backend_pid() and application_name <> $2
           ) t`,
          [database, HARNESS_APP_NAME],
        );
        return r.rows[0].n as number;
      }),
    async destroy() {
      await pgCtl(['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
