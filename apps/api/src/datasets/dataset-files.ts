// Lists a dataset folder's files as relative POSIX paths in byte order, refusing links (a dataset is plain files).
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, badInput } from '../common/app-error';
import type { DatasetLimits } from './dataset-limits';
import { IMAGE_EXTENSIONS } from '@podium/contracts';

export interface DatasetFile {
  /** Relative POSIX path from the dataset root. */
  path: string;
  size: number;
}

/** Byte order of the UTF-8 paths: the one order the digest and the archive use, independent of locale. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The files under `root` within `limits` (the same bounds as an archive's: entries, each file's cap by kind, the
 * total). An extracted archive already met them; a server-side folder (importDataset, the demo seeder) is checked here.
 */
export function listDatasetFiles(root: string, limits: DatasetLimits): DatasetFile[] {
  const out: DatasetFile[] = [];
  let entries = 0;
  let total = 0;
  const walk = (rel: string) => {
    const abs = rel ? join(root, rel) : root;
    for (const name of readdirSync(abs)) {
      const childRel = rel ? `${rel}/${name}` : name;
      if (++entries > limits.maxEntries) throw badInput(`dataset refused: it holds more than ${limits.maxEntries} entries`, { limit: limits.maxEntries });
      const st = lstatSync(join(abs, name));
      if (st.isSymbolicLink()) throw badInput(`dataset holds a symbolic link (${childRel}): only plain files are accepted`);
      if (st.isDirectory()) walk(childRel);
      else if (st.isFile()) {
        const cap = isImagePath(childRel) ? limits.maxImageBytes : limits.maxFileBytes;
        if (st.size > cap) throw oversized(childRel, st.size, cap);
        total += st.size;
        if (total > limits.maxExtractedBytes) throw badInput(`dataset refused: its files add up to more than ${limits.maxExtractedBytes} bytes`, { limit: limits.maxExtractedBytes });
        out.push({ path: childRel, size: st.size });
      } else throw badInput(`dataset holds a special file (${childRel}): only plain files are accepted`);
    }
  };
  walk('');
  return out.sort((a, b) => compareBytes(a.path, b.path));
}

/** A file over its kind's cap (images have their own). */
export function oversized(path: string, size: number, cap: number, what = 'dataset'): AppError {
  const kind = isImagePath(path) ? 'an image' : 'a label, annotation or other file';
  return badInput(`${what} refused: ${JSON.stringify(path)} is ${size} bytes, over the ${cap}-byte limit for ${kind}`, { entries: [path], limit: cap });
}

export const dirOf = (path: string): string => {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
};

export const baseOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export const stemOf = (path: string): string => {
  const base = baseOf(path);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? base : base.slice(0, dot);
};

export const extOf = (path: string): string => {
  const base = baseOf(path);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
};

export const isImagePath = (path: string): boolean => IMAGE_EXTENSIONS.has(extOf(path));
