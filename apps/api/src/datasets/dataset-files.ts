// Lists a dataset folder's files as relative POSIX paths in byte order, refusing links (a dataset is plain files).
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { badInput } from '../common/app-error';

export interface DatasetFile {
  /** Relative POSIX path from the dataset root. */
  path: string;
  size: number;
}

/** Byte order of the UTF-8 paths: the one order the digest and the archive use, independent of locale. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function listDatasetFiles(root: string): DatasetFile[] {
  const out: DatasetFile[] = [];
  const walk = (rel: string) => {
    const abs = rel ? join(root, rel) : root;
    for (const name of readdirSync(abs)) {
      const childRel = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(abs, name));
      if (st.isSymbolicLink()) throw badInput(`dataset holds a symbolic link (${childRel}): only plain files are accepted`);
      if (st.isDirectory()) walk(childRel);
      else if (st.isFile()) out.push({ path: childRel, size: st.size });
      else throw badInput(`dataset holds a special file (${childRel}): only plain files are accepted`);
    }
  };
  walk('');
  return out.sort((a, b) => compareBytes(a.path, b.path));
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

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff']);
