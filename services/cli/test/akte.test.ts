import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUser } from '@steckbrief/accounts';
import { createTestDatabase, type TestDatabase } from '@steckbrief/db/testing';
import { applyEvent, createProfile } from '@steckbrief/engine';
import { exampleProfile } from '@steckbrief/workflow-lausitz-brandenburg';
import { buildRegistry } from '@steckbrief/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from './helpers.js';

let database: TestDatabase;
let dir: string;
let submitted: string;
let draft: string;

beforeAll(async () => {
  database = await createTestDatabase('cli_akte');
  dir = mkdtempSync(path.join(tmpdir(), 'akte-'));
  const registry = buildRegistry();
  const deps = { db: database.db, registry };
  const roles = [{ role: 'applicant' }];
  const { id: userId } = await createUser(database.db, {
    email: 'antrag@example.org',
    name: 'Anna Antrag',
    organisation: 'Gemeinde Burg',
    roles,
  });
  const actor = { userId, organisation: 'Gemeinde Burg', grants: roles };
  submitted = (await createProfile(deps, actor, { data: exampleProfile({ title: 'Sporthalle Burg' }) })).id;
  await applyEvent(deps, actor, { profileId: submitted, type: 'SUBMIT' });
  draft = (await createProfile(deps, actor, { data: { title: 'Entwurf' } })).id;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database?.destroy();
});

const run = (...args: string[]) => cliRunner(database)(...args);

describe('profiles akte', () => {
  it('writes the PDF by default and says how many entries it holds and that the chain verifies', async () => {
    const file = path.join(dir, 'akte.pdf');
    const lines = await run('profiles', 'akte', submitted, '--out', file);
    expect(lines[0]).toMatch(
      new RegExp(`^wrote ${file} \\(\\d+ bytes\\): 2 history entries, 0 mail\\(s\\), 0 attachment\\(s\\)$`),
    );
    expect(lines[1]).toBe('history chain: OK (2 entries)');
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('writes the JSON and the ZIP when asked', async () => {
    const json = path.join(dir, 'akte.json');
    await run('profiles', 'akte', submitted, '--format', 'json', '--out', json);
    const akte = JSON.parse(readFileSync(json, 'utf8'));
    expect(akte.history.map((h: { event: string }) => h.event)).toEqual(['CREATE', 'SUBMIT']);
    expect(akte.history[0].actor).toMatchObject({ name: 'Anna Antrag', roles: ['Projektträger'] });

    const zip = path.join(dir, 'akte.zip');
    await run('profiles', 'akte', submitted, '--format', 'zip', '--out', zip);
    expect(readFileSync(zip).subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  });

  it('refuses a draft, which is private to its owner', async () => {
    await expect(run('profiles', 'akte', draft, '--out', path.join(dir, 'x.pdf'))).rejects.toThrow(/not found/);
  });
});
