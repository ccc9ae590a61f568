import { type ChildProcess, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WorkerProcess {
  child: ChildProcess;
  /** SIGTERM and wait: the worker finishes its jobs and exits. */
  stop(): Promise<void>;
}

/** The real worker (`services/worker/src/main.ts`) as its own process, as deployed; configured through its environment. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const main = fileURLToPath(new URL('./main.ts', import.meta.resolve('@steckbrief/worker')));
  let output = '';
  // e.g. WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the worker
  const nodeArgs = (process.env.WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', main], {
    cwd: dirname(dirname(main)),
    env: {
      PATH: process.env.PATH ?? '',
      // Its PostgreSQL backends count as the bench's (see lib/cpu.ts).
      ...(process.env.PGAPPNAME ? { PGAPPNAME: process.env.PGAPPNAME } : {}),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // Several workers run side by side; none needs the metrics port.
      WORKER_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m) => {
      if ((m as { ready?: boolean }).ready) resolve();
    });
    void exited.then((code) => reject(new Error(`worker exited (${code}): ${output.slice(-2000)}`)));
  });
  return {
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
