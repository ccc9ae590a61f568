import { readFile } from 'node:fs/promises';
import pg from 'pg';

/**
 * CPU time spent per measured window by the application process and by the PostgreSQL backends
 * of this bench (connections named `application_name = BENCH_APP_NAME`). On a shared 2-core machine
 * CPU per operation is much steadier than throughput, so it shows where time goes even under load.
 * Linux only (reads /proc); elsewhere the figures are NaN.
 */
export const BENCH_APP_NAME = 'steckbrief-bench';

export interface CpuUse {
  /** Milliseconds of CPU of the process doing the work (bench process, or the API server child). */
  appMs: number;
  /** Milliseconds of CPU of the bench's PostgreSQL backends. */
  pgMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

async function procCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

export class CpuMeter {
  private constructor(private readonly monitor: pg.Client) {}

  static async connect(url: string): Promise<CpuMeter> {
    const monitor = new pg.Client({ connectionString: url, application_name: `${BENCH_APP_NAME}-monitor` });
    await monitor.connect();
    return new CpuMeter(monitor);
  }

  private async backends(): Promise<Map<number, number>> {
    const { rows } = await this.monitor.query<{ pid: number }>(
      'select pid from pg_stat_activity where application_name = $1',
      [BENCH_APP_NAME],
    );
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = await procCpuMs(pid);
      if (ms !== undefined) out.set(pid, ms);
    }
    return out;
  }

  /** Start a window; the returned function ends it. `appPid` defaults to this process. */
  async start(appPid?: number): Promise<() => Promise<CpuUse>> {
    const appStart = appPid ? await procCpuMs(appPid) : undefined;
    const selfStart = process.cpuUsage();
    const pgStart = await this.backends();
    return async () => {
      const pgEnd = await this.backends();
      let pgMs = 0;
      for (const [pid, ms] of pgEnd) pgMs += ms - (pgStart.get(pid) ?? 0);
      let appMs: number;
      if (appPid) {
        const end = await procCpuMs(appPid);
        appMs = end !== undefined && appStart !== undefined ? end - appStart : Number.NaN;
      } else {
        const d = process.cpuUsage(selfStart);
        appMs = (d.user + d.system) / 1000;
      }
      return { appMs, pgMs: process.platform === 'linux' ? pgMs : Number.NaN };
    };
  }

  close() {
    return this.monitor.end();
  }
}
