import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, completeProfile, startTestApi, type TestApi } from './helpers.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
// Values are what Go's strconv.ParseFloat reads (as Prometheus does): NaN and Inf in any letter case.
const VALUE = String.raw`(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?[Ii][Nn][Ff]|[Nn][Aa][Nn])`;
const LABEL_PAIR = String.raw`(${LABEL})="((?:[^"\\\n]|\\[\\"n])*)"`;
const SAMPLE = new RegExp(
  String.raw`^(${NAME})(?:\{((?:${LABEL_PAIR}(?:,${LABEL_PAIR})*)?,?)\})? (${VALUE})(?: -?\d+)?$`,
);
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is HELP, TYPE, a comment or a sample;
 * every sample belongs to a family declared by TYPE before it; label values are escaped correctly.
 */
function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    let m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    if (m) {
      const [, name, help] = m as unknown as [string, string, string];
      families.set(name, { ...(families.get(name) ?? { type: 'untyped', samples: [] }), help });
      continue;
    }
    m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (m) {
      const [, name, type] = m as unknown as [string, string, string];
      expect(families.get(name)?.samples.length ?? 0, `TYPE of ${name} before its samples`).toBe(0);
      families.set(name, { help: families.get(name)?.help ?? '', samples: [], type });
      continue;
    }
    if (line.startsWith('#')) continue;
    m = SAMPLE.exec(line);
    expect(m, `sample line: ${line}`).not.toBeNull();
    const name = (m as RegExpExecArray)[1] as string;
    const labels: Record<string, string> = {};
    for (const [, key, raw] of ((m as RegExpExecArray)[2] ?? '').matchAll(new RegExp(LABEL_PAIR, 'g'))) {
      expect(labels[key as string], `duplicate label ${key}`).toBeUndefined();
      labels[key as string] = (raw as string).replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    const raw = ((m as RegExpExecArray).at(-1) as string).toLowerCase();
    const number =
      raw === 'nan' ? Number.NaN : raw.endsWith('inf') ? (raw.startsWith('-') ? -1 : 1) * Infinity : Number(raw);
    const family = [...families.entries()].find(
      ([base, f]) => name === base || (SUFFIXES[f.type] ?? []).some((s) => name === base + s),
    );
    expect(family, `declared family for ${name}`).toBeDefined();
    if (family?.[1].type === 'histogram' && name.endsWith('_bucket')) expect(labels.le).toBeDefined();
    family?.[1].samples.push({ name, labels, value: number });
  }
  return families;
}

let api: TestApi;
let operator: { token: string };
beforeAll(async () => {
  api = await startTestApi('metrics');
  operator = await api.user([{ role: 'operator' }]);
});
afterAll(async () => {
  await api?.close();
});

async function scrape(): Promise<Map<string, Family>> {
  const res = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${operator.token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

const value = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}) =>
  families
    .get(name)
    ?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('GET /metrics', () => {
  it('is for the operator role only', async () => {
    const applicant = await api.user([{ role: 'applicant' }], 'Gemeinde Burg');
    expect((await api.request(null, 'GET', '/metrics')).status).toBe(401);
    expect((await api.request('not-a-token', 'GET', '/metrics')).status).toBe(401);
    const forbidden = await api.request(applicant.token, 'GET', '/metrics');
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await api.request(ADMIN_TOKEN, 'GET', '/metrics')).status).toBe(403);
    expect((await api.request(operator.token, 'GET', '/metrics')).status).toBe(200);
  });

  it('answers in the Prometheus text format, with process metrics and the database gauges', async () => {
    const families = await scrape();
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(families.get('http_request_duration_seconds')?.type).toBe('histogram');
    expect(families.get('steckbrief_transitions_total')?.type).toBe('counter');
    for (const gauge of [
      'steckbrief_tasks_open',
      'steckbrief_tasks_overdue',
      'steckbrief_outbox_backlog',
      'steckbrief_outbox_oldest_age_seconds',
      'steckbrief_mail_deliveries',
    ]) {
      expect(families.get(gauge)?.type, gauge).toBe('gauge');
    }
    expect(value(families, 'steckbrief_mail_deliveries', { status: 'failed' })).toBe(0);
    expect(families.has('steckbrief_queue_jobs')).toBe(false);
  });

  it('counts one SUBMIT exactly once, not its idempotent replay, and reads tasks and outbox from the database', async () => {
    const applicant = await api.user([{ role: 'applicant' }], 'Gemeinde Cottbus');
    const labels = { workflow: 'lausitz-brandenburg', event: 'SUBMIT' };
    const before = value(await scrape(), 'steckbrief_transitions_total', labels) ?? 0;

    const created = await api.request(applicant.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
    expect(created.status).toBe(201);
    const submit = () =>
      api.request(
        applicant.token,
        'POST',
        `/api/v1/profiles/${created.body.id}/events`,
        { type: 'SUBMIT' },
        {
          'idempotency-key': 'submit-once',
        },
      );
    const first = await submit();
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const replay = await submit();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const after = await scrape();
    expect(value(after, 'steckbrief_transitions_total', labels)).toBe(before + 1);

    const state = first.body.state as string;
    const openTasks = await api.database.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'open')
      .where('state', '=', state)
      .executeTakeFirstOrThrow();
    expect(Number(openTasks.n)).toBeGreaterThan(0);
    expect(value(after, 'steckbrief_tasks_open', { workflow: 'lausitz-brandenburg', state })).toBe(Number(openTasks.n));
    expect(value(after, 'steckbrief_tasks_overdue', { workflow: 'lausitz-brandenburg', state })).toBe(0);

    const outbox = await api.database.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('processed_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(outbox.n)).toBeGreaterThan(0);
    expect(value(after, 'steckbrief_outbox_backlog')).toBe(Number(outbox.n));
    expect(value(after, 'steckbrief_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('labels request durations with the route pattern, never the raw URL', async () => {
    const applicant = await api.user([{ role: 'applicant' }], 'Gemeinde Forst');
    const created = await api.request(applicant.token, 'POST', '/api/v1/profiles', { data: {} });
    const id = created.body.id as string;
    expect((await api.request(applicant.token, 'GET', `/api/v1/profiles/${id}`)).status).toBe(200);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await api.request(applicant.token, 'GET', `/api/v1/profiles/${missing}/history`)).status).toBe(404);
    expect((await api.request(applicant.token, 'GET', `/api/v1/nowhere/${id}`)).status).toBe(404);

    const families = await scrape();
    const samples = families.get('http_request_duration_seconds')?.samples ?? [];
    const count = (route: string, status: string) =>
      samples.find(
        (s) =>
          s.name === 'http_request_duration_seconds_count' &&
          s.labels.method === 'GET' &&
          s.labels.route === route &&
          s.labels.status === status,
      )?.value;
    expect(count('/api/v1/profiles/:id', '200')).toBe(1);
    expect(count('/api/v1/profiles/:id/history', '404')).toBe(1);
    expect(count('unmatched', '404')).toBe(1);
    const routes = new Set(samples.map((s) => s.labels.route));
    expect([...routes].filter((r) => r?.includes(id) || r?.includes(missing))).toEqual([]);
  });
});
