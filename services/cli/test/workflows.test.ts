import { createUser } from '@steckbrief/accounts';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { type Actor, applyEvent, createProfile, type EngineDeps, migrateProfiles } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { buildRegistry } from '@steckbrief/workflows';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from './helpers.js';

/**
 * `pnpm steckbrief workflows migrate lausitz-brandenburg --to 2 [--dry-run]` against real PostgreSQL:
 * profiles started on version 1 in several states, a dry run that changes nothing, the real run (one
 * MIGRATE transition per profile, tasks re-planned, one notice), a profile in the unmapped `intake`
 * refused and moved by a later run once it has left that state, a second run that changes nothing, and
 * a transition racing the migration that is not lost.
 */

const DAY_MS = 86_400_000;
let database: TestDatabase;
let deps: EngineDeps;
let applicant: Actor;
let wrl: Actor;
let werkstatt: Actor;
const ids: Record<'draft' | 'revision' | 'intake' | 'qualification', string> = {
  draft: '',
  revision: '',
  intake: '',
  qualification: '',
};

const run = (...args: string[]) => cliRunner(database)(...args);

async function user(roles: Array<Record<string, string | number>>, organisation?: string): Promise<Actor> {
  const email = `${roles[0]?.role}-${Math.random().toString(36).slice(2, 8)}@example.org`;
  const { id } = await createUser(database.db, { email, name: email, organisation, roles } as never);
  return { userId: id, organisation: organisation ?? null, grants: roles } as Actor;
}

async function profileIn(state: keyof typeof ids, title: string): Promise<string> {
  const { id } = await createProfile(deps, applicant, { data: exampleProfile({ title }) });
  const send = (actor: Actor, type: string, payload: Record<string, unknown> = {}) =>
    applyEvent(deps, actor, { profileId: id, type, payload });
  if (state === 'draft') return id;
  await send(applicant, 'SUBMIT');
  if (state === 'revision') await send(wrl, 'REQUEST_REVISION', { reason: 'Bitte die Kosten aufschlüsseln.' });
  if (state === 'qualification') await send(wrl, 'ACCEPT', { werkstatt: 4 });
  return id;
}

/** Everything a migration could change, to compare before and after. */
async function footprint() {
  const { rows } = await sql<{ what: string }>`
    select concat_ws('|', 'p', id, workflow_version, state, version, updated_at) as what from profiles
    union all select concat_ws('|', 'h', profile_id, seq, event) from profile_history
    union all select concat_ws('|', 't', id, kind, status, due_at) from tasks
    union all select concat_ws('|', 'o', cause) from outbox
    order by 1`.execute(database.db);
  return rows.map((r) => r.what);
}

const profileRow = (id: string) =>
  database.db
    .selectFrom('profiles')
    .select(['workflow_version', 'state', 'version'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  database = await createTestDatabase('cli_workflows');
  deps = { db: database.db, registry: buildRegistry() };
  applicant = await user([{ role: 'applicant' }], 'Gemeinde Schipkau');
  wrl = await user([{ role: 'wrl' }]);
  werkstatt = await user([{ role: 'werkstatt', werkstatt: 4 }]);
  ids.draft = await profileIn('draft', 'Radweg Entwurf');
  ids.revision = await profileIn('revision', 'Bürgerhaus Überarbeitung');
  ids.intake = await profileIn('intake', 'Gewerbegebiet Eingang');
  ids.qualification = await profileIn('qualification', 'Wasserstoff Werkstatt');
});

afterAll(() => database?.destroy());

describe('workflows list', () => {
  it('lists both Brandenburg versions, version 1 for new profiles and version 2 migrating from 1', async () => {
    const lines = await run('workflows', 'list');
    expect(lines[0]).toMatch(/^workflow\s+version\s+new profiles\s+migration\s+label$/);
    expect(lines.find((l) => /^lausitz-brandenburg\s+1\s+yes\s/.test(l))).toBeDefined();
    expect(lines.find((l) => /^lausitz-brandenburg\s+2\s+from 1\s/.test(l))).toBeDefined();
    expect(lines.find((l) => /^sachsen-strukturentwicklung\s+1\s+yes\s/.test(l))).toBeDefined();
  });
});

