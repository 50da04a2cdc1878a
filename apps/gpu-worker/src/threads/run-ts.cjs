// Runs a worker thread's or a child process's TypeScript entry from source (tests run the sources; `dist/` may be
// stale or absent): `.ts` files are compiled on require by SWC, as vitest's unplugin-swc compiles the tests (decorator
// metadata included), and the `@podium/*` path aliases resolve to the libs' sources. The entry is argv[2].
// Plain CommonJS on purpose: it is what loads TypeScript, so it cannot be TypeScript itself.
'use strict';
const { readFileSync } = require('node:fs');
const { join, dirname, resolve } = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = resolve(__dirname, '../../../..');
const aliases = { '@podium/metrics': 'libs/metrics/src/index.ts', '@podium/registry': 'libs/registry/src/index.ts' };

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = aliases[request];
  if (alias) return join(root, alias);
  for (const prefix of Object.keys(aliases)) {
    if (request.startsWith(`${prefix}/`)) return resolveFilename.call(this, join(root, dirname(aliases[prefix]), request.slice(prefix.length + 1)), parent, ...rest);
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
  });
  module._compile(code, filename);
};

const entry = process.argv[2];
if (!entry) throw new Error('run-ts.cjs: the entry script is argv[2]');
// The entry reads argv after its own path, as when it is run directly.
process.argv.splice(1, 2, entry);
require(entry);
