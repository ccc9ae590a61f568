/**
 * `pnpm lint:openapi`: prints the OpenAPI document the API serves at /api/openapi.json (with the
 * deployment's workflows, default deadlines and versions) to stdout, for Redocly CLI to lint.
 */
import { buildRegistry } from '@steckbrief/workflows';
import { openApiDocument } from './document.js';

process.stdout.write(`${JSON.stringify(openApiDocument(buildRegistry()), null, 2)}\n`);
