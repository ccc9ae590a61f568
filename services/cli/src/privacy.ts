import { writeFile } from 'node:fs/promises';
import {
  type ErasureReport,
  erasePerson,
  exportPerson,
  postgresAttachmentStore,
  setKeepUntil,
} from '@steckbrief/engine';
import type { Queues } from '@steckbrief/queues';
import { InvalidArgumentError } from 'commander';
import type { Redis } from 'ioredis';
import type { CliContext } from './context.js';
import type { Out } from './users.js';

/**
 * Requests of data subjects (docs/privacy.md): `privacy export <email>` (DSGVO Art. 15) and `privacy erase
 * <email>` (Art. 17), and the operator's keep-until date of a profile kept for a legal duty.
 */

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function emailArgument(value: string): string {
  if (!EMAIL.test(value.trim())) throw new InvalidArgumentError('must be an e-mail address');
  return value.trim();
}

/** `YYYY-MM-DD` (kept until the start of that day, UTC) or `none` (kept without a date). */
export function parseKeepUntil(value: string): Date | null {
  if (value === 'none') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== value) {
    throw new Error(`date "${value}": must be a date YYYY-MM-DD, or none`);
  }
  return date;
}

export async function privacyExport(
  ctx: CliContext,
  email: string,
  options: { out?: string },
  out: Out,
): Promise<void> {
  const data = await exportPerson(ctx.deps, email);
  const json = `${JSON.stringify(data, null, 2)}\n`;
  if (!options.out) {
    out(json.trimEnd());
    return;
  }
  // Only the owner may read the file: it holds the person's personal data.
  await writeFile(options.out, json, { mode: 0o600 });
  out(
    `wrote ${options.out}: account ${data.account ? 'found' : 'not found'}, ${data.profiles.length} profile(s), ${data.history.length} history entr(y/ies), ${data.mails.length} mail(s)`,
  );
}

/** The built-in Redis backend's ioredis client (BullMQ 6 keeps it behind the backend). */
async function redisClient(queues: Queues): Promise<Redis> {
  return (await queues.outbox.getBackend().client) as unknown as Redis;
}

export interface RedisScrub {
  /** Jobs whose data named the person: removed (or, while a worker holds one, their data replaced). */
  jobs: number;
  /** Entries of BullMQ's event streams naming the person: deleted. */
  events: number;
  /** Other values naming the person (job logs, plain keys): deleted. */
  other: number;
}

const namesAny = (needles: string[]) => (text: string | null | undefined) => {
  if (!text) return false;
  const lower = text.toLowerCase();
  return needles.some((n) => lower.includes(n));
};

/**
 * Find every value under the deployment's BullMQ prefix that names the person (job data and results, failure
 * reasons, event streams, job logs) and remove it; a dry run only counts. PostgreSQL was cleaned first, so a
 * reconciliation cannot bring such a job back.
 */
export async function scrubRedis(queues: Queues, needles: string[], dryRun: boolean): Promise<RedisScrub> {
  const result: RedisScrub = { jobs: 0, events: 0, other: 0 };
  if (!needles.length) return result;
  const names = namesAny(needles);
  const client = await redisClient(queues);
  const prefix = queues.outbox.opts.prefix ?? 'bull';
  const byName = new Map<string, Queues['outbox']>([queues.outbox, queues.mail, queues.timers].map((q) => [q.name, q]));
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      if (type === 'hash') {
        const fields = await client.hgetall(key);
        const hits = Object.entries(fields).filter(([, v]) => names(v));
        if (!hits.length) continue;
        result.jobs++;
        if (dryRun) continue;
        const [queueName, jobId] = key.slice(prefix.length + 1).split(':');
        const queue = queueName ? byName.get(queueName) : undefined;
        const removed = queue && jobId ? await queue.remove(jobId).catch(() => 0) : 0;
        if (!removed) {
          // A job a worker holds right now cannot be removed; its content goes instead.
          for (const [field] of hits) await client.hset(key, field, field === 'data' ? '{}' : '');
        }
      } else if (type === 'stream') {
        const entries = await client.xrange(key, '-', '+');
        const hits = entries.filter(([, fields]) => fields.some((f) => names(f))).map(([id]) => id);
        result.events += hits.length;
        if (!dryRun && hits.length) await client.xdel(key, ...hits);
      } else if (type === 'list') {
        const items = await client.lrange(key, 0, -1);
        const hits = items.filter((i) => names(i));
        result.other += hits.length;
        if (!dryRun) for (const item of hits) await client.lrem(key, 0, item);
      } else if (type === 'string') {
        if (!names(await client.get(key))) continue;
        result.other++;
        if (!dryRun) await client.del(key);
      }
    }
  } while (cursor !== '0');
  return result;
}

export async function privacyErase(
  ctx: CliContext,
  email: string,
  options: { dryRun?: boolean; json?: boolean },
  out: Out,
): Promise<void> {
  const dryRun = Boolean(options.dryRun);
  // Redis must answer before PostgreSQL changes: once the account is pseudonymised, a second run no longer
  // knows the name to look for in Redis.
  const queues = ctx.queues?.();
  if (queues) await redisClient(queues).then((client) => client.ping());
  const report: ErasureReport = await erasePerson(ctx.deps, email, { dryRun });
  if (!dryRun) {
    const store = postgresAttachmentStore(ctx.db);
    for (const key of report.attachmentKeys) await store.delete(key);
  }
  const redis = queues ? await scrubRedis(queues, report.needles, dryRun) : null;
  if (options.json) {
    const { needles: _needles, attachmentKeys: _keys, ...shown } = report;
    out(JSON.stringify({ ...shown, redis }, null, 2));
    return;
  }
  const would = dryRun ? 'would change' : 'changed';
  out(
    `${dryRun ? 'dry run: nothing was changed' : 'erased'} (${report.userId ? `user ${report.userId}` : 'no account'})`,
  );
  out(`${would}:`);
  for (const c of report.changed) out(`  ${c.table}: ${c.rows} row(s): ${c.what}`);
  if (!report.changed.length) out('  nothing');
  if (redis)
    out(`  redis: ${redis.jobs} job(s), ${redis.events} event(s), ${redis.other} other value(s) naming the person`);
  out('kept:');
  for (const k of report.kept) out(`  ${k.table}${k.profileId ? ` ${k.profileId}` : ''}: ${k.why}`);
  if (!report.kept.length) out('  nothing');
}

export async function profilesKeepUntil(ctx: CliContext, id: string, date: string, out: Out): Promise<void> {
  const keepUntil = parseKeepUntil(date);
  const result = await setKeepUntil(ctx.db, ctx.registry, id, keepUntil);
  const when = keepUntil ? keepUntil.toISOString().slice(0, 10) : 'without a date';
  out(`profile ${id} (${result.state}): personal data kept ${keepUntil ? `until ${when}` : when}`);
  if (!result.kept) {
    out(
      `note: ${result.state} is not a state the retention rules keep profiles in; the date applies once the profile reaches one`,
    );
  }
}
