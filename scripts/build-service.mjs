#!/usr/bin/env node
// Bundle a service (run from its directory) into dist/main.js: workspace packages (@steckbrief/*, shipped as
// TypeScript source) are bundled in; third-party dependencies stay external and are installed as usual.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter(
  (d) => !d.startsWith('@steckbrief/'),
);

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Bundled third-party code is external, but a dependency of a bundled workspace package must resolve too.
  external: [...external, 'pg-native'],
  // Aliased: bundled modules may import createRequire themselves.
  banner: {
    js: "import { createRequire as __steckbriefCreateRequire } from 'node:module'; const require = __steckbriefCreateRequire(import.meta.url);",
  },
  logLevel: 'info',
});
