// One Vite build for every page of the hub's front end (a multi-page app):
// each page is `<name>/index.html` and is served by the gateway at `/<name>`
// (the explorer at /explorer), except the dashboard, which is served at /. Pages share what they both import (React, shared/)
// through common chunks; a module only one page imports (GraphiQL, Monaco) stays
// in that page's chunks. Output: WEB_OUT_DIR (scripts/build-web.ts sets it),
// hashed files under /assets/, nothing inlined as data: URIs, no source maps.
// `npm run dev:web` serves the pages with Vite's dev server, proxying the
// gateway's routes to GATEWAY_PORT.
import path from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
const gateway = `http://localhost:${process.env.GATEWAY_PORT ?? '4000'}`;

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  appType: 'mpa',
  build: {
    outDir: process.env.WEB_OUT_DIR ?? path.join(root, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Every asset a file of its own under /assets/ (the CSP allows no data: scripts or images).
    assetsInlineLimit: 0,
    // Browsers the explorer supports load modules natively: no inline polyfill.
    modulePreload: { polyfill: false },
    sourcemap: false,
    manifest: true,
    reportCompressedSize: false,
    // Monaco is large by nature; scripts/build-web.ts reports every page's sizes.
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      input: { explorer: path.join(root, 'explorer', 'index.html'), dashboard: path.join(root, 'dashboard', 'index.html') },
      onwarn(warning, warn) {
        // React libraries mark modules "use client" / "use no memo" for frameworks; a browser bundle has no use for it.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  worker: { format: 'es' },
  // The dev server's pre-bundling cannot follow the `?worker` imports of GraphiQL's worker set-up; Vite serves it as it is.
  optimizeDeps: { exclude: ['graphiql/setup-workers/vite', '@graphiql/react/setup-workers/vite'] },
  server: {
    // Exact routes (a plain key is a prefix, and /explorer/dev-token would take /explorer/dev-tokens.tsx).
    proxy: Object.fromEntries(['^/graphql$', '^/explorer/config$', '^/explorer/dev-token$'].map((route) => [route, gateway])),
  },
});
