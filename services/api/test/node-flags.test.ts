import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_NODE_FLAGS } from '../src/node-flags.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('the API’s V8 flags', () => {
  it.each([
    ['pnpm start', 'services/api/package.json', (flags: string) => `"node ${flags} dist/main.js"`],
    ['the image', 'infra/Dockerfile', (flags: string) => `CMD ["node", ${flags}, "services/api/dist/main.js"]`],
    ['Compose', 'docker-compose.yml', (flags: string) => `["node", ${flags}, "services/api/dist/main.js"]`],
    ['Kubernetes', 'infra/k8s/api.yaml', (flags: string) => `["node", ${flags}, "services/api/dist/main.js"]`],
  ])('are the ones %s starts it with', (_where, path, command) => {
    const list = (quote: boolean) => API_NODE_FLAGS.map((f) => (quote ? `"${f}"` : f)).join(quote ? ', ' : ' ');
    expect(read(path)).toContain(command(list(path !== 'services/api/package.json')));
  });
});
