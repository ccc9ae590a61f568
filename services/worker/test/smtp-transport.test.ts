import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMessage, createSmtpTransport, type MailTransport } from '../src/mailer.js';
import { pollUntil } from './helpers.js';

/** An SMTP server that records, per message, the bytes that arrived and whether its final dot did. */
interface Received {
  bytes: number;
  complete: boolean;
}
const received: Received[] = [];
let server: SMTPServer;
let url: string;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const r: Received = { bytes: 0, complete: false };
      received.push(r);
      stream.on('data', (chunk: Buffer) => {
        r.bytes += chunk.length;
      });
      stream.on('end', () => {
        r.complete = true;
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const from = 'Steckbrief <noreply@steckbrief.example.org>';
const envelope = { from: 'noreply@steckbrief.example.org', to: ['antragsteller@example.org'] };

async function message(n: number): Promise<Buffer> {
  return composeMessage(from, {
    email: 'antragsteller@example.org',
    subject: `Ihr Projektsteckbrief ${n}`,
    text_body: 'Guten Tag,\n\nIhr Projektsteckbrief wurde eingereicht.\n'.repeat(40),
    html_body: '<p>Guten Tag,</p><p>Ihr Projektsteckbrief wurde eingereicht.</p>'.repeat(40),
    message_id: `<n${n}@steckbrief.example.org>`,
    cause: `test:${n}`,
  });
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('the SMTP transport', () => {
  let transport: MailTransport;
  beforeAll(() => {
    transport = createSmtpTransport(url, 1);
  });
  afterAll(() => transport.close());

  it('sends envelope and body at once and the final dot only when beforeEnd resolves', async () => {
    const raw = await message(1);
    const gate = deferred();
    let asked = false;
    const before = received.length;
    const sent = transport.sendMail({
      envelope,
      raw,
      beforeEnd: () => {
        asked = true;
        return gate.promise;
      },
    });
    // The server's parser holds back the last few bytes until it knows whether they begin the terminator.
    await pollUntil(() => asked && (received[before]?.bytes ?? 0) >= raw.length - 8, 10_000, 'body received');
    expect(received[before]?.complete).toBe(false);
    gate.resolve();
    const info = await sent;
    expect(info.response).toMatch(/^250/);
    expect(received[before]?.complete).toBe(true);
  });

  it('breaks a message off when beforeEnd rejects: the send fails, the server gets no complete message, the next one goes out', async () => {
    const before = received.length;
    const gate = deferred();
    const failed = transport.sendMail({ envelope, raw: await message(2), beforeEnd: () => gate.promise });
    await pollUntil(() => (received[before]?.bytes ?? 0) > 0, 10_000, 'body received');
    gate.reject(new Error('lease ran low'));
    await expect(failed).rejects.toThrow('lease ran low');
    const info = await transport.sendMail({ envelope, raw: await message(3), beforeEnd: () => Promise.resolve() });
    expect(info.response).toMatch(/^250/);
    expect(received.slice(before).map((r) => r.complete)).toEqual([false, true]);
  });
});
