import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `check` until it returns true; throws after `timeoutMs`. */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await delay(everyMs);
  }
}

/** Resident memory of a process in bytes (VmRSS), or null when it is gone. */
export function residentBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** The local TCP ports of the sockets a process holds towards `remotePort` on 127.0.0.1 (from /proc). */
export function connectedLocalPorts(pid: number, remotePort: number): number[] {
  let links: string[];
  try {
    links = readdirLinks(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const inodes = new Set(links.map((l) => /^socket:\[(\d+)\]$/.exec(l)?.[1]).filter(Boolean) as string[]);
  const ports: number[] = [];
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    const local = Number.parseInt(cols[1]?.split(':')[1] ?? '', 16);
    const remote = Number.parseInt(cols[2]?.split(':')[1] ?? '', 16);
    if (remote === remotePort && inodes.has(cols[9] ?? '')) ports.push(local);
  }
  return ports;
}

function readdirLinks(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    try {
      return [readlinkSync(`${dir}/${f}`)];
    } catch {
      return [];
    }
  });
}
