/**
 * Where a worker thread's (or decode process's) entry script is. From `dist/` it is the compiled sibling `.js`; from
 * source (vitest runs the sources) it is the `.ts` itself, run through `run-ts.cjs`, which compiles it with
 * TypeScript's transpiler and resolves tsconfig.json's `@podium/*` paths: tests never run a stale `dist/`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ThreadScript {
  /** What to start: the script itself, or the TypeScript loader. */
  file: string;
  /** Arguments before the script's own: the `.ts` entry when `file` is the loader. */
  argv: string[];
}

/** `name` beside `fromDir` (the caller's `__dirname`). */
export function threadScript(name: string, fromDir: string): ThreadScript {
  const compiled = join(fromDir, `${name}.js`);
  if (existsSync(compiled)) return { file: compiled, argv: [] };
  const source = join(fromDir, `${name}.ts`);
  if (existsSync(source)) return { file: join(__dirname, 'run-ts.cjs'), argv: [source] };
  throw new Error(`thread script ${name} not found in ${fromDir} (neither ${name}.js nor ${name}.ts)`);
}
