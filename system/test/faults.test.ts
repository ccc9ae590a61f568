import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKillDuringBatch,
  type Fault,
  type FaultResult,
  type PhaseOptions,
  pgRestart,
  pgStop,
  pgTerminate,
  redisOutage,
  runFault,
  workerKills,
} from '../src/faults.js';
import { Harness } from '../src/harness.js';
import { faultDetails, faultTable, writeSection } from '../src/report.js';

/**
 * Every fault kind of issue 9 against the built system (two APIs, two workers, private PostgreSQL and
 * Redis). `short` (CI, `pnpm test:system`) shortens the outages; `full` (`pnpm test:system:full`) uses
 * the durations and writes the table into docs/reliability.md.
 */
const FULL = process.env.SYSTEM_FAULT_SET === 'full';
const phase: PhaseOptions = FULL
  ? { warmMs: 15_000, afterMs: 10_000, settleTimeoutMs: 120_000 }
  : { warmMs: 4_000, afterMs: 3_000, settleTimeoutMs: 60_000 };
const faults: Fault[] = [
  pgRestart,
  pgStop(FULL ? 30 : 10),
  pgTerminate,
  redisOutage(FULL ? 60 : 15),
  workerKills,
  apiKillDuringBatch,
];

let h: Harness;
const results: FaultResult[] = [];

beforeAll(async () => {
  h = await Harness.start({ concurrency: FULL ? 16 : 12, thinkMs: 250, retryForMs: 90_000 });
});

afterAll(async () => {
  if (results.length) {
    console.log(`\n${faultTable(results)}\n\n${faultDetails(results)}\n`);
    if (process.env.SYSTEM_WRITE_DOCS && FULL) {
      const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
      writeSection(
        'faults',
        [
          `Produced by \`pnpm test:system:full\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC at commit \`${commit}\` (${cpus().length}-core machine; ${h.load.acks.length} acknowledged changes in all).`,
          '',
          faultTable(results),
          '',
          faultDetails(results),
        ].join('\n'),
      );
    }
  }
  await h?.stop();
});

describe.sequential('the deployed system under faults', () => {
  for (const fault of faults) {
    const title =
      `${fault.id}: loses no acknowledged change, keeps every profile's tasks in step with its state, delivers every ` +
      `implied notice, keeps the processes it did not kill running and healthy, the relay listening; ${fault.asserts}`;
    it(title, async () => {
      const result = await runFault(h, fault, phase);
      results.push(result);
      expect(h.load.errors).toEqual([]);
      expect(result.problems).toEqual([]);
    });
  }
});
