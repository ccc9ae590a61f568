import { createUser, findUserByEmail, issueToken, newUserSchema } from '@steckbrief/accounts';
import type { Db } from '@steckbrief/db';
import {
  type Actor,
  applyDecisions,
  applyEvent,
  createProfile,
  createSession,
  type EngineDeps,
  ownerKeyOf,
  patchProfileData,
  publishMinutes,
  setAgenda,
} from '@steckbrief/engine';
import { type ActorRef, SEED_USERS, type SeedProfile, type SeedUser, seedProfiles } from './seed-data.js';

/**
 * Demo data through the engine, so that history, tasks and outbox rows are exactly what real use produces.
 * Idempotent: users are found by e-mail, profiles by title and owner, sessions by title. A profile found
 * again resumes its steps from its version (every step is one version), so an interrupted run completes.
 */

export interface SeedReport {
  users: Array<{ email: string; name: string; roles: string; token: string; created: boolean }>;
  profiles: { created: number; existing: number; stepsApplied: number; ids: string[] };
  sessions: Array<{ title: string; id: string; created: boolean; agenda: number; decided: number }>;
}

export interface SeedOptions {
  /** For the dates of the demo sessions; defaults to now. */
  today?: Date;
  log?: (line: string) => void;
}

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export async function seed(deps: EngineDeps, options: SeedOptions = {}): Promise<SeedReport> {
  const log = options.log ?? (() => {});
  const today = options.today ?? new Date();
  const report: SeedReport = {
    users: [],
    profiles: { created: 0, existing: 0, stepsApplied: 0, ids: [] },
    sessions: [],
  };

  const actors = new Map<string, Actor>();
  for (const user of SEED_USERS) {
    const seeded = await seedUser(deps, user);
    actors.set(user.key, seeded.actor);
    report.users.push({
      email: user.email,
      name: user.name,
      roles: user.roles.map((g) => Object.values(g).join(':')).join(' '),
      token: seeded.token,
      created: seeded.created,
    });
  }
  log(`users: ${report.users.filter((u) => u.created).length} created, ${report.users.length} in the demo set`);

  const actorFor = (ref: ActorRef, p: SeedProfile): Actor => {
    const key =
      ref === 'applicant' ? `applicant:${p.org}` : ref === 'werkstatt' ? `werkstatt:${p.data.werkstatt}` : ref;
    const actor = actors.get(key);
    if (!actor) throw new Error(`seed: no demo user for ${key}`);
    return actor;
  };

  const byTitle = new Map<string, { id: string; spec: SeedProfile }>();
  for (const spec of seedProfiles()) {
    const id = await seedProfile(deps, spec, actorFor, report);
    byTitle.set(String(spec.data.title), { id, spec });
    report.profiles.ids.push(id);
  }
  log(
    `profiles: ${report.profiles.created} created, ${report.profiles.existing} found, ${report.profiles.stepsApplied} steps applied`,
  );

  await seedSessions(deps, { actors, byTitle, today, report });
  log(
    `sessions: ${report.sessions.filter((s) => s.created).length} created, ${report.sessions.length} in the demo set`,
  );
  return report;
}

async function seedUser(deps: EngineDeps, user: SeedUser): Promise<{ actor: Actor; token: string; created: boolean }> {
  const existing = await findUserByEmail(deps.db, user.email);
  if (existing) {
    // A fresh token each run: earlier ones were shown once and may be lost; they stay valid.
    const token = await issueToken(deps.db, existing.id, 'seed');
    return {
      actor: { userId: existing.id, organisation: existing.organisation, grants: existing.roles },
      token,
      created: false,
    };
  }
  const valid = newUserSchema(deps.registry).parse({
    email: user.email,
    name: user.name,
    roles: user.roles,
    ...(user.organisation ? { organisation: user.organisation } : {}),
  });
  const { id, token } = await createUser(deps.db, valid);
  return { actor: { userId: id, organisation: valid.organisation ?? null, grants: user.roles }, token, created: true };
}

async function findProfile(db: Db, ownerKey: string, title: string) {
  return db
    .selectFrom('profiles')
    .select(['id', 'version'])
    .where('owner_key', '=', ownerKey)
    .where('title', '=', title)
    .orderBy('created_at')
    .executeTakeFirst();
}

