// Runs a worker thread's or a child process's TypeScript entry from source (tests run the sources; `dist/` may be
// stale or absent): `.ts` files are compiled on require by TypeScript's own `transpileModule` (the compiler the build
// uses, decorator metadata included), and the `@podium/*` path aliases resolve to the libs' sources. The entry is
// argv[2]. Not SWC, which vitest uses: @swc/core's native binding, loaded in a worker thread that is later terminated,
// takes the whole process down (seen with vitest 4 + unplugin-swc on Node 20: "Worker exited unexpectedly").
// Plain CommonJS on purpose: it is what loads TypeScript, so it cannot be TypeScript itself.
'use strict';
const { readFileSync } = require('node:fs');
const { join, dirname, resolve } = require('node:path');
const Module = require('node:module');

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

const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true, inlineSourceMap: true },
  });
  module._compile(outputText, filename);
};

// `node run-ts.cjs entry.ts …` (how helpers start from source) runs the entry; `node --require run-ts.cjs entry.ts`
// only registers the hook, and Node runs the entry (a script that relaunches itself keeps the hook: execArgv).
if (require.main === module) {
  const entry = process.argv[2];
  if (!entry) throw new Error('run-ts.cjs: the entry script is argv[2]');
  // The entry reads argv after its own path, as when it is run directly.
  process.argv.splice(1, 2, entry);
  require(entry);
}
