// The layering of CONVENTIONS.md ("Who may import whom"), checked by `pnpm check:boundaries`:
//   services → packages and workflows; workflows → engine only; engine → db and config;
//   packages never import services; services never import each other (the API may mount the web
//   router); no deep imports into another package's src/; no cycles.
// Paths are resolved files, so `@steckbrief/db` is `packages/db/src/index.ts` and `express` is a path
// under node_modules. Type-only imports count too: a type from Express in the engine is a leak as well.
const fs = require('node:fs');
const path = require('node:path');

/** Another workspace package's files that its package.json `exports` publishes (e.g. packages/db/src/testing.ts). */
function exportedFiles() {
  const files = [];
  for (const group of ['packages', 'services', 'workflows']) {
    for (const name of fs.readdirSync(path.join(__dirname, group))) {
      const manifest = path.join(__dirname, group, name, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const { exports } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      const targets = typeof exports === 'string' ? [exports] : Object.values(exports ?? {});
      for (const target of targets) {
        if (typeof target === 'string') files.push(path.posix.join(group, name, target));
      }
    }
  }
  return files;
}

const literal = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const npm = (...names) => `(^|/)node_modules/(@types/)?(${names.map(literal).join('|')})/`;
const testFile = '(^|/)test/|\\.test\\.tsx?$';

module.exports = {
  forbidden: [
    {
      name: 'engine-imports-no-workflow',
      comment: 'The engine runs any definition and knows none: workflows are registered by the services.',
      severity: 'error',
      from: { path: '^packages/engine/' },
      to: { path: ['^workflows/', '^packages/workflows/'] },
    },
    {
      name: 'engine-imports-no-transport',
      comment: 'The engine knows no HTTP, no queue and no mail: those are the services’ adapters.',
      severity: 'error',
      from: { path: '^packages/engine/' },
      to: { path: [npm('express', 'bullmq', 'ioredis', 'nodemailer'), '^packages/queues/'] },
    },
    {
      name: 'engine-imports-only-db-and-config',
      comment: 'Inside the workspace the engine builds on @steckbrief/db and @steckbrief/config only.',
      severity: 'error',
      from: { path: '^packages/engine/' },
      to: { path: '^(packages|services|workflows)/', pathNot: '^packages/(engine|db|config)/' },
    },
    {
      name: 'workflows-import-only-the-engine',
      comment:
        'A workflow is a definition (data, no I/O): it imports @steckbrief/engine, xstate and zod (its tests ' +
        'vitest), and no database (@steckbrief/db, pg, kysely), queue (bullmq, ioredis) or Node module.',
      severity: 'error',
      from: { path: '^workflows/([^/]+)/' },
      to: {
        pathNot: ['^workflows/$1/', '^packages/engine/', npm('xstate', 'zod'), npm('vitest', '@vitest')],
      },
    },
    {
      name: 'packages-import-no-service',
      comment: 'Libraries never depend on the processes that wire them together.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^services/' },
    },
    {
      name: 'services-import-no-other-service',
      comment: 'Each service is its own process. Tests may start another service in process.',
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: ['^services/api/', testFile] },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'api-imports-only-the-web-service',
      comment: 'The API process may mount the web package’s router, and no other service.',
      severity: 'error',
      from: { path: '^services/api/', pathNot: testFile },
      to: { path: '^services/', pathNot: '^services/(api|web)/' },
    },
    {
      name: 'no-deep-imports',
      comment: 'Another package is used through what its package.json exports (src/index.ts), never its other files.',
      severity: 'error',
      from: { path: '^(packages|services|workflows)/([^/]+)/|^(bench|system)/' },
      to: {
        path: '^(packages|services|workflows)/[^/]+/',
        pathNot: ['^$1/$2/', ...exportedFiles().map((f) => `^${literal(f)}$`)],
      },
    },
    {
      name: 'no-circular',
      comment: 'No module depends on itself through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves; an unresolved one would slip past the rules above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Build output of the workspace only: npm packages keep their code in dist/ as well.
    exclude: { path: '^((packages|services|workflows)/[^/]+|bench|system)/(dist|coverage)/' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'node', 'default', 'require'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
