/** Fixtures of the web benchmark: 10 000 profiles in every state, applicants who sign in through the pages. */
import type { Db, RoleGrant } from '@steckbrief/db';
import { type Actor, applyEvent, createProfile, type EngineDeps } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { sql } from 'kysely';
import type { BenchContext } from '../lib/types.js';

export const PROFILES = 10_000;
/** Organisations the profiles belong to: each has PROFILES / ORGANISATIONS profiles on "Meine Steckbriefe". */
export const ORGANISATIONS = 500;
export const PER_ORGANISATION = PROFILES / ORGANISATIONS;
const ORG_PREFIX = 'Bench-Gemeinde ';
export const orgName = (n: number) => `${ORG_PREFIX}${n}`;

export async function addUser(db: Db, name: string, roles: RoleGrant[], organisation: string | null): Promise<Actor> {
  const row = await db
    .insertInto('users')
    .values({ email: `${name}@bench.example.org`, name, organisation, roles: JSON.stringify(roles) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: row.id, organisation, grants: roles };
}

/**
 * One profile in each state of the pipeline, brought there through the real engine, so that their
 * snapshots, histories and tasks are what the engine writes.
 */
async function templates(deps: EngineDeps): Promise<string[]> {
  const { db } = deps;
  const applicant = await addUser(db, 'template-applicant', [{ role: 'applicant' }], 'Vorlage');
  const wrl = await addUser(db, 'wrl', [{ role: 'wrl' }], null);
  const werkstatt = await addUser(db, 'werkstatt4', [{ role: 'werkstatt', werkstatt: 4 }], null);
  const ministry = await addUser(db, 'mil', [{ role: 'ministry', ministry: 'MIL' }], null);
  const commissioner = await addUser(db, 'commissioner', [{ role: 'commissioner' }], null);
  const imag = await addUser(db, 'imag', [{ role: 'imag' }], null);
  const reason = { reason: 'Bitte die Kostenschätzung belegen (Benchmark).' };
  const steps: Array<[Actor, string, Record<string, unknown>]> = [
    [applicant, 'SUBMIT', {}],
    [wrl, 'ACCEPT', { werkstatt: 4 }],
    [werkstatt, 'VOTE', { votum: 'positive', leadMinistry: 'MIL', ministries: [] }],
    [ministry, 'STATEMENT', { opinion: 'endorse', text: 'Einverstanden (Benchmark).' }],
    [commissioner, 'APPROVE', {}],
    [imag, 'CONFIRM', { priority: 1 }],
  ];
  // Each path: how many of the main steps, then an optional last event.
  const paths: Array<[number, [Actor, string, Record<string, unknown>]?]> = [
    [0],
    [1],
    [1, [wrl, 'REQUEST_REVISION', { ...reason, sections: ['kosten-und-foerderung'] }]],
    [2],
    [3],
    [5],
    [4],
    [6],
    [1, [wrl, 'REJECT', reason]],
    [0, [applicant, 'WITHDRAW', {}]],
  ];
  const ids: string[] = [];
  for (const [n, last] of paths) {
    const { id } = await createProfile(deps, applicant, { data: exampleProfile() });
    for (const [actor, type, payload] of [...steps.slice(0, n), ...(last ? [last] : [])]) {
      await applyEvent(deps, actor, { profileId: id, type, payload });
    }
    ids.push(id);
  }
  return ids;
}

/**
 * Fill the schema with PROFILES profiles: copies of the templates (snapshot, history, tasks), each
 * with its own title and owner, spread so every organisation has profiles in every state.
 */
export async function populate(ctx: BenchContext, deps: EngineDeps) {
  const { db } = deps;
  const ids = await templates(deps);
  const copies = PROFILES - ids.length;
  await sql`
    with src as materialized (
      select gen_random_uuid() as id, i, (${ids}::uuid[])[1 + (i / ${ORGANISATIONS}) % ${ids.length}] as template,
             'org:' || ${ORG_PREFIX}::text || (i % ${ORGANISATIONS}) as owner_key,
             'Bench-Vorhaben ' || i as title
      from generate_series(0, ${copies - 1}::int) i
    ),
    p as (
      insert into profiles (id, workflow_id, workflow_version, state, snapshot, version, data, owner_key, created_by, scope,
                            submitted_at, created_at, updated_at, summary)
      select src.id, t.workflow_id, t.workflow_version, t.state, t.snapshot, t.version,
             t.data || jsonb_build_object('title', src.title), src.owner_key, t.created_by, t.scope,
             t.submitted_at, t.created_at - (src.i || ' minutes')::interval, t.updated_at - (src.i || ' minutes')::interval,
             t.summary || jsonb_build_object('title', src.title)
      from src join profiles t on t.id = src.template
      returning id
    ),
    h as (
      insert into profile_history (profile_id, seq, event, from_state, to_state, actor_id, payload, comment, at)
      select src.id, h.seq, h.event, h.from_state, h.to_state, h.actor_id, h.payload, h.comment, h.at
      from src join profile_history h on h.profile_id = src.template
    )
    insert into tasks (profile_id, workflow_id, key, kind, state, assignee_role, assignee_scope, status, due_at, created_at, closed_at)
    select src.id, t.workflow_id, t.key, t.kind, t.state, t.assignee_role,
           case when t.assignee_scope like 'owner:%' then 'owner:' || src.owner_key else t.assignee_scope end,
           t.status, t.due_at, t.created_at, t.closed_at
    from src join tasks t on t.profile_id = src.template
  `.execute(db);
  await sql`vacuum analyze`.execute(db);
  const { n } = await db
    .selectFrom('profiles')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  ctx.log(`web: ${n} profiles`);
}

/** A cookie jar of one, enough for the sign-in pages. */
function cookieJar() {
  const jar = new Map<string, string>();
  return {
    header: () => [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    take(res: Response) {
      for (const c of res.headers.getSetCookie()) {
        const [pair = ''] = c.split(';');
        const eq = pair.indexOf('=');
        if (/expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(pair.slice(0, eq));
        else jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    },
  };
}

/**
 * Sign in as a person does, through the pages: ask for a code, then enter it. The code is read from
 * the outbox row that would become the mail (no worker runs in the benchmark). Returns the Cookie header.
 */
export async function signIn(url: string, db: Db, email: string): Promise<string> {
  const jar = cookieJar();
  const request = async (path: string, form?: Record<string, string>) => {
    const res = await fetch(new URL(path, url), {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    jar.take(res);
    return { status: res.status, text: await res.text() };
  };
  const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  await request('/anmelden', { _csrf: token((await request('/anmelden')).text), email });
  const row = await db
    .selectFrom('outbox')
    .select('payload')
    .where('topic', '=', 'signin.code')
    .where(sql<boolean>`payload->>'email' = ${email}`)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  const code = (row.payload as { code: string }).code;
  const done = await request('/anmelden/code', { _csrf: token((await request('/anmelden/code')).text), code });
  if (done.status !== 303) throw new Error(`sign-in of ${email} answered ${done.status}`);
  return jar.header();
}
