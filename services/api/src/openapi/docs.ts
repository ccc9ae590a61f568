import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type RequestHandler, Router } from 'express';
import type { Operation } from './operation.js';

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Only the viewer's own assets: the package also ships a demo page that would load the Petstore example. */
const ASSETS = /^\/(swagger-ui\.css|swagger-ui-bundle\.js|favicon-(16x16|32x32)\.png)(\.map)?$/;
const onlyAssets: RequestHandler = (req, _res, next) => next(ASSETS.test(req.path) ? undefined : 'router');

const PAGE = `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Steckbrief API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

// A separate script, not an inline one: helmet's CSP (script-src 'self') stays as it is.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
});
`;

/**
 * `GET /api/openapi.json` and the viewer at `GET /api/docs`, served from node_modules (no CDN). Neither
 * needs authentication: they describe the API and hold no data.
 */
export function docsRoutes(document: Record<string, unknown>): Router {
  const json = JSON.stringify(document);
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.type('application/json').send(json);
  });
  router.get('/api/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/api/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(INIT);
  });
  router.use('/api/docs/assets', onlyAssets, express.static(swaggerUiDir, { index: false, maxAge: '1d' }));
  return router;
}

export const docsOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'Documentation',
    summary: 'This OpenAPI 3.1 document / Diese Schnittstellenbeschreibung',
    roles: 'public',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: { type: 'object' } } },
  },
  {
    method: 'get',
    path: '/api/docs',
    tag: 'Documentation',
    summary: 'API documentation page (Swagger UI) / Dokumentationsseite',
    roles: 'public',
    responses: { 200: { description: 'HTML page', content: { 'text/html': { type: 'string' } } } },
  },
  {
    method: 'get',
    path: '/api/docs/init.js',
    tag: 'Documentation',
    summary: 'Start script of the documentation page',
    roles: 'public',
    responses: { 200: { description: 'JavaScript', content: { 'text/javascript': { type: 'string' } } } },
  },
];
