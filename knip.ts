import type { KnipConfig } from 'knip';

/**
 * `pnpm check:unused` (knip): files, exports, types and dependencies nothing uses. Entry points are what
 * knip cannot find from package.json (exports, scripts) and the test runner on its own; each exception
 * below says why it is one.
 */
const config: KnipConfig = {
  // Binaries of the machine, not of npm: .ci/run installs and starts them.
  ignoreBinaries: ['redis-server'],
  // An export its own file uses is not dead code, only wider than needed; unused code is still reported.
  ignoreExportsUsedInFile: true,
  workspaces: {
    '.': {
      // tsconfig.base.json sets `jsxImportSource: preact` for every workspace; the web app, the one user of
      // JSX, depends on preact itself.
      ignoreDependencies: ['preact'],
    },
    'packages/db': {
      // The migrator loads each migration's up/down by name (src/migrate.ts).
      entry: ['src/migrations/*.ts'],
    },
    'packages/minutes': {
      // The PDF's font files, resolved by path (src/pdf.ts).
      ignoreDependencies: ['@expo-google-fonts/fira-sans'],
    },
    'packages/akte': {
      ignoreDependencies: ['@expo-google-fonts/fira-sans'],
    },
    'services/api': {
      // `pnpm lint:openapi` runs it.
      entry: ['src/openapi/print.ts'],
      // scripts/build-service.mjs bundles the workspace packages into dist/main.js and keeps the service's own
      // dependencies external: these are the bundled packages' files and modules the built API loads at run
      // time (the minutes' and Förderakte's PDF library and font, the web pages' KERN styles, the API docs'
      // Swagger UI, resolved by path in src/openapi/docs.ts).
      ignoreDependencies: ['@expo-google-fonts/fira-sans', '@kern-ux/native', 'pdfkit', 'swagger-ui-dist'],
    },
    'services/web': {
      // Screenshot scripts for the README, run by hand with tsx.
      entry: ['scripts/*.ts'],
    },
  },
};

export default config;
