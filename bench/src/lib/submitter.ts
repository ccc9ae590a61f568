/**
 * The API's part of the mail benchmark's whole path, as its own process: SUBMITs by concurrent callers
 * (`applyEvent`, what the API does for `POST /profiles/:id/events`). As deployed, the API and the SMTP
 * server are different processes; run inside the bench process, the SUBMITs' JavaScript would hold up
 * the in-process SMTP sink's answers to the worker (and not those to the direct sender, which has no
 * SUBMITs beside it).
 *
 * Forked with BENCH_DATABASE_URL and BENCH_SCHEMA; answers `{ ready: true }`, then each
 * `{ ids, actor, callers }` with `{ startedAt }`: per profile, when its SUBMIT was sent, in ms since the
 * epoch (`performance.timeOrigin + performance.now()`, comparable across processes).
 */
import { performance } from 'node:perf_hooks';
import { createDb } from '@steckbrief/db';
import { type Actor, applyEvent } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';

export interface SubmitRequest {
  ids: string[];
  actor: Actor;
  callers: number;
}

export interface SubmitDone {
  startedAt: Array<[string, number]>;
}

const db = createDb({
  url: process.env.BENCH_DATABASE_URL as string,
  schema: process.env.BENCH_SCHEMA as string,
  poolMax: 32,
});
const deps = { db, registry: buildRegistry() };

process.on('message', (m: SubmitRequest | 'stop') => {
  if (m === 'stop') {
    void db.destroy().then(() => process.exit(0));
    return;
  }
  void (async () => {
    const startedAt: Array<[string, number]> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: m.callers }, async () => {
        while (next < m.ids.length) {
          const id = m.ids[next++] as string;
          startedAt.push([id, performance.timeOrigin + performance.now()]);
          await applyEvent(deps, m.actor, { profileId: id, type: 'SUBMIT' });
        }
      }),
    );
    process.send?.({ startedAt } satisfies SubmitDone);
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
process.send?.({ ready: true });
