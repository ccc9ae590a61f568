import { type ChildProcess, fork } from 'node:child_process';
import type { BenchContext } from './types.js';

/**
 * A child process of the bench (a server, or a part of the load), forked with this process's loader
 * (tsx) and, with BENCH_CPU_PROF set, writing a V8 CPU profile there. Resolves with the child and the
 * first message it sends (its port, or that it is ready); `hello`, if given, is sent to it first;
 * `nodeFlags` are V8 flags to start it with (the API's, as deployed). At the end of the run it is sent
 * 'stop' and awaited.
 */
export async function forkChild(
  ctx: BenchContext,
  entry: string,
  env: Record<string, string>,
  hello?: unknown,
  nodeFlags: readonly string[] = [],
): Promise<{ child: ChildProcess; first: unknown }> {
  const child = fork(entry, [], {
    // PGAPPNAME comes along: its PostgreSQL backends count as the bench's (lib/cpu.ts).
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [
      ...process.execArgv,
      ...nodeFlags,
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
  });
  const first = await new Promise<unknown>((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}`)));
    if (hello !== undefined) child.send(hello as object);
  });
  ctx.defer(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  );
  return { child, first };
}
