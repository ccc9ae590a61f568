/**
 * Child-process entry: the raw baseline of the inbox page. `node:http` and `pg` with nothing between:
 * the session by its cookie's hash (the web app's statement), then the engine's own page statement
 * (rows and figures, captured once at start from `inboxPageWithSummary`, so PostgreSQL does the same
 * work), and the HTML written with template strings around a page shell the parent sends (the real
 * page's bytes outside the table body). No Express, middleware, query builder, row mapping or
 * component rendering. Reports `{ port }` over IPC after the parent's `{ shell }` message; stops on
 * 'stop' or when the parent goes away.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb, poolOf } from '@steckbrief/db';
import { inboxPageWithSummary } from '@steckbrief/engine';
import { buildRegistry } from '@steckbrief/workflows';
import pg from 'pg';

const url = process.env.BENCH_DATABASE_URL as string;
const schema = process.env.BENCH_SCHEMA as string;
const db = createDb({ url, schema, poolMax: 1 });
const capturing = poolOf(db);
if (!capturing) throw new Error('no pool');
const registry = buildRegistry();

// The engine's statement for a MIL reviewer's default view, captured from the pool call it makes.
const captureUser = randomUUID();
const captureAt = new Date();
let captured: { text: string; values: unknown[] } | undefined;
const query = capturing.query.bind(capturing);
(capturing as { query: unknown }).query = (config: { text: string; values: unknown[] }) => {
  captured = { text: config.text, values: config.values };
  return query(config as never);
};
await inboxPageWithSummary(
  { db, registry, now: () => captureAt },
  {
    userId: captureUser,
    organisation: null,
    grants: [{ role: 'ministry', ministry: 'MIL' }],
  },
  { view: 'group', limit: 25, offset: 0 },
);
await db.destroy();
if (!captured) throw new Error('the inbox statement was not captured');
// A plain pool whose connections stay open between the benchmark's rounds (pg's default closes them
// after 10 s idle, and every round would start by connecting and preparing again).
const pool = new pg.Pool({
  connectionString: url,
  max: Number(process.env.BENCH_POOL_MAX ?? 16),
  idleTimeoutMillis: 0,
  options: `-c search_path=${schema}`,
});
const page = captured;
const PAGE = 'raw_inbox_page';

const SESSION = `select s.id_hash, s.user_id, s.csrf_token, s.pending_email, s.last_seen_at, s.expires_at,
  u.name, u.email, u.organisation, u.roles, u.disabled_at
from web_sessions as s left join users as u on u.id = s.user_id
where s.id_hash = $1`;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
const dateFormat = new Intl.DateTimeFormat('de-DE', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/Berlin',
});

interface Row {
  id: string | null;
  title: string | null;
  summary: { sponsor?: string } | null;
  state: string;
  due_at: Date | null;
  claimed_by: string | null;
  claimed_by_name: string | null;
}

function rowHtml(r: Row, userId: string, now: Date): string {
  const title = escapeHtml(r.title ?? 'Steckbrief ohne Titel');
  const due = r.due_at
    ? `<time datetime="${r.due_at.toISOString()}">${dateFormat.format(r.due_at)}</time>${r.due_at < now ? ' <span class="kern-badge kern-badge--danger"><span class="kern-label kern-label--small">Überfällig</span></span>' : ''}`
    : '–';
  const mine = r.claimed_by === userId;
  const action =
    r.claimed_by && !mine
      ? ''
      : `<button type="submit" formaction="/aufgaben/${r.id}/${mine ? 'freigeben' : 'uebernehmen'}" class="kern-btn kern-btn--secondary kern-btn--small inbox__action"><span class="kern-label">${mine ? 'Freigeben' : 'Übernehmen'}<span class="kern-sr-only">: ${title}</span></span></button>`;
  return (
    `<tr class="kern-table__row"><th scope="row" class="kern-table__cell"><a class="kern-link" href="/aufgaben/${r.id}?zurueck=%2Faufgaben">${title}</a></th>` +
    `<td class="kern-table__cell">${escapeHtml(r.summary?.sponsor ?? '–')}</td><td class="kern-table__cell">${escapeHtml(r.state)}</td>` +
    `<td class="kern-table__cell">Stellungnahme</td><td class="kern-table__cell">${due}</td>` +
    `<td class="kern-table__cell">${mine ? 'Ihnen' : escapeHtml(r.claimed_by_name ?? 'niemandem')}</td><td class="kern-table__cell">${action}</td></tr>`
  );
}

let shell: { before: string; after: string } | undefined;

const server = createServer(async (req, res) => {
  try {
    const cookie = /(?:^|;\s*)steckbrief=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const hash = cookie ? createHash('sha256').update(decodeURIComponent(cookie)).digest('hex') : '';
    const session = cookie
      ? (await pool.query({ name: 'raw_session', text: SESSION, values: [hash] })).rows[0]
      : undefined;
    const now = new Date();
    if (!session?.user_id || session.expires_at <= now || !shell) {
      res.writeHead(303, { location: '/anmelden' }).end();
      return;
    }
    const values = page.values.map((v) => (v === captureUser ? session.user_id : v instanceof Date ? now : v));
    const { rows } = await pool.query<Row>({ name: PAGE, text: page.text, values });
    let body = '';
    for (const r of rows) if (r.id) body += rowHtml(r, session.user_id, now);
    const html = Buffer.from(shell.before + body + shell.after, 'utf8');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(html.length),
      'cache-control': 'no-store',
    });
    res.end(html);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});

process.on('message', (m) => {
  if (m === 'stop') {
    server.closeAllConnections();
    server.close(() => void pool.end().then(() => process.exit(0)));
  } else if (typeof m === 'object' && m && 'shell' in m) {
    shell = (m as { shell: { before: string; after: string } }).shell;
    server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  }
});
process.on('disconnect', () => process.exit(0));
