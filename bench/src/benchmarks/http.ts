import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { issueToken } from '@steckbrief/api';
import autocannon from 'autocannon';
import { forkChild } from '../lib/child.js';
import type { Sample } from '../lib/measure.js';
import { stats } from '../lib/measure.js';
import type { BenchContext, Benchmark, BenchResult } from '../lib/types.js';
import { actors, imagPendingProfiles } from '../workloads/fixtures.js';
import { DEFER_PAYLOAD } from '../workloads/transitions.js';
import { PROFILES_PER_CALLER, rawDeferVariant, type Variant } from '../workloads/variants.js';
import { interleaved } from './transitions.js';

const SERVER = fileURLToPath(new URL('../lib/http-server.ts', import.meta.url));

/** Start the real API in a child process (same tsx loader as this process); resolves with its base URL. */
export function startApiServer(ctx: BenchContext): Promise<{ url: string; pid: number }> {
  return ctx.once('api-server', async () => {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the API server (open it in Chrome DevTools).
    const { child, first } = await forkChild(ctx, SERVER, {
      BENCH_DATABASE_URL: ctx.database.url,
      BENCH_SCHEMA: ctx.database.schema,
      BENCH_POOL_MAX: String(ctx.options.callers),
    });
    return { url: `http://127.0.0.1:${(first as { port: number }).port}`, pid: child.pid as number };
  });
}

/** POST /api/v1/profiles/{id}/events {type: DEFER} with autocannon, one request per profile in turn. */
let loadGenMs = 0;
let loadGenOps = 0;

async function httpDeferVariant(ctx: BenchContext): Promise<Variant & { loadGenCpuPerOp(): number }> {
  const { callers } = ctx.options;
  const [server, a, ids] = await Promise.all([
    startApiServer(ctx),
    actors(ctx),
    imagPendingProfiles(ctx, callers * PROFILES_PER_CALLER),
  ]);
  const token = await issueToken(ctx.database.db, a.imag.userId as string, 'bench');
  const body = JSON.stringify({ type: 'DEFER', payload: DEFER_PAYLOAD });
  let next = 0;
  return {
    loadGenCpuPerOp: () => loadGenMs / loadGenOps,
    name: `HTTP POST /events (autocannon, ${callers} conn.)`,
    appPid: server.pid,
    run: (ms) =>
      new Promise<Sample>((resolve, reject) => {
        const latencies: number[] = [];
        let errors = 0;
        let firstError: string | undefined;
        const start = performance.now();
        const cpuStart = process.cpuUsage();
        const instance = autocannon(
          {
            url: server.url,
            connections: callers,
            pipelining: 1,
            duration: ms / 1000,
            requests: [
              {
                method: 'POST',
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                body,
                // Round robin over all profiles: a profile comes round again only after
                // callers × PROFILES_PER_CALLER − 1 other requests, so in-flight requests never share one.
                setupRequest: (req) => ({ ...req, path: `/api/v1/profiles/${ids[next++ % ids.length]}/events` }),
              },
            ],
          },
          (error, result) => {
            if (error) return reject(error);
            const elapsedMs = performance.now() - start;
            if (result.errors || result.timeouts) {
              errors += result.errors + result.timeouts;
              firstError ??= `${result.errors} socket errors, ${result.timeouts} timeouts`;
            }
            const cpu = process.cpuUsage(cpuStart);
            loadGenMs += (cpu.user + cpu.system) / 1000;
            loadGenOps += latencies.length;
            resolve({ ops: latencies.length, errors, firstError, elapsedMs, latencies });
          },
        );
        instance.on('response', (_client, status, _bytes, responseTime) => {
          if (status === 200) latencies.push(responseTime);
          else {
            errors++;
            firstError ??= `HTTP ${status}`;
          }
        });
      }),
  };
}

export const http: Benchmark = {
  name: 'http',
  title: 'Transitions through HTTP vs. raw SQL',
  description:
    'The real app from createApp (Express 5, pino-http, helmet, bearer auth with one token lookup per request) in a child process, ' +
    'pool of 16 connections; autocannon in the bench process with 16 keep-alive connections sends ' +
    'POST /api/v1/profiles/{id}/events {"type":"DEFER"} round robin over 256 profiles in imag_pending. ' +
    'Measured alternately with the raw SQL baseline of the transitions benchmark.',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const httpVariant = await httpDeferVariant(ctx);
    const variants = [await rawDeferVariant(ctx), httpVariant];
    const [raw, api] = (await interleaved(ctx, variants)).map(stats);
    if (!raw || !api) throw new Error('missing samples');
    return {
      rows: [
        { variant: variants[0]!.name, unit: 'tx', stats: raw },
        { variant: variants[1]!.name, unit: 'req', stats: api },
      ],
      checks: [{ label: 'HTTP / raw (tx/s)', value: api.perSecond / raw.perSecond, op: '>=', target: 0.45 }],
      notes: [
        `app CPU of the HTTP row is the API server process; the load generator (autocannon, bench process) ` +
          `used another ${httpVariant.loadGenCpuPerOp().toFixed(2)} ms CPU per request on the same 2 cores (warm-up included).`,
      ],
    };
  },
};
