// Prints the node_modules folders a set of packages needs at run time (dependencies and the optional ones that are
// installed, e.g. sharp's @img/* binaries), so the GPU pack carries only those.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = process.cwd();
const seen = new Set();
const queue = process.argv.slice(2);
while (queue.length) {
  const name = queue.shift();
  if (seen.has(name)) continue;
  const manifest = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) continue;
  seen.add(name);
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  queue.push(...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}));
}
console.log([...seen].sort().join('\n'));
