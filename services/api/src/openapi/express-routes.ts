import type { Express } from 'express';

/** The parts of Express 5 (router 2) layers this walk reads. */
interface Layer {
  rawPath?: string | string[];
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

export interface ExpressRoute {
  method: string;
  /** Full Express pattern, e.g. `/api/v1/profiles/:id`. */
  path: string;
  route: object;
}

const join = (prefix: string, path: string) => {
  const full = `${prefix}/${path}`.replace(/\/+/g, '/');
  return full.length > 1 ? full.replace(/\/$/, '') : full;
};

/** Every route of the app with its full path: mounted routers (`app.use(path, router)`) are walked recursively. */
export function expressRoutes(app: Express): ExpressRoute[] {
  const out: ExpressRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const paths = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath ?? '/'];
      for (const path of paths) {
        if (layer.route) {
          const full = join(prefix, layer.route.path);
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') out.push({ method, path: full, route: layer.route });
          }
        } else if (Array.isArray(layer.handle.stack)) {
          walk(layer.handle.stack, join(prefix, path));
        }
      }
    }
  };
  walk((app.router as unknown as { stack: Layer[] }).stack, '');
  return out;
}

/** Route object → full pattern, for labelling metrics by `req.route`. */
export function routePatterns(app: Express): Map<object, string> {
  return new Map(expressRoutes(app).map((r) => [r.route, r.path]));
}
