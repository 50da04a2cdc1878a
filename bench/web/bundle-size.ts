// The page's weight as a browser downloads it: for each HTML entry, the JS and CSS it loads before anything else
// (the entry chunk and its static imports, from Vite's manifest), raw and gzip. Budget: main route ≤ 300 KB gzip of JS.
// Run after `npm run build`: node dist/bench/web/bundle-size.js
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const WEB = resolve(__dirname, '../../web');
const BUDGET_KB = 300;

function sizes(file: string): { raw: number; gzip: number } {
  const bytes = readFileSync(join(WEB, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

export function entryWeight(manifest: Record<string, ManifestChunk>, entry: string): { js: string[]; css: string[]; jsGzip: number; jsRaw: number; cssGzip: number; lazyGzip: number } {
  const seen = new Set<string>();
  const js: string[] = [];
  const css = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const c = manifest[key];
    js.push(c.file);
    for (const f of c.css ?? []) css.add(f);
    for (const i of c.imports ?? []) visit(i);
  };
  visit(entry);
  // Everything reachable through a dynamic import (and what those chunks import) that the first load lacks.
  const lazy = new Set<string>();
  const queue = [...seen].flatMap((k) => manifest[k].dynamicImports ?? []);
  while (queue.length) {
    const k = queue.pop()!;
    if (seen.has(k) || lazy.has(k)) continue;
    lazy.add(k);
    queue.push(...(manifest[k].imports ?? []), ...(manifest[k].dynamicImports ?? []));
  }
  const sum = (files: Iterable<string>, pick: 'raw' | 'gzip') => [...files].reduce((s, f) => s + sizes(f)[pick], 0);
  return {
    js,
    css: [...css],
    jsGzip: sum(js, 'gzip'),
    jsRaw: sum(js, 'raw'),
    cssGzip: sum(css, 'gzip'),
    lazyGzip: sum(
      [...lazy].map((k) => manifest[k].file),
      'gzip',
    ),
  };
}

function main(): void {
  const manifest = JSON.parse(readFileSync(join(WEB, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const kb = (n: number) => (n / 1024).toFixed(1);
  for (const entry of Object.keys(manifest).filter((k) => manifest[k].isEntry)) {
    const w = entryWeight(manifest, entry);
    console.log(
      `${entry}: first load ${kb(w.jsGzip)} KB gzip of JS (${kb(w.jsRaw)} KB raw, ${w.js.length} files) + ${kb(w.cssGzip)} KB gzip of CSS; loaded on demand later: ${kb(w.lazyGzip)} KB gzip`,
    );
    if (entry === 'index.html')
      console.log(`  main route budget ${BUDGET_KB} KB gzip of JS: ${w.jsGzip / 1024 <= BUDGET_KB ? 'within' : 'OVER'} (${((100 * w.jsGzip) / 1024 / BUDGET_KB).toFixed(0)} %)`);
    for (const f of w.js) console.log(`    ${f} ${kb(sizes(f).gzip)} KB gzip`);
  }
}

if (require.main === module) main();
