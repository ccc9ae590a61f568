import { type Db, queryPrepared } from '@steckbrief/db';
import { sql } from 'kysely';
import { type InboxParams, inboxHref, parseInboxParams } from './inbox-query.js';

/** A view of the inbox (view, filters, order) that a user saved under a name. */
export interface SavedView {
  id: string;
  name: string;
  /** The inbox's address, always from `inboxHref` (first page). */
  href: string;
}

export const NAME_MAX_LENGTH = 80;
/** Saved views per user: enough for every stage and ministry, few enough to list beside the views. */
export const MAX_SAVED_VIEWS = 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The inbox address to store for an address a form sent: re-read and re-written, so only inbox parameters stay. */
export function normalisedInboxHref(address: unknown, scopeNames: readonly string[]): string {
  const raw = typeof address === 'string' ? address : '';
  const query = raw.startsWith('/aufgaben?') ? raw.slice('/aufgaben?'.length) : '';
  const params: InboxParams = parseInboxParams(Object.fromEntries(new URLSearchParams(query)), scopeNames);
  return inboxHref(params, { page: 1 });
}

/**
 * Each user's saved views as last read, for a few seconds: the inbox page lists them on every request,
 * and the statement cost a round trip per page (a seventh of the page's CPU, docs/benchmarks.md). Saving
 * or deleting a view in this process drops the user's entry at once; another process of the same
 * deployment sees the change after at most `SAVED_VIEWS_TTL_MS`. Bounded: a full cache starts over.
 */
export const SAVED_VIEWS_TTL_MS = 5_000;
const SAVED_VIEWS_CACHE_SIZE = 10_000;
const savedViewsCache = new Map<string, { at: number; views: SavedView[] }>();
const forget = (userId: string) => savedViewsCache.delete(userId);

/** The user's saved views, by name. */
export async function listSavedViews(db: Db, userId: string): Promise<SavedView[]> {
  const cached = savedViewsCache.get(userId);
  const now = Date.now();
  if (cached && now - cached.at < SAVED_VIEWS_TTL_MS) return cached.views;
  // A named prepared statement, planned once per connection.
  const rows = await queryPrepared<{ id: string; name: string; query: string }>(
    db,
    'select id, name, query from saved_views where user_id = $1 order by lower(name)',
    [userId],
  );
  const views = rows.map((r) => ({ id: r.id, name: r.name, href: r.query }));
  if (savedViewsCache.size >= SAVED_VIEWS_CACHE_SIZE) savedViewsCache.clear();
  savedViewsCache.set(userId, { at: now, views });
  return views;
}

export type SaveOutcome = { ok: true } | { ok: false; message: string };

/**
 * Save an inbox address under a name for this user. A name the user already uses (in any case) replaces
 * that view's address, so saving again after changing a filter updates it.
 */
export async function saveView(
  db: Db,
  input: { userId: string; name: unknown; href: string; now: Date },
): Promise<SaveOutcome> {
  const name = typeof input.name === 'string' ? input.name.replace(/\s+/g, ' ').trim() : '';
  if (!name) return { ok: false, message: 'Geben Sie einen Namen für die Ansicht ein' };
  if (name.length > NAME_MAX_LENGTH)
    return { ok: false, message: `Der Name darf höchstens ${NAME_MAX_LENGTH} Zeichen lang sein` };
  forget(input.userId);
  const outcome = await db.transaction().execute(async (trx) => {
    // One user's saves one after another, so the limit holds under concurrent requests.
    await sql`select pg_advisory_xact_lock(hashtext(${`saved_views:${input.userId}`}))`.execute(trx);
    const replaced = await trx
      .updateTable('saved_views')
      .set({ query: input.href, name })
      .where('user_id', '=', input.userId)
      .where(sql`lower(name)`, '=', name.toLowerCase())
      .returning('id')
      .executeTakeFirst();
    if (replaced) return { ok: true } as const;
    const count = await trx
      .selectFrom('saved_views')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', input.userId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_SAVED_VIEWS) {
      return {
        ok: false,
        message: `Sie haben schon ${MAX_SAVED_VIEWS} Ansichten gespeichert. Löschen Sie zuerst eine davon`,
      } as const;
    }
    await trx
      .insertInto('saved_views')
      .values({ user_id: input.userId, name, query: input.href, created_at: input.now })
      .execute();
    return { ok: true } as const;
  });
  // Again after the commit: a page read meanwhile may have cached the views as they were before.
  forget(input.userId);
  return outcome;
}

/** Delete one of the user's saved views; another user's view (or an unknown id) is left alone: false. */
export async function deleteView(db: Db, userId: string, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  forget(userId);
  const gone = await db
    .deleteFrom('saved_views')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning('id')
    .executeTakeFirst();
  forget(userId);
  return gone !== undefined;
}