describe('workflows migrate lausitz-brandenburg --to 2', () => {
  it('with --dry-run prints what would happen and changes nothing', async () => {
    const before = await footprint();
    const lines = await run('workflows', 'migrate', 'lausitz-brandenburg', '--to', '2', '--dry-run');
    expect(lines[0]).toBe('Dry run: nothing is changed.');
    const line = (id: string) => lines.find((l) => l.startsWith(id)) as string;
    expect(line(ids.draft)).toMatch(/draft@1\s+draft@2\s+would migrate\s/);
    expect(line(ids.revision)).toMatch(/revision@1\s+revision@2\s+would migrate; tasks: move revise_profile due /);
    expect(line(ids.intake)).toContain(
      'refused: Status "Eingangsprüfung" (intake) hat in Version 2 keine Entsprechung.',
    );
    expect(line(ids.qualification)).toMatch(/qualification@1\s+qualification@2\s+would migrate\s/);
    expect(lines.at(-1)).toBe(
      'lausitz-brandenburg 1 -> 2: 3 would be migrated, 1 refused, 0 skipped, 0 already on version 2.',
    );
    expect(await footprint()).toEqual(before);
  });

  it('moves each mapped profile in one MIGRATE transition and refuses the one in intake', async () => {
    const revisionTask = await database.db
      .selectFrom('tasks')
      .select(['id', 'created_at', 'due_at'])
      .where('profile_id', '=', ids.revision)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    expect(revisionTask.due_at?.getTime()).toBe(revisionTask.created_at.getTime() + 28 * DAY_MS);
    const before = await profileRow(ids.revision);

    const lines = await run('workflows', 'migrate', 'lausitz-brandenburg', '--to', '2');
    expect(lines.at(-1)).toBe('lausitz-brandenburg 1 -> 2: 3 migrated, 1 refused, 0 skipped, 0 already on version 2.');

    // One history entry and one version more; the task keeps its id and gets v2's 42 days from when it opened.
    expect(await profileRow(ids.revision)).toEqual({
      workflow_version: 2,
      state: 'revision',
      version: before.version + 1,
    });
    const history = await database.db
      .selectFrom('profile_history')
      .select(['seq', 'event', 'from_state', 'to_state', 'payload', 'actor_id'])
      .where('profile_id', '=', ids.revision)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(history).toEqual({
      seq: before.version + 1,
      event: 'MIGRATE',
      from_state: 'revision',
      to_state: 'revision',
      payload: { fromVersion: 1, toVersion: 2 },
      actor_id: null,
    });
    const moved = await database.db
      .selectFrom('tasks')
      .select(['id', 'kind', 'status', 'due_at'])
      .where('profile_id', '=', ids.revision)
      .where('status', '=', 'open')
      .execute();
    expect(moved).toEqual([
      {
        id: revisionTask.id,
        kind: 'revise_profile',
        status: 'open',
        due_at: new Date(revisionTask.created_at.getTime() + 42 * DAY_MS),
      },
    ]);
    // The one outbox row of the transition: the applicant's notice and the task's new due date.
    const outbox = await database.db
      .selectFrom('outbox')
      .select(['payload'])
      .where('cause', '=', `transition:${ids.revision}:${before.version + 1}`)
      .executeTakeFirstOrThrow();
    expect(outbox.payload).toMatchObject({
      event: 'MIGRATE',
      notices: [
        { template: 'workflow_migrated', recipients: { role: 'applicant', scope: 'owner:org:Gemeinde Schipkau' } },
      ],
      tasks: [{ change: 'due', taskId: revisionTask.id, dueAt: moved[0]?.due_at?.toISOString() }],
    });

    expect(await profileRow(ids.intake)).toMatchObject({ workflow_version: 1, state: 'intake' });
    expect(await profileRow(ids.draft)).toMatchObject({ workflow_version: 2, state: 'draft' });
    expect(await profileRow(ids.qualification)).toMatchObject({ workflow_version: 2, state: 'qualification' });
  });

  it('changes nothing when run a second time, and reports the refused profile again', async () => {
    const before = await footprint();
    const lines = await run('workflows', 'migrate', 'lausitz-brandenburg', '--to', '2');
    expect(lines.filter((l) => l.includes('refused:')).length).toBe(1);
    expect(lines.at(-1)).toBe('lausitz-brandenburg 1 -> 2: 0 migrated, 1 refused, 0 skipped, 3 already on version 2.');
    expect(await footprint()).toEqual(before);
  });

  it('runs each profile on its own version: the refused one moves on v1, the migrated ones on v2', async () => {
    // v1: a revision at intake is resubmitted to intake; v2: to the formal pre-check.
    const onV2 = await applyEvent(deps, applicant, { profileId: ids.revision, type: 'RESUBMIT' });
    expect(onV2.profile).toMatchObject({ state: 'pre_check', workflowVersion: 2 });
    const onV1 = await applyEvent(deps, wrl, { profileId: ids.intake, type: 'ACCEPT', payload: { werkstatt: 4 } });
    expect(onV1.profile).toMatchObject({ state: 'qualification', workflowVersion: 1 });
  });

  it('moves a formerly refused profile in a later run once its state has a mapping', async () => {
    const lines = await run('workflows', 'migrate', 'lausitz-brandenburg', '--to', '2');
    expect(lines.find((l) => l.startsWith(ids.intake))).toMatch(/qualification@1\s+qualification@2\s+migrated/);
    expect(lines.at(-1)).toBe('lausitz-brandenburg 1 -> 2: 1 migrated, 0 refused, 0 skipped, 3 already on version 2.');
  });
});

