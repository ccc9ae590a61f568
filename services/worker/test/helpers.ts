import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Db } from '@steckbrief/db';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import type { Actor, EngineDeps } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { buildRegistry } from '@steckbrief/workflows';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { createSmtpTransport } from '../src/mailer.js';
import { type RunningWorker, startWorker, type WorkerOptions } from '../src/worker.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const WORKER_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface ReceivedMail {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  cause: string;
}

export interface SmtpSink {
  port: number;
  url: string;
  /** Every message the sink accepted, in order (a re-sent message appears twice). */
  messages: ReceivedMail[];
  /** One per Message-ID: what a receiver that de-duplicates by Message-ID keeps. */
  mailbox(): Map<string, ReceivedMail>;
  /** Hold every answer to DATA until `release()`: mails stay in flight, deterministically. */
  hold(): void;
  /** Messages whose DATA answer is being held or delayed right now (in flight on a connection). */
  inFlight(): number;
  /** The Message-IDs of those messages. */
  inFlightIds(): string[];
  release(): void;
  close(): Promise<void>;
}

/**
 * An in-process SMTP server that records what it accepts. `delayMs` slows each DATA answer (to
 * have mails in flight); `reject` answers RCPT TO with a permanent error for chosen addresses.
 * A message is recorded just before the server answers 250, as a real server would commit it.
 */
export interface SmtpSinkOptions {
  delayMs?: number;
  reject?: (address: string) => boolean;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  const inFlight = new Map<number, string>();
  let exchanges = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (options.reject?.(address.address)) {
        const error = Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const messageId = parsed.messageId ? `<${parsed.messageId.replace(/^<|>$/g, '')}>` : '';
          const exchange = ++exchanges;
          inFlight.set(exchange, messageId);
          await gate;
          if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
          inFlight.delete(exchange);
          messages.push({
            messageId,
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            cause: String(parsed.headers.get('x-steckbrief-cause') ?? ''),
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  // A client killed mid-conversation resets its socket; that is the scenario, not a test failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    mailbox() {
      const box = new Map<string, ReceivedMail>();
      for (const m of messages) if (!box.has(m.messageId)) box.set(m.messageId, m);
      return box;
    },
    hold() {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    release() {
      open();
      gate = Promise.resolve();
    },
    inFlight: () => inFlight.size,
    inFlightIds: () => [...inFlight.values()],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Poll `check` until it returns true; fail after `timeoutMs`. No sleeps where an observable result can be awaited. */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  message: string,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const uniquePrefix = (label: string) => `test:${label}:${randomBytes(4).toString('hex')}`;

export type TestWorkerOptions = Partial<Omit<WorkerOptions, 'db' | 'schema' | 'transport'>> & {
  db: Db;
  schema: string;
  databaseUrl: string;
  smtpUrl: string;
  /** Pooled SMTP connections (5). */
  smtpPoolSize?: number;
};

/** The worker, in this process, with fast test timings. */
export async function startTestWorker(o: TestWorkerOptions): Promise<RunningWorker> {
  const { smtpUrl, smtpPoolSize = 5, ...rest } = o;
  return startWorker({
    redisUrl: REDIS_URL,
    redisPrefix: uniquePrefix('worker'),
    registry: buildRegistry(),
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    publicUrl: 'https://steckbrief.example.org',
    mailFrom: 'Steckbrief <noreply@steckbrief.example.org>',
    mailAttempts: 5,
    mailBackoffMs: 100,
    mailLeaseMs: 5_000,
    reminderOffsets: [4_000, 2_000],
    reconcileIntervalMs: 1_000,
    relayPollMs: 200,
    concurrency: 8,
    jobLockMs: 5_000,
    transport: createSmtpTransport(smtpUrl, smtpPoolSize),
    ...rest,
  });
}

export interface ChildWorker {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  output: () => string;
}

/** The real worker entry point (`src/main.ts`) as a child process, configured only through its environment. */
export function spawnWorker(env: Record<string, string>): ChildWorker {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: WORKER_DIR,
    // No metrics port: children run in parallel and would all want the default one.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', WORKER_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m) => {
      if ((m as { ready?: boolean }).ready) resolve();
    });
    void exited.then((code) => reject(new Error(`worker exited early (${code}): ${output}`)));
  });
  return { child, ready, exited, output: () => output };
}

/** A profile that satisfies every SUBMIT rule; see the workflow package. */
export const completeProfile = exampleProfile;

export interface Person extends Actor {
  userId: string;
  email: string;
}

/** The cast of the Brandenburg pipeline, plus people who must never receive these mails. */
export async function seedPeople(db: Db) {
  const tag = randomBytes(3).toString('hex');
  const add = async (
    key: string,
    roles: Array<Record<string, string | number>>,
    organisation: string | null = null,
  ): Promise<Person> => {
    const email = `${key}-${tag}@example.org`;
    const row = await db
      .insertInto('users')
      .values({ email, name: `Person ${key}`, organisation, roles: JSON.stringify(roles) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { userId: row.id, organisation, grants: roles as Actor['grants'], email };
  };
  return {
    applicant1: await add('applicant1', [{ role: 'applicant' }], 'Gemeinde Burg'),
    applicant2: await add('applicant2', [{ role: 'applicant' }], 'Gemeinde Burg'),
    otherApplicant: await add('other-applicant', [{ role: 'applicant' }], 'Stadt Cottbus'),
    wrl1: await add('wrl1', [{ role: 'wrl' }]),
    wrl2: await add('wrl2', [{ role: 'wrl' }]),
    werkstatt4: await add('werkstatt4', [{ role: 'werkstatt', werkstatt: 4 }]),
    werkstatt3: await add('werkstatt3', [{ role: 'werkstatt', werkstatt: 3 }]),
    mil: await add('mil', [{ role: 'ministry', ministry: 'MIL' }]),
    mwae: await add('mwae', [{ role: 'ministry', ministry: 'MWAE' }]),
    mbjs: await add('mbjs', [{ role: 'ministry', ministry: 'MBJS' }]),
    commissioner: await add('commissioner', [{ role: 'commissioner' }]),
    imag: await add('imag', [{ role: 'imag' }]),
  };
}
export type People = Awaited<ReturnType<typeof seedPeople>>;

/** Count delivery rows by status. */
export async function deliveryCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('mail_deliveries')
    .select(['status'])
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export interface WorkerTestEnv {
  database: TestDatabase;
  sink: SmtpSink;
  worker: RunningWorker;
  people: People;
  deps: EngineDeps;
  stop(): Promise<void>;
}

/**
 * A test file's worker set-up: its own schema with the seeded people, an SMTP sink (its options may
 * depend on the people) and a worker in this process with fast test timings.
 */
export async function startWorkerTestEnv(
  label: string,
  o: { sink?: SmtpSinkOptions | ((people: People) => SmtpSinkOptions); worker?: Partial<TestWorkerOptions> } = {},
): Promise<WorkerTestEnv> {
  const database = await createTestDatabase(label);
  const people = await seedPeople(database.db);
  const sink = await startSmtpSink(typeof o.sink === 'function' ? o.sink(people) : o.sink);
  const worker = await startTestWorker({
    db: database.db,
    schema: database.schema,
    databaseUrl: database.url,
    smtpUrl: sink.url,
    ...o.worker,
  });
  return {
    database,
    sink,
    worker,
    people,
    deps: { db: database.db, registry: buildRegistry() },
    async stop() {
      await worker.stop();
      await sink.close();
      await database.destroy();
    },
  };
}
