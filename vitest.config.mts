import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC gives the decorator metadata that Nest, type-graphql and TypeORM need (esbuild does not emit it).
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    alias: [
      { find: '@podium/metrics', replacement: resolve(import.meta.dirname, 'libs/metrics/src/index.ts') },
      { find: '@podium/registry', replacement: resolve(import.meta.dirname, 'libs/registry/src/index.ts') },
      { find: '@podium/logging', replacement: resolve(import.meta.dirname, 'libs/logging/src/index.ts') },
      { find: '@podium/contracts', replacement: resolve(import.meta.dirname, 'libs/contracts/src/index.ts') },
      // One graphql realm: type-graphql loads graphql's CommonJS entry, so the tests must too.
      { find: /^graphql$/, replacement: resolve(import.meta.dirname, 'node_modules/graphql/index.js') },
    ],
  },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'bench/**/*.spec.ts'],
    exclude: ['**/node_modules/**', 'dist/**', '.device/**'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    passWithNoTests: true,
  },
});
