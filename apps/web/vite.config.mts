// Builds the page (index.html) and the offline GraphiQL (graphiql.html) into dist/web, which the api serves at `/`
// (apps/api/src/web/). Hashed file names under assets/ are cached for a year; the two HTML files never.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
const api = process.env.PODIUM_API_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: resolve(root, '../../dist/web'),
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    // GraphiQL's Monaco editor is one big chunk; it lives on its own entry, off the main route.
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { main: resolve(root, 'index.html'), graphiql: resolve(root, 'graphiql.html') },
      // GraphiQL's packages carry React Compiler directives ("use no memo") that a bundle cannot keep: harmless.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  worker: { format: 'es' },
  // `npm run dev:web`: the page with hot reload, talking to an api started with `npm start`.
  server: {
    proxy: {
      '/graphql': { target: api, ws: true },
      '/artifacts': api,
      '/datasets': api,
    },
  },
});
