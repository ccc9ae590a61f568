import { SMTPServer } from 'smtp-server';

export interface SinkMail {
  messageId: string;
  to: string;
  subject: string;
  cause: string;
  /** Date.now() when the end of DATA arrived (the moment a real server commits the message). */
  at: number;
  /** The client's local port: which connection, hence which process, sent it. */
  clientPort: number;
}

export interface RecordingSink {
  port: number;
  url: string;
  /** Every accepted message in order; a re-sent message appears twice. */
  mails: SinkMail[];
  /** Messages whose DATA has started but which have not been answered yet, by the client's local port. */
  inFlightByClientPort(): Map<number, number>;
  inFlight(): number;
  /** Message-IDs accepted (DATA complete) but not yet answered with 250 on the given client ports. */
  awaitingAnswer(ports: number[]): string[];
  /** Delay each answer to DATA by `ms` (mails stay in flight, as with a slow relay). */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

function header(head: string, name: string): string {
  // Headers end at the first empty line; folded continuation lines start with whitespace.
  const block = head.split(/\r?\n\r?\n/)[0] ?? '';
  const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(block);
  return (m?.[1] ?? '').replace(/\r?\n[ \t]+/g, ' ').trim();
}

/**
 * An SMTP sink recording Message-ID, recipient, subject and cause of every accepted message. Unlike the
 * worker tests' sink it parses only the header block (the harness must not compete with the system for
 * CPU) and it knows which client connection holds which message in flight, so the harness can SIGKILL a
 * worker while it is sending. A message is recorded at the end of DATA, before the 250 answer.
 */
export async function startRecordingSink(): Promise<RecordingSink> {
  const mails: SinkMail[] = [];
  const inFlight = new Map<number, number>();
  const unanswered = new Map<number, Set<string>>();
  let delayMs = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const port = session.remotePort;
      inFlight.set(port, (inFlight.get(port) ?? 0) + 1);
      const done = (error?: Error) => {
        inFlight.set(port, (inFlight.get(port) ?? 1) - 1);
        if ((inFlight.get(port) ?? 0) <= 0) inFlight.delete(port);
        callback(error ?? null);
      };
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 16_384) head += chunk.toString('latin1');
      });
      stream.on('error', (err: Error) => done(err));
      stream.on('end', () => {
        const messageId = header(head, 'Message-ID');
        const waiting = unanswered.get(port) ?? new Set<string>();
        unanswered.set(port, waiting.add(messageId));
        const answer = () => {
          waiting.delete(messageId);
          if (!waiting.size) unanswered.delete(port);
          done();
        };
        mails.push({
          messageId,
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()).join(','),
          subject: header(head, 'Subject'),
          cause: header(head, 'X-Steckbrief-Cause'),
          at: Date.now(),
          clientPort: port,
        });
        if (delayMs > 0) setTimeout(answer, delayMs);
        else answer();
      });
    },
  });
  // A client killed mid-conversation resets its socket: that is a scenario here, not an error.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    inFlightByClientPort: () => new Map(inFlight),
    inFlight: () => [...inFlight.values()].reduce((a, b) => a + b, 0),
    awaitingAnswer: (ports) => ports.flatMap((p) => [...(unanswered.get(p) ?? [])]),
    setDelay(ms) {
      delayMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