async function seedProfile(
  deps: EngineDeps,
  spec: SeedProfile,
  actorFor: (ref: ActorRef, p: SeedProfile) => Actor,
  report: SeedReport,
): Promise<string> {
  const owner = actorFor('applicant', spec);
  const title = String(spec.data.title);
  let found = await findProfile(deps.db, ownerKeyOf(owner), title);
  if (found) report.profiles.existing += 1;
  else {
    const created = await createProfile(deps, owner, { data: spec.data });
    found = { id: created.id, version: created.version };
    report.profiles.created += 1;
  }
  // Version 1 is the created draft; step k (0-based) produced version k + 2.
  let version = found.version;
  for (const step of spec.steps.slice(version - 1)) {
    const actor = actorFor(step.as, spec);
    if ('patch' in step) {
      const view = await patchProfileData(deps, actor, {
        profileId: found.id,
        data: step.patch,
        expectedVersion: version,
      });
      version = view.version;
    } else {
      const { profile } = await applyEvent(deps, actor, {
        profileId: found.id,
        type: step.type,
        payload: step.payload,
        comment: step.comment ?? null,
        expectedVersion: version,
      });
      version = profile.version;
    }
    report.profiles.stepsApplied += 1;
  }
  return found.id;
}

async function currentStates(db: Db, ids: string[]): Promise<Map<string, { state: string; werkstatt: string | null }>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('profiles').select(['id', 'state', 'scope']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, { state: r.state, werkstatt: r.scope.werkstatt?.[0] ?? null }]));
}

async function findOrCreateSession(
  deps: EngineDeps,
  wrl: Actor,
  input: { kind: string; scopeValue?: string; date: string; title: string },
): Promise<{ id: string; created: boolean }> {
  const existing = await deps.db
    .selectFrom('sessions')
    .select('id')
    .where('title', '=', input.title)
    .executeTakeFirst();
  if (existing) return { id: existing.id, created: false };
  const session = await createSession(deps, wrl, input);
  return { id: session.id, created: true };
}

async function agendaOf(db: Db, sessionId: string) {
  return db
    .selectFrom('session_agenda')
    .select(['profile_id', 'decision_event'])
    .where('session_id', '=', sessionId)
    .orderBy('position')
    .execute();
}

/**
 * A past IMAG session that decided (confirm, defer, reject), the next IMAG session (with the deferred
 * profile carried over) and an upcoming session for every Werkstatt with profiles in qualification.
 */
