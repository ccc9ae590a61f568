import type { Harness } from './harness.js';
import { residentBytes } from './util.js';

export interface Sample {
  /** Seconds since the load started. */
  t: number;
  /** Resident memory per process name, bytes. */
  rss: Record<string, number | null>;
  pgConnections: number | null;
  redisUsedMemory: number | null;
  outboxBacklog: number | null;
  /** Requests the load driver sent in the interval before this sample. */
  requests: number;
}

export async function takeSample(h: Harness, start: number, requestsBefore: number): Promise<Sample> {
  const rss: Record<string, number | null> = {};
  for (const s of h.services) rss[s.name] = s.pid && s.running ? residentBytes(s.pid) : null;
  let pgConnections: number | null = null;
  let outboxBacklog: number | null = null;
  try {
    const r = await h.db.query(
      `select (select count(*) from pg_stat_activity where datname = 'steckbrief')::int as conns,
              (select count(*) from outbox where processed_at is null)::int as backlog`,
    );
    pgConnections = r.rows[0].conns;
    outboxBacklog = r.rows[0].backlog;
  } catch {
    // reported as a gap in the table
  }
  const redisUsedMemory =
    (await h.redis
      .current()
      ?.usedMemory()
      .catch(() => null)) ?? null;
  return {
    t: Math.round((Date.now() - start) / 1000),
    rss,
    pgConnections,
    redisUsedMemory,
    outboxBacklog,
    requests: h.client.records.length - requestsBefore,
  };
}

export interface MemoryVerdict {
  name: string;
  /** Mean of the first three samples after warm-up and of the last three, bytes. */
  early: number;
  late: number;
  growth: number;
  flat: boolean;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Memory counts as flat when the late mean has grown no more than 15 % over the early mean (both after
 * warm-up); a process that gives memory back after warm-up is not leaking.
 */
export function memoryVerdicts(samples: Sample[], warmupSeconds: number, names: string[]): MemoryVerdict[] {
  const after = samples.filter((s) => s.t >= warmupSeconds);
  return names.map((name) => {
    const values = after.map((s) => s.rss[name]).filter((v): v is number => typeof v === 'number');
    const early = mean(values.slice(0, 3));
    const late = mean(values.slice(-3));
    const growth = early ? (late - early) / early : Number.NaN;
    return { name, early, late, growth, flat: growth <= 0.15 };
  });
}

const mb = (b: number | null | undefined) => (typeof b === 'number' ? (b / 1048576).toFixed(1) : '–');

export function soakMarkdown(args: {
  samples: Sample[];
  names: string[];
  verdicts: MemoryVerdict[];
  warmupSeconds: number;
  minutes: number;
  drainMs: number | null;
  backlogAtEnd: number | null;
  header: string;
}): string {
  const { samples, names, verdicts, warmupSeconds, drainMs } = args;
  const minutes = samples.map((s) => (s.t / 60).toFixed(1));
  const top = Math.ceil(Math.max(...samples.flatMap((s) => names.map((n) => (s.rss[n] ?? 0) / 1048576))) / 50) * 50;
  const chart = [
    '```mermaid',
    'xychart-beta',
    '  title "Resident memory per process (MB): api1, api2, worker1, worker2"',
    `  x-axis "minutes" [${minutes.join(', ')}]`,
    `  y-axis "MB" 0 --> ${top || 100}`,
    ...names.map((n) => `  line [${samples.map((s) => mb(s.rss[n]).replace('–', '0')).join(', ')}]`),
    '```',
  ];
  const topBacklog = Math.max(10, ...samples.map((s) => s.outboxBacklog ?? 0));
  const topConns = Math.max(10, ...samples.map((s) => s.pgConnections ?? 0));
  const chart2 = [
    '```mermaid',
    'xychart-beta',
    '  title "PostgreSQL connections (upper line) and outbox backlog (rows)"',
    `  x-axis "minutes" [${minutes.join(', ')}]`,
    `  y-axis "count" 0 --> ${Math.max(topBacklog, topConns)}`,
    `  line [${samples.map((s) => s.pgConnections ?? 0).join(', ')}]`,
    `  line [${samples.map((s) => s.outboxBacklog ?? 0).join(', ')}]`,
    '```',
  ];
  const table = [
    `| t (s) | ${names.map((n) => `${n} RSS (MB)`).join(' | ')} | PostgreSQL connections | Redis used_memory (MB) | Outbox backlog | Requests in the last 10 s |`,
    `|---:|${names.map(() => '---:').join('|')}|---:|---:|---:|---:|`,
    ...samples.map(
      (s) =>
        `| ${s.t} | ${names.map((n) => mb(s.rss[n])).join(' | ')} | ${s.pgConnections ?? '–'} | ${mb(s.redisUsedMemory)} | ${s.outboxBacklog ?? '–'} | ${s.requests} |`,
    ),
  ];
  const verdictLines = verdicts.map(
    (v) =>
      `| ${v.name} | ${mb(v.early)} | ${mb(v.late)} | ${(v.growth * 100).toFixed(1)} % | ${v.flat ? 'yes' : '**no**'} |`,
  );
  return [
    args.header,
    '',
    `Memory after a warm-up of ${warmupSeconds} s (mean of the first three samples after it against the mean of the last three):`,
    '',
    '| Process | Early (MB) | Late (MB) | Change | Grew no more than 15 % |',
    '|---|---:|---:|---:|---|',
    ...verdictLines,
    '',
    drainMs === null
      ? `Backlog after the load ended: **not drained** (${args.backlogAtEnd} outbox rows left).`
      : `Backlog after the load ended: ${args.backlogAtEnd} outbox rows and unfinished mails, drained in ${(drainMs / 1000).toFixed(1)} s (target 5 s): ${drainMs <= 5_000 ? 'met' : '**missed**'}.`,
    '',
    ...chart,
    '',
    ...chart2,
    '',
    ...table,
  ].join('\n');
}
