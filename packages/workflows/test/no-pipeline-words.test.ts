import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS } from '../src/index.js';

/**
 * No pipeline words below `workflows/`: the engine, the API, the CLI, the worker and the other packages take
 * every label, filter value, role and message from the definitions in the registry (issue 12, part 2). This
 * scans `packages/<name>/src` and `services/<name>/src` for the identifiers of the deployed workflows (their
 * ids, role names, scope attributes and enumerated scope values, session kinds) and for the bodies and terms
 * of the known pipelines, whole words, any case.
 *
 * Not scanned, on purpose:
 * - The web pages other engineers are building right now (saved views): they are to be made generic (from
 *   the definitions' labels and presentations) by their owners; remove the entry then. The rest of
 *   `services/web/src` is scanned: the question pages, task forms, public pages, sessions and budget pages
 *   come from the definitions' labels and `presentation`.
 * - `services/cli/src/seed*.ts`: Brandenburg's demo data. Moving it next to the workflow needs a demo-data hook
 *   in the definition, which is a later step.
 * - `packages/workflows/src`: the deployment list names its workflows.
 * - `packages/db/src/migrations`: applied migrations are history and are not edited.
 * - `*.test.ts`: unit tests drive the deployed pipelines as their fixtures.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const EXCLUDED = [
  /^services\/cli\/src\/seed[^/]*\.ts$/,
  /^services\/web\/src\/(pages\/|routes\/)?saved-views\.tsx?$/,
  /^packages\/workflows\/src\//,
  /^packages\/db\/src\/migrations\//,
  /\.test\.ts$/,
];

/**
 * Leaks that remain in files other engineers own during this change, each an exact file and a fragment of
 * its line: any other occurrence, in these files too, fails the check. Remove an entry when its line is made
 * generic.
 */
const KNOWN_LEAKS: Array<[file: string, fragment: string]> = [
  ['packages/accounts/src/accounts.ts', 'scoped roles require their attribute (e.g. `werkstatt` 1–5, `ministry` code)'],
  ['packages/config/src/config.ts', 'until the WRL office configures its own figures'],
  ['packages/db/src/types.ts', "(e.g. `{role: 'ministry', ministry: 'MIL'}`)"],
  ['packages/db/src/types.ts', 'e.g. {"werkstatt": ["4"], "ministry": ["MIL"]}; GIN-indexed'],
  ['packages/db/src/types.ts', '(e.g. `ministry_review:MIL`): used to diff open tasks'],
  ['packages/db/src/types.ts', 'for scoped groups (`ministry:MIL`, `owner:org:X`)'],
  ['packages/db/src/types.ts', "(e.g. Werkstatt '4'), '' for none"],
  ['services/worker/src/recipients.ts', 'so `{"werkstatt": 4}` matches `werkstatt:4`'],
  // The accessibility statement names the law and the enforcement body of the operator's Land: legal text of
  // the operator (like the imprint), not of a pipeline; it belongs in the operator's configuration.
  ['services/web/src/pages/legal.tsx', "(Brandenburg's BbgBGG requires a feedback contact)"],
  ['services/web/src/pages/legal.tsx', 'des Landes Brandenburg wenden.'],
  ['services/web/src/pages/legal.tsx', 'Brandenburg.'],
];

/** Bodies and terms of the pipelines that a definition need not spell as an identifier. */
const TERMS = [
  'werkstatt',
  'werkstätten',
  'geschäftsstelle',
  'landkreis',
  'vorprüfstelle',
  'revier',
  'ressort',
  'lausitz',
  'brandenburg',
  'sachsen',
  'saxon',
  'saxony',
  'imag',
  'wrl',
  'sas',
  'rba',
  'smr',
  'ilb',
  'sab',
  'MIL',
  'MLUK',
  'MBJS',
  'MSGIV',
  'MWFK',
  'MWAE',
  'STK',
];

/** Enumerated values of a scope attribute's schema (zod enums), left out when shorter than three letters. */
function enumValues(schema: unknown): string[] {
  const options = (schema as { options?: unknown }).options;
  return Array.isArray(options) ? options.filter((o): o is string => typeof o === 'string' && o.length >= 3) : [];
}

/** The identifiers of the deployed workflows; role names every workflow shares (the applicant) are generic. */
function workflowIdentifiers(): string[] {
  const words = new Set<string>();
  const shared = Object.keys(WORKFLOWS[0]?.roles ?? {}).filter((role) => WORKFLOWS.every((w) => role in w.roles));
  for (const workflow of WORKFLOWS) {
    words.add(workflow.id);
    for (const [role, spec] of Object.entries(workflow.roles)) {
      if (!shared.includes(role)) words.add(role);
      if (spec.scope.kind === 'attribute') {
        words.add(spec.scope.attribute);
        for (const value of enumValues(spec.scope.values)) words.add(value);
      }
    }
    for (const kind of Object.keys(workflow.sessions ?? {})) words.add(kind);
  }
  return [...words];
}

const escapeRegExp = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORDS = [...new Set([...TERMS, ...workflowIdentifiers()].map((w) => w.toLowerCase()))];
const PATTERN = new RegExp(`(?<![\\p{L}\\p{N}_-])(${WORDS.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_-])`, 'iu');

function sourceFiles(): string[] {
  const files: string[] = [];
  for (const layer of ['packages', 'services']) {
    for (const name of readdirSync(join(ROOT, layer))) {
      const src = join(ROOT, layer, name, 'src');
      let entries: string[];
      try {
        entries = readdirSync(src, { recursive: true }) as string[];
      } catch {
        continue;
      }
      for (const entry of entries) {
        const path = relative(ROOT, join(src, entry)).split('\\').join('/');
        if (/\.(ts|tsx|js|mjs)$/.test(path) && !EXCLUDED.some((x) => x.test(path))) files.push(path);
      }
    }
  }
  return files;
}

function leaks(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles()) {
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const match = PATTERN.exec(line);
        if (!match) return;
        if (KNOWN_LEAKS.some(([f, fragment]) => f === file && line.includes(fragment))) return;
        found.push(`${file}:${i + 1}: "${match[1]}" in ${line.trim().slice(0, 160)}`);
      });
  }
  return found;
}

describe('pipeline words below workflows/', () => {
  it('looks for the identifiers of every deployed workflow', () => {
    expect(WORDS).toEqual(
      expect.arrayContaining(['lausitz-brandenburg', 'werkstatt', 'ministry', 'mil', 'sas', 'rba']),
    );
    expect(WORDS).toEqual(expect.arrayContaining(['sachsen-strukturentwicklung', 'landkreis', 'revier', 'goerlitz']));
    expect(WORDS).not.toContain('applicant');
  });

  it('finds one in a line, whole words only and in any case', () => {
    expect(PATTERN.test("throw new Forbidden('Nur die Geschäftsstelle plant Sitzungen.')")).toBe(true);
    expect(PATTERN.test('werkstatt: z.coerce.number().int().min(1).max(5)')).toBe(true);
    expect(PATTERN.test("roles: ['wrl', 'werkstatt', 'imag']")).toBe(true);
    expect(PATTERN.test("{ mediaType: 'image/png' } // similar, masses, verbal")).toBe(false);
  });

  it('appears in no source file of packages/ and services/ outside the stated exceptions', () => {
    expect(sourceFiles().length).toBeGreaterThan(50);
    expect(leaks()).toEqual([]);
  });
});