async function seedSessions(
  deps: EngineDeps,
  ctx: {
    actors: Map<string, Actor>;
    byTitle: Map<string, { id: string; spec: SeedProfile }>;
    today: Date;
    report: SeedReport;
  },
): Promise<void> {
  const wrl = ctx.actors.get('wrl') as Actor;
  const imag = ctx.actors.get('imag') as Actor;
  const seeded = [...ctx.byTitle.values()];
  const at = (days: number) => isoDay(new Date(ctx.today.getTime() + days * DAY_MS));
  const record = async (title: string, id: string, created: boolean) => {
    const agenda = await agendaOf(deps.db, id);
    ctx.report.sessions.push({
      title,
      id,
      created,
      agenda: agenda.length,
      decided: agenda.filter((a) => a.decision_event).length,
    });
  };

  // 1. The past IMAG session: its agenda is every profile with an IMAG decision in the catalogue.
  const pastTitle = 'IMAG Lausitz – Sitzung im Herbst (Demo, abgeschlossen)';
  const past = await findOrCreateSession(deps, wrl, { kind: 'imag', date: at(-45), title: pastTitle });
  const decisions = seeded.filter((p) => p.spec.imag);
  let agenda = await agendaOf(deps.db, past.id);
  if (!agenda.length) {
    const states = await currentStates(
      deps.db,
      decisions.map((d) => d.id),
    );
    const ready = decisions.filter((d) => states.get(d.id)?.state === 'imag_pending').map((d) => d.id);
    if (ready.length) await setAgenda(deps, wrl, past.id, ready);
    agenda = await agendaOf(deps.db, past.id);
  }
  // Record the decisions not recorded yet (all of them on a first run; the rest after an interrupted one).
  const undecided = new Set(agenda.filter((a) => !a.decision_event).map((a) => a.profile_id));
  const pending = decisions.filter((d) => undecided.has(d.id));
  if (pending.length) {
    const { results } = await applyDecisions(
      deps,
      imag,
      past.id,
      pending.map((d) => ({
        profileId: d.id,
        type: d.spec.imag?.type as string,
        payload: d.spec.imag?.payload ?? {},
        comment: 'Beschluss der IMAG (Demo)',
      })),
    );
    const failed = results.filter((r) => r.status === 'failed');
    if (failed.length) throw new Error(`seed: IMAG decisions failed: ${JSON.stringify(failed)}`);
  }
  await record(pastTitle, past.id, past.created);

  // 1b. A past Werkstatt 4 session that voted, with its minutes published (the public Werkstatt page lists them).
  const w4PastTitle = 'Werkstatt 4 – Qualifizierungssitzung im Herbst (Demo, abgeschlossen)';
  const w4Past = await findOrCreateSession(deps, wrl, {
    kind: 'werkstatt',
    scopeValue: '4',
    date: at(-60),
    title: w4PastTitle,
  });
  const votes = seeded.filter((p) => p.spec.werkstattVote);
  let w4Agenda = await agendaOf(deps.db, w4Past.id);
  if (!w4Agenda.length) {
    const states = await currentStates(
      deps.db,
      votes.map((v) => v.id),
    );
    const ready = votes.filter((v) => states.get(v.id)?.state === 'qualification').map((v) => v.id);
    if (ready.length) await setAgenda(deps, wrl, w4Past.id, ready);
    w4Agenda = await agendaOf(deps.db, w4Past.id);
  }
  const unvoted = new Set(w4Agenda.filter((a) => !a.decision_event).map((a) => a.profile_id));
  const toVote = votes.filter((v) => unvoted.has(v.id));
  if (toVote.length) {
    const { results } = await applyDecisions(
      deps,
      ctx.actors.get('werkstatt:4') as Actor,
      w4Past.id,
      toVote.map((v) => ({
        profileId: v.id,
        type: 'VOTE',
        payload: v.spec.werkstattVote ?? {},
        comment: 'Votum der Werkstatt (Demo)',
      })),
    );
    const failed = results.filter((r) => r.status === 'failed');
    if (failed.length) throw new Error(`seed: Werkstatt votes failed: ${JSON.stringify(failed)}`);
  }
  await publishMinutes(deps, wrl, w4Past.id); // publishing again changes nothing
  await record(w4PastTitle, w4Past.id, w4Past.created);

  // 2. The next IMAG session; creating it carries the deferred profile over. Its agenda: everything pending.
  const nextTitle = 'IMAG Lausitz – Sitzung im Frühjahr (Demo, geplant)';
  const next = await findOrCreateSession(deps, wrl, { kind: 'imag', date: at(40), title: nextTitle });
  if (next.created) {
    const states = await currentStates(
      deps.db,
      seeded.map((p) => p.id),
    );
    const carried = (await agendaOf(deps.db, next.id)).map((a) => a.profile_id);
    const waiting = seeded.filter((p) => states.get(p.id)?.state === 'imag_pending').map((p) => p.id);
    await setAgenda(deps, wrl, next.id, [...new Set([...carried, ...waiting])]);
  }
  await record(nextTitle, next.id, next.created);

  // 3. An upcoming session per Werkstatt that has profiles in qualification.
  const states = await currentStates(
    deps.db,
    seeded.map((p) => p.id),
  );
  for (const werkstatt of ['1', '2', '3', '4', '5']) {
    const title = `Werkstatt ${werkstatt} – Qualifizierungssitzung (Demo, geplant)`;
    const items = seeded
      .filter((p) => {
        const s = states.get(p.id);
        return s?.state === 'qualification' && s.werkstatt === werkstatt;
      })
      .map((p) => p.id);
    const exists = await deps.db.selectFrom('sessions').select('id').where('title', '=', title).executeTakeFirst();
    if (!items.length && !exists) continue;
    const session = await findOrCreateSession(deps, wrl, {
      kind: 'werkstatt',
      scopeValue: werkstatt,
      date: at(14 + Number(werkstatt) * 3),
      title,
    });
    if (session.created && items.length) await setAgenda(deps, wrl, session.id, items);
    await record(title, session.id, session.created);
  }
}
