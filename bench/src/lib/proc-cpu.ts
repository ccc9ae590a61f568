import { readFile } from 'node:fs/promises';

/** CPU milliseconds (user + system) a process has used so far; NaN where /proc is missing. */
export async function processCpuMs(pid: number): Promise<number> {
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Sum of CPU milliseconds several processes use between `start` and the returned stop function. */
export async function cpuWindow(pids: number[]): Promise<() => Promise<number>> {
  const before = await Promise.all(pids.map(processCpuMs));
  return async () => {
    const after = await Promise.all(pids.map(processCpuMs));
    return after.reduce((sum, ms, i) => sum + (ms - (before[i] as number)), 0);
  };
}
