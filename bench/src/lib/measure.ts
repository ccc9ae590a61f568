import { performance } from 'node:perf_hooks';
import type { CpuUse } from './cpu.js';

/** What one measured variant produced: completed operations, wall time and every latency. */
export interface Sample {
  ops: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  /** Latency of each completed operation in milliseconds (failed ones excluded). */
  latencies: number[];
  /** CPU used in the window, when measured. */
  cpu?: CpuUse;
}

export interface Stats {
  ops: number;
  errors: number;
  firstError?: string;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU milliseconds per completed operation: application process, PostgreSQL backends. */
  appCpuPerOp: number;
  pgCpuPerOp: number;
}

/**
 * Closed loop: `callers` concurrent callers each run `op` back to back until `durationMs` has passed
 * (an operation already started finishes). `op(caller, i)` gets its caller index so callers can keep
 * to their own rows.
 */
export async function closedLoop(
  callers: number,
  durationMs: number,
  op: (caller: number, iteration: number) => Promise<unknown>,
): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          await op(caller, i);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return { ops: latencies.length, errors, firstError, elapsedMs: performance.now() - start, latencies };
}

/** Merge the samples of several rounds of the same variant (throughput over the summed wall time). */
export function merge(samples: Sample[]): Sample {
  return {
    ops: samples.reduce((n, s) => n + s.ops, 0),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    firstError: samples.find((s) => s.firstError)?.firstError,
    elapsedMs: samples.reduce((n, s) => n + s.elapsedMs, 0),
    latencies: samples.flatMap((s) => s.latencies),
    cpu: samples.every((s) => s.cpu)
      ? {
          appMs: samples.reduce((n, s) => n + (s.cpu?.appMs ?? 0), 0),
          pgMs: samples.reduce((n, s) => n + (s.cpu?.pgMs ?? 0), 0),
        }
      : undefined,
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export function stats(sample: Sample): Stats {
  const sorted = Float64Array.from(sample.latencies).sort();
  const arr = Array.from(sorted);
  return {
    ops: sample.ops,
    errors: sample.errors,
    firstError: sample.firstError,
    seconds: sample.elapsedMs / 1000,
    perSecond: sample.ops / (sample.elapsedMs / 1000),
    p50: percentile(arr, 50),
    p99: percentile(arr, 99),
    max: arr.length ? (arr[arr.length - 1] as number) : Number.NaN,
    appCpuPerOp: sample.cpu ? sample.cpu.appMs / sample.ops : Number.NaN,
    pgCpuPerOp: sample.cpu ? sample.cpu.pgMs / sample.ops : Number.NaN,
  };
}
