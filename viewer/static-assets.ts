import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { OpenAPIHono } from '@hono/zod-openapi';

/** URL prefix under which Mermaid's own ESM build is served; browsers load `${prefix}/mermaid.esm.min.mjs`. */
export const MERMAID_ASSET_PREFIX = '/static/mermaid';

/** Cache lifetime of the Mermaid files, which change only with the installed package version. */
const MERMAID_CACHE_SECONDS = 24 * 60 * 60;

/**
 * Serves Mermaid's browser build from node_modules (no CDN: pages must work without outside access). The
 * whole `dist/` folder is needed because `mermaid.esm.min.mjs` loads its diagram types from
 * `dist/chunks/`; only JavaScript files and their source maps are served.
 */
export function registerStaticAssets(app: OpenAPIHono): void {
  const mermaidDist = join(dirname(createRequire(import.meta.url).resolve('mermaid/package.json')), 'dist');
  app.use(`${MERMAID_ASSET_PREFIX}/*`, async (c, next) => {
    if (!/\.(mjs|js|map)$/.test(c.req.path)) return c.notFound();
    await next();
    if (c.res.status === 200) c.header('cache-control', `public, max-age=${MERMAID_CACHE_SECONDS}`);
  });
  app.use(
    `${MERMAID_ASSET_PREFIX}/*`,
    serveStatic({ root: mermaidDist, rewriteRequestPath: (path) => path.slice(MERMAID_ASSET_PREFIX.length) }),
  );
}
