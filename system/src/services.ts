import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { delay, pollUntil } from './util.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export type ServiceKind = 'api' | 'worker';

export interface ExitRecord {
  name: string;
  pid: number;
  code: number | null;
  signal: string | null;
  at: number;
  /** True when the harness sent the signal (a fault), false when the process ended on its own. */
  expected: boolean;
}

/**
 * One built service (`services/<kind>/dist/main.js`) as a child process, configured only by its
 * environment, its output appended to a log file. It is restarted only by `restart()`, as a supervisor
 * would after the harness killed it; a process that ends on its own stays down and is reported.
 */
export class ServiceProcess {
  child: ChildProcess | null = null;
  /** Every exit of this service, expected (a fault) or not (a crash). */
  readonly exits: ExitRecord[] = [];
  private expectExit = false;
  private logFd: number | null = null;
  /** Where the current run's output starts in the log file. */
  private logOffset = 0;

  constructor(
    readonly name: string,
    readonly kind: ServiceKind,
    readonly port: number,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The probe that says the process serves: the API's `/healthz`, the worker's metrics `/healthz`. */
  get healthUrl(): string {
    return `http://127.0.0.1:${this.port}/healthz`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    this.expectExit = false;
    this.logFd = openSync(this.logFile, 'a');
    this.logOffset = statSync(this.logFile).size;
    const child = spawn(process.execPath, [path.join(ROOT, 'services', this.kind, 'dist/main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', this.logFd, this.logFd],
    });
    this.child = child;
    child.once('exit', (code, signal) => {
      this.exits.push({
        name: this.name,
        pid: child.pid ?? -1,
        code,
        signal,
        at: Date.now(),
        expected: this.expectExit,
      });
      if (this.logFd !== null) closeSync(this.logFd);
      this.logFd = null;
    });
    await pollUntil(
      async () => {
        if (!this.running) throw new Error(`${this.name} exited during start:\n${this.logTail()}`);
        return this.healthy();
      },
      timeoutMs,
      `${this.name} answers ${this.healthUrl}`,
      200,
    );
  }

  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(this.healthUrl, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** Send a signal as a fault; resolves when the process has exited. */
  async kill(signal: 'SIGKILL' | 'SIGTERM', timeoutMs = 30_000): Promise<ExitRecord> {
    const child = this.child;
    if (!child || !this.running) throw new Error(`${this.name} is not running`);
    this.expectExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await Promise.race([exited, delay(timeoutMs)]);
    if (this.running) throw new Error(`${this.name} did not exit ${timeoutMs} ms after ${signal}`);
    return this.exits.at(-1) as ExitRecord;
  }

  /** What a supervisor does after a process ended: start it again with the same configuration. */
  async restart(): Promise<void> {
    if (this.running) throw new Error(`${this.name} still runs`);
    await this.start();
  }

  /** Exits the harness did not cause. */
  crashes(since = 0): ExitRecord[] {
    return this.exits.filter((e) => !e.expected && e.at >= since);
  }

  /** The lines of the last run's output that say why it ended (an uncaught error and its message). */
  crashReason(): string {
    let text = '';
    try {
      text = readFileSync(this.logFile, 'utf8').slice(this.logOffset);
    } catch {
      return '(no log)';
    }
    const lines = text.split('\n').filter(Boolean);
    // pino's fatal lines (level 60) first, then Node's own last words (an uncaught error or 'error' event).
    const fatal = lines.flatMap((l) => {
      try {
        const j = JSON.parse(l) as { level?: number; msg?: string; err?: { message?: string; stack?: string } };
        if ((j.level ?? 0) < 60) return [];
        // The first frames of our own code say where the error escaped.
        const frames = (j.err?.stack ?? '')
          .split('\n')
          .filter((f) => /^\s*at /.test(f) && !f.includes('node_modules') && !f.includes('node:'))
          .slice(0, 2)
          .map((f) => f.trim());
        return [
          `${j.msg ?? ''}${j.err?.message ? `: ${j.err.message}` : ''}${frames.length ? ` (${frames.join(' ')})` : ''}`,
        ];
      } catch {
        return [];
      }
    });
    const node = lines.filter(
      (l) => /Unhandled|uncaught|^\w*Error\b|^error:|Emitted 'error'/.test(l) && !l.startsWith('{'),
    );
    const reason = [...fatal, ...node].slice(0, 3);
    return (reason.length ? reason : lines.slice(-3)).map((l) => l.trim().slice(0, 200)).join(' | ');
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    await this.kill('SIGTERM', 15_000).catch(() => this.child?.kill('SIGKILL'));
  }
}
