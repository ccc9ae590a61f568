import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';

export interface CountingSink {
  url: string;
  /** Messages accepted so far. */
  count(): number;
  /** performance.now() when each cause (X-Steckbrief-Cause header, if any) was accepted. */
  acceptedAt: Map<string, number>;
  /** Resolves once `n` messages have been accepted in total. */
  waitFor(n: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A lean SMTP sink for benchmarks: it reads each message, notes its cause header and answers 250; no
 * MIME parsing, so the sink costs the same whoever sends to it.
 */
export async function startCountingSink(): Promise<CountingSink> {
  let accepted = 0;
  const acceptedAt = new Map<string, number>();
  let waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        accepted++;
        const cause = /^X-Steckbrief-Cause:\s*(\S+)/im.exec(head)?.[1];
        if (cause) acceptedAt.set(cause, performance.now());
        for (const w of waiters) if (accepted >= w.n) w.resolve();
        waiters = waiters.filter((w) => accepted < w.n);
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: () => accepted,
    acceptedAt,
    waitFor(n, timeoutMs) {
      if (accepted >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`sink: ${accepted} of ${n} messages after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
