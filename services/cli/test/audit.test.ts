import { execFile } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from './helpers.js';

let database: TestDatabase;
let profileId: string;

beforeAll(async () => {
  database = await createTestDatabase('cli_audit');
  const user = await database.db
    .insertInto('users')
    .values({ email: 'a@example.org', name: 'A', roles: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`insert into profiles (workflow_id, workflow_version, state, snapshot, owner_key, created_by)
    select 'review', 1, 'draft', '{}', 'x', ${user.id}::uuid from generate_series(1, 3)`.execute(database.db);
  await sql`insert into profile_history (profile_id, seq, event, to_state, payload, at)
    select p.id, s, 'COMMENT', 'draft', jsonb_build_object('n', s), now() from profiles as p, generate_series(1, 4) as s`.execute(
    database.db,
  );
  profileId = (await database.db.selectFrom('profiles').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
});
afterAll(() => database?.destroy());

const run = (...args: string[]) => cliRunner(database)(...args);

const root = path.resolve(import.meta.dirname, '../../..');

/** The CLI as a process (`pnpm steckbrief …` runs the same entry), for its exit code. */
function exitCodeOf(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      path.join(root, 'node_modules/.bin/tsx'),
      [path.join(root, 'services/cli/src/main.ts'), ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          DATABASE_URL: database.url,
          DATABASE_SCHEMA: database.schema,
        },
        timeout: 40_000,
      },
      (error, stdout) => resolve({ code: error ? (child.exitCode ?? 1) : 0, stdout }),
    );
  });
}

describe('audit verify', () => {
  it('reports a clean database as verified, for all profiles and for one', async () => {
    expect(await run('audit', 'verify')).toEqual([
      'checked 3 profile(s), 12 history entries; no anchor recorded yet',
      'OK: every chain verifies',
    ]);
    expect((await run('audit', 'verify', '--profile', profileId))[0]).toBe(
      'checked 1 profile(s), 4 history entries; no anchor recorded yet',
    );
  });

  it('records an anchor and prints its heads hash', async () => {
    const lines = await run('audit', 'anchor');
    expect(lines[0]).toMatch(/^anchor \d+ of \S+: 3 chain head\(s\)$/);
    expect(lines[1]).toMatch(/^heads hash: [0-9a-f]{64}$/);
    expect((await run('audit', 'verify'))[0]).toMatch(/; latest anchor \d+ of /);
  });

  it('exits 0 on a clean database and 1 naming the first broken entry', async () => {
    const clean = await exitCodeOf(['audit', 'verify']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('OK: every chain verifies');

    await sql`update profile_history set payload = '{"n": 0}' where profile_id = ${profileId} and seq = 2`.execute(
      database.db,
    );
    await expect(run('audit', 'verify')).rejects.toMatchObject({ exitCode: 1 });
    const broken = await exitCodeOf(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN: profile ${profileId} seq 2: content changed`);
  });

  it('exits 1 for a profile that does not exist', async () => {
    await expect(run('audit', 'verify', '--profile', '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      exitCode: 1,
    });
  });
});
