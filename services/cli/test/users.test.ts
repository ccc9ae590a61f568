import { actorForToken } from '@steckbrief/accounts';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from './helpers.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('cli_users');
});

afterAll(() => database?.destroy());

const run = (...args: string[]) => cliRunner(database)(...args);

const tokenOf = (lines: string[]) => (lines.find((l) => l.startsWith('token: ')) as string).slice('token: '.length);
const works = async (token: string) => (await actorForToken(database.db, token)) !== undefined;

describe('users: tokens, revocation, disabling', () => {
  it('lists, revokes one or all tokens, and disables and enables a user', async () => {
    const email = 'sachbearbeitung@wrl.example.org';
    const first = tokenOf(await run('users', 'create', '--email', email, '--name', 'WRL Büro', '--role', 'wrl'));
    const second = tokenOf(await run('users', 'token', email));
    expect(await works(first)).toBe(true);
    expect(await works(second)).toBe(true);

    const listed = await run('users', 'tokens', email);
    expect(listed.at(-1)).toBe('2 token(s)');
    // The initial token (label "initial") and the one issued by the CLI (label "cli"); never the secrets.
    const initial = listed.find((l) => / initial /.test(l)) as string;
    expect(initial).toMatch(/ valid$/);
    expect(listed.join('\n')).not.toContain(first);
    const initialId = initial.split(/\s+/)[0] as string;

    expect(await run('users', 'revoke', email, '--token', initialId)).toEqual([
      `1 token(s) of ${email} revoked, and their calendar feed URL; running API processes drop them from their cache within AUTH_CACHE_TTL_MS`,
    ]);
    expect(await works(first)).toBe(false);
    expect(await works(second)).toBe(true);
    expect((await run('users', 'tokens', email)).find((l) => l.startsWith(initialId))).toMatch(/ revoked \d{4}-/);
    await expect(run('users', 'revoke', email, '--token', initialId)).rejects.toThrow(
      `has no valid token ${initialId}`,
    );

    expect(await run('users', 'disable', email)).toEqual([
      `${email} disabled: their tokens and sessions no longer work and they get no notices`,
    ]);
    expect(await works(second)).toBe(false);
    expect((await run('users', 'list')).find((l) => l.includes(email))).toMatch(/ disabled$/);
    expect(await run('users', 'disable', email)).toEqual([`${email} was already disabled`]);
    await expect(run('users', 'token', email)).rejects.toThrow('is disabled');
    expect(await run('users', 'enable', email)).toEqual([`${email} enabled again`]);
    expect(await works(second)).toBe(true);

    expect((await run('users', 'revoke', email))[0]).toMatch(/^1 token\(s\) of /);
    expect(await works(second)).toBe(false);
  });

  it('names what is wrong: an unknown user, a malformed token id', async () => {
    await expect(run('users', 'disable', 'niemand@example.org')).rejects.toThrow(
      'no user with e-mail niemand@example.org',
    );
    await expect(run('users', 'tokens', 'niemand@example.org')).rejects.toThrow('no user with e-mail');
    await run('users', 'create', '--email', 'x@example.org', '--name', 'X', '--role', 'imag');
    await expect(run('users', 'revoke', 'x@example.org', '--token', 'abc')).rejects.toThrow('not a token id: abc');
  });
});
