/**
 * Finds the compiled script of a worker_thread. tsc emits `dist/apps/gpu-worker/src/...js`; a `.ts` source cannot
 * be a thread entry (vitest runs the sources), so from source we use the `dist/` twin: build before testing.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export function resolveThreadScript(name: string, fromDir: string = __dirname): string {
  const sibling = join(fromDir, `${name}.js`);
  if (existsSync(sibling)) return sibling;
  const root = findRepoRoot(fromDir);
  const built = join(root, 'dist', relative(root, fromDir), `${name}.js`);
  if (existsSync(built)) return built;
  throw new Error(`worker thread script ${name}.js not found beside ${fromDir} nor at ${built}: run \`npm run build\` first`);
}

function findRepoRoot(dir: string): string {
  let current = resolve(dir);
  while (!existsSync(join(current, 'package.json'))) {
    const parent = resolve(current, '..');
    if (parent === current) return resolve(dir);
    current = parent;
  }
  return current;
}
