/**
 * `pnpm bench [name-filter ...] [--seconds N] [--warmup N] [--rounds N] [--callers N] [--json file]`
 *
 * Runs every benchmark whose name contains one of the filters (all without filters) against a fresh
 * PostgreSQL schema, prints a Markdown table per benchmark and drops the schema afterwards.
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) picks the server.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { BENCH_APP_NAME, CpuMeter } from './lib/cpu.js';
import { passed, renderResult } from './lib/report.js';
import type { BenchContext, Benchmark, BenchOptions, BenchResult } from './lib/types.js';

/**
 * All benchmarks, in run order. Add new modules here. Each is loaded only when selected, so a
 * filter such as `pnpm bench transitions` does not load (or depend on) the others.
 */
export const BENCHMARKS: Array<{ name: string; load: () => Promise<Benchmark> }> = [
  { name: 'transitions', load: async () => (await import('./benchmarks/transitions.js')).transitions },
  { name: 'http', load: async () => (await import('./benchmarks/http.js')).http },
  { name: 'mail', load: async () => (await import('./benchmarks/mail.js')).mail },
  { name: 'reminders', load: async () => (await import('./benchmarks/reminders.js')).reminders },
  { name: 'inbox', load: async () => (await import('./benchmarks/inbox.js')).inbox },
  { name: 'inbox-page', load: async () => (await import('./benchmarks/inbox-page.js')).inboxPage },
  { name: 'web', load: async () => (await import('./benchmarks/web.js')).web },
  { name: 'session-screen', load: async () => (await import('./benchmarks/session-screen.js')).sessionScreen },
  // `pnpm bench chain`: the history hash chain's cost on transitions and `audit verify` over 1 000 000 entries.
  { name: 'chain-cost', load: async () => (await import('./benchmarks/chain.js')).chainCost },
  { name: 'chain-verify', load: async () => (await import('./benchmarks/chain.js')).chainVerify },
];

function parseArgs(argv: string[]) {
  const options: BenchOptions = { callers: 16, seconds: 4, warmupSeconds: 1.5, rounds: 2 };
  const filters: string[] = [];
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--seconds') options.seconds = Number(value());
    else if (arg === '--warmup') options.warmupSeconds = Number(value());
    else if (arg === '--rounds') options.rounds = Number(value());
    else if (arg === '--callers') options.callers = Number(value());
    else if (arg === '--json') json = value();
    else if (arg === '--') continue;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else filters.push(arg);
  }
  return { options, filters, json };
}

async function main() {
  const { options, filters, json } = parseArgs(process.argv.slice(2));
  const selected = BENCHMARKS.filter((b) => !filters.length || filters.some((f) => b.name.includes(f)));
  if (!selected.length) {
    console.error(`no benchmark matches ${filters.join(', ')}; available: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  // Name the bench's connections (node-pg reads PGAPPNAME whenever it connects, in this process and
  // in children) so their backends can be found for CPU accounting.
  process.env.PGAPPNAME = BENCH_APP_NAME;
  if (process.env.DATABASE_URL) process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL;
  const { createTestDatabase } = await import('@steckbrief/db/testing');

  const started = Date.now();
  const database = await createTestDatabase('bench', options.callers);
  const cpu = await CpuMeter.connect(database.url);
  const memo = new Map<string, Promise<unknown>>();
  const cleanups: Array<() => Promise<void> | void> = [];
  const ctx: BenchContext = {
    options,
    database,
    cpu,
    log: (m) => console.error(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${m}`),
    once<T>(key: string, build: () => Promise<T>) {
      if (!memo.has(key)) memo.set(key, build());
      return memo.get(key) as Promise<T>;
    },
    defer: (fn) => cleanups.push(fn),
  };

  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${os.platform()} ${os.release()}`;
  console.log(
    `# Steckbrief benchmarks\n\n${machine}; ${options.callers} concurrent callers, ` +
      `${options.rounds} × ${options.seconds}s per variant after ${options.warmupSeconds}s warm-up; schema ${database.schema}\n`,
  );
  const results: Array<{ name: string; result: BenchResult }> = [];
  let failed = false; // a benchmark threw or an operation failed: exit code 1
  let missed = false; // a target was missed: reported, exit code 0
  try {
    for (const entry of selected) {
      // One failing benchmark is reported and does not stop the others.
      try {
        const bench = await entry.load();
        ctx.log(`${bench.name}: ${bench.title}`);
        const result = await bench.run(ctx);
        results.push({ name: bench.name, result });
        console.log(`${renderResult(bench, result)}\n`);
        missed ||= result.checks.some((c) => !passed(c));
        failed ||= result.rows.some((r) => r.stats.errors > 0);
      } catch (error) {
        failed = true;
        console.log(
          `### ${entry.name}: FAILED\n\n    ${String((error as Error)?.stack ?? error)
            .split('\n')
            .join('\n    ')}\n`,
        );
      }
    }
  } finally {
    for (const fn of cleanups.reverse()) await fn();
    await cpu.close();
    await database.destroy();
  }
  ctx.log(
    `done in ${((Date.now() - started) / 1000).toFixed(0)}s${failed ? ' — errors occurred' : ''}${missed ? ' — some targets missed' : ''}`,
  );
  if (failed) process.exitCode = 1;
  if (json) await writeFile(json, JSON.stringify({ machine, options, at: new Date().toISOString(), results }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
