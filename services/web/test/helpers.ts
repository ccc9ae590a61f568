import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Db } from '@steckbrief/db';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { type Actor, applyEvent, createProfile, type EngineDeps, type FundingPeriod } from '@steckbrief/engine';
import { createSmtpTransport, type RunningWorker, startWorker } from '@steckbrief/worker';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { buildRegistry } from '@steckbrief/workflows';
import express from 'express';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { webRoutes } from '../src/index.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/** An in-process SMTP server that keeps what it accepts. */
export async function startSmtpSink() {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

export async function pollUntil<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A clock the test moves forward: the web app and the engine read it; the worker keeps real time. */
export function testClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(ms: number) {
      offsetMs += ms;
    },
  };
}

export interface Person {
  userId: string;
  email: string;
  name: string;
}

async function addUser(db: Db, key: string, roles: object[], organisation: string | null): Promise<Person> {
  const email = `${key}-${randomBytes(3).toString('hex')}@example.org`;
  const name = `Person ${key}`;
  const row = await db
    .insertInto('users')
    .values({ email, name, organisation, roles: JSON.stringify(roles) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: row.id, email, name };
}

export interface WebTestEnv {
  url: string;
  database: TestDatabase;
  sink: SmtpSink;
  worker: RunningWorker;
  deps: EngineDeps;
  clock: ReturnType<typeof testClock>;
  people: {
    applicant: Person;
    colleague: Person;
    other: Person;
    wrl: Person;
    ministry: Person;
    commissioner: Person;
    imag: Person;
  };
  actorOf(person: Person): Promise<Actor>;
  /** Send an event to a profile as a person, through the engine. */
  send(person: Person, profileId: string, type: string, payload?: Record<string, unknown>): Promise<void>;
  /** Take an applicant's draft through the whole pipeline to "confirmed" by the IMAG (Werkstatt 4, MIL). */
  confirm(profileId: string): Promise<void>;
  /** How many sign-in mails `email` received so far. */
  signinMailCount(email: string): number;
  /** The sign-in mail number `seen` (from 0) to `email`, once it arrived: its code and link. */
  signinMail(email: string, seen?: number): Promise<{ code: string; link: string }>;
  addPerson(key: string, roles: object[], organisation: string | null): Promise<Person>;
  /** A cookie-keeping HTTP client signed in as the person (code from the mail). */
  signIn(person: Person): Promise<HttpClient>;
  /** A profile of the applicant's organisation (`Gemeinde Burg`). */
  createProfileFor(person: Person, data?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A test file's web application: its own schema with a few people, an SMTP sink, the real worker
 * (so sign-in mails go through the outbox), and an Express app with only the web router.
 */
export interface WebTestOptions {
  /** The web app's `development` flag (the worker then prints undeliverable sign-in codes). */
  development?: boolean;
  /** Instead of the sink (e.g. a port where no SMTP server answers). */
  smtpUrl?: string;
  /** Where the worker and the web app log (default: nowhere). */
  logLines?: string[];
  /** Funding periods for the budget pages. */
  fundingPeriods?: FundingPeriod[];
}

export async function startWebTestEnv(label: string, options: WebTestOptions = {}): Promise<WebTestEnv> {
  const database = await createTestDatabase(label);
  const { db } = database;
  const registry = buildRegistry();
  const clock = testClock();
  const people = {
    applicant: await addUser(db, 'applicant', [{ role: 'applicant' }], 'Gemeinde Burg'),
    colleague: await addUser(db, 'colleague', [{ role: 'applicant' }], 'Gemeinde Burg'),
    other: await addUser(db, 'other', [{ role: 'applicant' }], 'Stadt Cottbus'),
    wrl: await addUser(db, 'wrl', [{ role: 'wrl' }], null),
    ministry: await addUser(db, 'mil', [{ role: 'ministry', ministry: 'MIL' }], null),
    commissioner: await addUser(db, 'commissioner', [{ role: 'commissioner' }], null),
    imag: await addUser(db, 'imag', [{ role: 'imag' }], null),
  };
  const actorOf = async (person: Person): Promise<Actor> => {
    const u = await db
      .selectFrom('users')
      .select(['organisation', 'roles'])
      .where('id', '=', person.userId)
      .executeTakeFirstOrThrow();
    return { userId: person.userId, organisation: u.organisation, grants: u.roles };
  };
  const sink = await startSmtpSink();
  const app = express();
  app.set('trust proxy', 'loopback');
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const logLines = options.logLines;
  const logger = logLines
    ? pino({ level: 'info' }, { write: (line: string) => logLines.push(line) })
    : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  app.use(
    webRoutes({
      db,
      registry,
      publicUrl: url,
      now: clock.now,
      logger,
      development: options.development,
      fundingPeriods: options.fundingPeriods,
    }),
  );
  const worker = await startWorker({
    db,
    databaseUrl: database.url,
    schema: database.schema,
    redisUrl: REDIS_URL,
    redisPrefix: `test:web-${label}:${randomBytes(4).toString('hex')}`,
    registry,
    transport: createSmtpTransport(options.smtpUrl ?? sink.url, 2),
    logger,
    publicUrl: url,
    mailFrom: 'Steckbrief <noreply@steckbrief.example.org>',
    mailAttempts: 5,
    mailBackoffMs: 100,
    mailLeaseMs: 5_000,
    reminderOffsets: [],
    reconcileIntervalMs: 60_000,
    relayPollMs: 100,
    concurrency: 2,
    jobLockMs: 5_000,
  });
  const deps: EngineDeps = { db, registry, now: clock.now };
  const signinMails = (email: string) =>
    sink.messages.filter((m) => m.to === email && m.subject.includes('Anmeldecode'));
  const send = async (person: Person, profileId: string, type: string, payload: Record<string, unknown> = {}) => {
    await applyEvent(deps, await actorOf(person), { profileId, type, payload });
  };
  return {
    actorOf,
    send,
    async confirm(profileId) {
      await send(people.applicant, profileId, 'SUBMIT');
      await send(people.wrl, profileId, 'ACCEPT', { werkstatt: 4 });
      await send(people.wrl, profileId, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: ['MIL'] });
      await send(people.ministry, profileId, 'STATEMENT', { opinion: 'endorse', text: 'Interne Stellungnahme XYZ' });
      await send(people.commissioner, profileId, 'APPROVE');
      await send(people.imag, profileId, 'CONFIRM', { priority: 1 });
    },
    url,
    database,
    sink,
    worker,
    deps,
    clock,
    people,
    signinMailCount: (email) => signinMails(email).length,
    async signinMail(email, seen = 0) {
      const mail = await pollUntil(() => signinMails(email)[seen], 20_000, `sign-in mail to ${email}`);
      const code = /lautet: (\d{6})/.exec(mail.text)?.[1];
      const link = /(http\S+\/anmelden\/link\?token=\S+)/.exec(mail.text)?.[1];
      if (!code || !link) throw new Error(`no code or link in: ${mail.text}`);
      return { code, link };
    },
    addPerson: (key, roles, organisation) => addUser(db, key, roles, organisation),
    async signIn(person) {
      const client = httpClient(url);
      const seen = signinMails(person.email).length;
      const csrf = await client.csrf('/anmelden');
      await client.request('/anmelden', { method: 'POST', form: { _csrf: csrf, email: person.email } });
      const mail = await pollUntil(() => signinMails(person.email)[seen], 20_000, `sign-in mail to ${person.email}`);
      const code = /lautet: (\d{6})/.exec(mail.text)?.[1] ?? '';
      const codeCsrf = await client.csrf('/anmelden/code');
      const res = await client.request('/anmelden/code', { method: 'POST', form: { _csrf: codeCsrf, code } });
      if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
      return client;
    },
    async createProfileFor(person, data = exampleProfile()) {
      return (await createProfile(deps, await actorOf(person), { data })).id;
    },
    async stop() {
      await worker.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await sink.close();
      await database.destroy();
    },
  };
}

/**
 * A minimal cookie-keeping HTTP client for the security tests (what a browser does, without one):
 * follows no redirects, so each step's answer is visible.
 */
export type HttpClient = ReturnType<typeof httpClient>;

export function httpClient(base: string) {
  const jar = new Map<string, string>();
  const client = {
    jar,
    async request(
      path: string,
      init: {
        method?: string;
        form?: Record<string, string>;
        multipart?: FormData;
        headers?: Record<string, string>;
      } = {},
    ) {
      const headers: Record<string, string> = { ...init.headers };
      if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      let body: string | FormData | undefined = init.multipart;
      if (init.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(init.form).toString();
      }
      const res = await fetch(new URL(path, base), { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [name, ...value] = (pair ?? '').split('=');
        if (!name) continue;
        if (/expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
        else jar.set(name, value.join('='));
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      return {
        status: res.status,
        location: res.headers.get('location'),
        headers: res.headers,
        bytes,
        text: bytes.toString('utf8'),
      };
    },
    /** The CSRF token of the form on a page. */
    async csrf(path: string) {
      const page = await client.request(path);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
      if (!token) throw new Error(`no CSRF token on ${path} (${page.status})`);
      return token;
    },
  };
  return client;
}