describe('workflows migrate refuses what it cannot do', () => {
  it('names a target version without a migration, an unknown version and an unknown workflow', async () => {
    await expect(run('workflows', 'migrate', 'lausitz-brandenburg', '--to', '1')).rejects.toThrow(
      'Version 1 of lausitz-brandenburg declares no migration.',
    );
    await expect(run('workflows', 'migrate', 'lausitz-brandenburg', '--to', '7')).rejects.toThrow(
      'Workflow lausitz-brandenburg@7 ist unbekannt.',
    );
    await expect(run('workflows', 'migrate', 'unbekannt', '--to', '2')).rejects.toThrow(
      'Workflow unbekannt@2 ist unbekannt.',
    );
  });
});

describe('a transition racing the migration', () => {
  it('is not lost: both the Votum and the MIGRATE entry are recorded, and the revision task has v2’s due date', async () => {
    const id = await profileIn('qualification', 'Kita Wettlauf');
    // Hold the profile's row lock so that both the migration and the Votum have to wait for it.
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = database.db.transaction().execute(async (trx) => {
      await trx.selectFrom('profiles').select('id').where('id', '=', id).forUpdate().execute();
      locked();
      await released;
    });
    await holding;
    const migration = migrateProfiles(deps, { workflow: 'lausitz-brandenburg', to: 2 });
    const vote = applyEvent(deps, werkstatt, {
      profileId: id,
      type: 'VOTE',
      payload: { votum: 'further_qualification', reason: 'Bitte Zeitplan konkretisieren.' },
    });
    // Both wait for the lock (the migration's SELECT … FOR UPDATE, the Votum's version-checked UPDATE).
    for (;;) {
      const { rows } = await sql<{ waiting: string }>`
        select count(*) as waiting from pg_stat_activity
        where wait_event_type = 'Lock' and query ilike '%profiles%' and pid <> pg_backend_pid()`.execute(database.db);
      if (Number(rows[0]?.waiting ?? 0) >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    await holder;
    const [report, voted] = await Promise.all([migration, vote]);
    expect(report.outcomes.find((o) => o.profileId === id)?.status).toBe('migrated');
    expect(voted.profile.state).toBe('revision');

    const events = await database.db
      .selectFrom('profile_history')
      .select('event')
      .where('profile_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.event).sort()).toEqual(['ACCEPT', 'CREATE', 'MIGRATE', 'SUBMIT', 'VOTE']);
    expect(await profileRow(id)).toMatchObject({ workflow_version: 2, state: 'revision', version: 5 });
    const open = await database.db
      .selectFrom('tasks')
      .select(['kind', 'created_at', 'due_at'])
      .where('profile_id', '=', id)
      .where('status', '=', 'open')
      .execute();
    expect(open.map((t) => [t.kind, (t.due_at?.getTime() ?? 0) - t.created_at.getTime()])).toEqual([
      ['revise_profile', 42 * DAY_MS],
    ]);
  });
});
