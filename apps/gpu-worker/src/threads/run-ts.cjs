// Runs a worker thread's or a child process's TypeScript entry from source (tests run the sources; `dist/` may be
// stale or absent): `.ts` files are compiled on require by TypeScript's own `transpileModule` (the compiler the build
// uses, decorator metadata included), and the `@podium/*` path aliases resolve to the libs' sources. The entry is
// argv[2]. Not SWC, which vitest uses: @swc/core's native binding, loaded in a worker thread that is later terminated,
// takes the whole process down (seen with vitest 4 + unplugin-swc on Node 20: "Worker exited unexpectedly").
// Plain CommonJS on purpose: it is what loads TypeScript, so it cannot be TypeScript itself.
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join, dirname, resolve } = require('node:path');
const Module = require('node:module');

const root = resolve(__dirname, '../../../..');
const aliases = { '@podium/metrics': 'libs/metrics/src/index.ts', '@podium/registry': 'libs/registry/src/index.ts', '@podium/contracts': 'libs/contracts/src/index.ts' };

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = aliases[request];
  if (alias) return join(root, alias);
  for (const prefix of Object.keys(aliases)) {
    if (request.startsWith(`${prefix}/`)) return resolveFilename.call(this, join(root, dirname(aliases[prefix]), request.slice(prefix.length + 1)), parent, ...rest);
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

// Compiled output is kept by content hash under node_modules/.cache: a helper that starts again (every test file
// starts its own) loads plain JavaScript, and TypeScript (9 MB to parse) only when a source changed.
const cacheDir = join(root, 'node_modules', '.cache', 'podium-run-ts');
// Part of the key: another TypeScript (or these options changed with it) compiles anew.
const compilerVersion = `${require('typescript/package.json').version} es2022 commonjs 1`;
let ts;

function compile(source, filename) {
  ts ??= require('typescript');
  return ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true, inlineSourceMap: true },
  }).outputText;
}

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const cached = join(cacheDir, `${createHash('sha256').update(compilerVersion).update('\0').update(filename).update('\0').update(source).digest('hex')}.js`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    code = compile(source, filename);
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.${Math.random().toString(16).slice(2)}`;
      writeFileSync(tmp, code);
      renameSync(tmp, cached);
    } catch {
      // A read-only tree: compiled again next time.
    }
  }
  module._compile(code, filename);
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
