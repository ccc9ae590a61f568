import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../src/harness.js';
import { writeSection } from '../src/report.js';
import { memoryVerdicts, type Sample, soakMarkdown, takeSample } from '../src/soak.js';
import { delay } from '../src/util.js';

/**
 * Steady mixed load on the deployed system for SOAK_MINUTES (default 10), sampled every 10 s: resident
 * memory of each process, PostgreSQL connections, Redis memory, outbox backlog. Not part of CI.
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const SAMPLE_MS = 10_000;
const WARMUP_S = Math.max(30, Math.round(MINUTES * 60 * 0.2));

let h: Harness;

beforeAll(async () => {
  h = await Harness.start({ concurrency: 16, thinkMs: 250, retryForMs: 30_000 });
});

afterAll(async () => {
  await h?.stop();
});

describe('the deployed system under steady load', () => {
  it(
    'keeps every process up with flat memory, loses nothing and drains its backlog within 5 s of the end',
    async () => {
      const samples: Sample[] = [];
      const start = Date.now();
      let requests = h.client.records.length;
      h.load.start();
      samples.push(await takeSample(h, start, requests));
      while (Date.now() - start < MINUTES * 60_000) {
        await delay(SAMPLE_MS - ((Date.now() - start) % SAMPLE_MS));
        const s = await takeSample(h, start, requests);
        requests = h.client.records.length;
        samples.push(s);
      }
      await h.load.stop();
      const ended = Date.now();
      const backlog = await h.backlog();
      let drainMs: number | null = null;
      try {
        await h.settle(60_000);
        drainMs = Date.now() - ended;
      } catch {
        drainMs = null;
      }
      const names = h.services.map((s) => s.name);
      const verdicts = memoryVerdicts(samples, WARMUP_S, names);
      const check = await h.check();
      const crashes = h.services.flatMap((s) => s.crashes(start).map((c) => `${s.name}: ${c.code ?? c.signal}`));

      if (process.env.SYSTEM_WRITE_DOCS) {
        const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
        writeSection(
          'soak',
          soakMarkdown({
            samples,
            names,
            verdicts,
            warmupSeconds: WARMUP_S,
            minutes: MINUTES,
            drainMs,
            backlogAtEnd: backlog.outbox + backlog.mails,
            header:
              `Produced by \`SOAK_MINUTES=${MINUTES} pnpm test:soak\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC at commit \`${commit}\` ` +
              `(16 concurrent journeys; ${h.client.records.length} requests, ${h.load.acks.length} acknowledged changes, ` +
              `${h.sink.mails.length} mails; lost ${check.lost.length}, tasks out of step ${check.tasksOutOfStep.length}, ` +
              `undelivered notices ${check.undelivered.length}, duplicated mails ${check.duplicates.length}; process exits ${crashes.length}).`,
          }),
        );
      }
      console.log(verdicts, { drainMs, backlog, crashes, lost: check.lost.length });
      expect(crashes).toEqual([]);
      expect(check.lost).toEqual([]);
      expect(check.tasksOutOfStep).toEqual([]);
      expect(check.undelivered).toEqual([]);
      expect(verdicts.filter((v) => !v.flat)).toEqual([]);
      expect(drainMs).not.toBeNull();
      expect(drainMs as number).toBeLessThanOrEqual(5_000);
    },
    (MINUTES + 5) * 60_000,
  );
});
