import { applyEvent, createProfile } from '@steckbrief/engine';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsServer, startMetricsServer } from '../src/metrics.js';
import type { RunningWorker } from '../src/worker.js';
import { completeProfile, type People, pollUntil, startWorkerTestEnv, type WorkerTestEnv } from './helpers.js';

let env: WorkerTestEnv;
let worker: RunningWorker;
let server: MetricsServer;
let people: People;
let url: string;

beforeAll(async () => {
  // One applicant's mailbox refuses mail, so both mail counters move.
  env = await startWorkerTestEnv('worker_metrics', {
    sink: (p) => ({ reject: (address) => address === p.applicant2.email }),
  });
  ({ worker, people } = env);
  server = await startMetricsServer({
    registry: worker.metrics,
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
  });
  url = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await env?.stop();
});

type Sample = { name: string; labels: string; value: number };

/** Prometheus text format 0.0.4: every line is a comment or `name{labels} value`. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    // prom-client writes a gauge without samples yet (the event loop lag, early on) as `Nan`; Prometheus reads
    // NaN in any case.
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|NaN|Nan|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    samples.push({ name: m[1] as string, labels: m[2] ?? '', value: Number(m[3]) });
  }
  return samples;
}

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { text, samples: parseMetrics(text) };
}

const value = (samples: Sample[], name: string, labels = '') =>
  samples.find((s) => s.name === name && s.labels === labels)?.value ?? 0;

describe('worker metrics server', () => {
  it('answers /healthz with 200 while the worker runs, and 404 for other paths', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('shows the job duration histogram and the mail counters after a transition’s jobs ran', async () => {
    const before = await scrape();
    expect(before.text).toContain('# TYPE steckbrief_job_duration_seconds histogram');
    expect(before.text).toContain('# TYPE steckbrief_jobs_failed_total counter');
    expect(value(before.samples, 'steckbrief_job_duration_seconds_count', '{queue="outbox"}')).toBe(0);

    const { deps } = env;
    const profile = await createProfile(deps, people.applicant1, { data: completeProfile() });
    await applyEvent(deps, people.applicant1, { profileId: profile.id, type: 'SUBMIT' });

    let after = before;
    await pollUntil(
      async () => {
        after = await scrape();
        // Mails go out inside the outbox job that records them, so the job may end after the counters moved;
        // the sink records a message only after it has parsed it, a moment after accepting it.
        return (
          env.sink.messages.some((m) => m.to === people.applicant1.email) &&
          value(after.samples, 'steckbrief_mails_sent_total') >= 1 &&
          value(after.samples, 'steckbrief_mails_failed_total') >= 1 &&
          value(after.samples, 'steckbrief_job_duration_seconds_count', '{queue="outbox"}') >= 1
        );
      },
      20_000,
      'a mail sent, a mail refused and an outbox job done',
    );
    expect(
      value(after.samples, 'steckbrief_job_duration_seconds_bucket', '{le="+Inf",queue="outbox"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(value(after.samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('answers /healthz with 503 once the worker shuts down', async () => {
    server.markStopping();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'stopping' });
  });
});
