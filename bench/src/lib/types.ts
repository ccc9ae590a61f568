import type { TestDatabase } from '@steckbrief/db/testing';
import type { CpuMeter } from './cpu.js';
import type { Stats } from './measure.js';

/** One row of a benchmark's result table. */
export interface ResultRow {
  variant: string;
  /** What one operation is, e.g. "transition" or "request". */
  unit: string;
  stats: Stats;
  note?: string;
}

/** A figure compared with a target from the issue, e.g. "engine / raw ≥ 0.9". */
export interface Check {
  label: string;
  value: number;
  /** The comparison the value must satisfy. */
  op: '>=' | '<';
  target: number;
  unit?: string;
}

export interface BenchResult {
  rows: ResultRow[];
  checks: Check[];
  notes?: string[];
}

export interface BenchOptions {
  /** Concurrent callers / HTTP connections. */
  callers: number;
  /** Measured seconds per variant and round. */
  seconds: number;
  /** Warm-up seconds per variant before the first round. */
  warmupSeconds: number;
  /** Rounds; variants of one benchmark alternate within each round. */
  rounds: number;
}

export interface BenchContext {
  options: BenchOptions;
  database: TestDatabase;
  /** CPU accounting of the app process and the bench's PostgreSQL backends. */
  cpu: CpuMeter;
  log(message: string): void;
  /** Memoised per run: shared fixtures are built once however many benchmarks use them. */
  once<T>(key: string, build: () => Promise<T>): Promise<T>;
  /** Register cleanup (servers, pools); run in reverse order at the end. */
  defer(cleanup: () => Promise<void> | void): void;
}

/** A benchmark module. New ones (mail throughput, reminder lateness, inbox query) go in src/benchmarks and the list in run.ts. */
export interface Benchmark {
  name: string;
  title: string;
  /** One paragraph for the report: what one operation is and how it is driven. */
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}
