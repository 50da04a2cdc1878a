/**
 * The tensor cache's folder as other processes may share it: what is in it (finished entries, live builds, a dead
 * process's leftovers) and the per-key build lock (tensor-cache.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { open, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface CacheFolderEntry {
  hash: string;
  dir: string;
  bytes: number;
  lastUsed: number;
  finished: boolean;
}

/** Finished entries and live builds under `root`, with their sizes; a dead process's leftovers are removed. */
export function scanCacheFolder(root: string): CacheFolderEntry[] {
  const out: CacheFolderEntry[] = [];
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    const tmp = /^([0-9a-f]{32})\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (tmp && !isAlive(Number(tmp[2]))) {
      void rm(dir, { recursive: true, force: true });
      continue;
    }
    if (!tmp && !/^[0-9a-f]{32}$/.test(name)) continue;
    try {
      const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
      const manifest = join(dir, 'manifest.json');
      const finished = !tmp && existsSync(manifest);
      out.push({ hash: tmp ? tmp[1] : name, dir, bytes, lastUsed: finished ? statSync(manifest).mtimeMs : Date.now(), finished });
    } catch {
      // Removed meanwhile (by another process's eviction).
    }
  }
  return out;
}

/**
 * The cross-process build lock `<root>/<hash>.lock` (its owner's pid inside), or null while a live process holds it;
 * a dead owner's lock is taken over, and so is one of this pid (its caller holds no build of the key: a failed
 * release).
 */
export async function lockBuild(root: string, hash: string): Promise<{ release: () => Promise<void> } | null> {
  const path = join(root, `${hash}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return { release: () => unlink(path).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim() || NaN);
      if (owner !== process.pid && isAlive(owner)) return null;
      await unlink(path).catch(() => undefined);
    }
  }
  return null;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A key for a dataset without a digest (a bench, a script): its image files' names, sizes and mtimes. */
export function fingerprintFiles(files: { path: string; name: string }[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    const st = statSync(f.path, { throwIfNoEntry: false });
    hash.update(`${f.name}\0${st?.size ?? -1}\0${st?.mtimeMs ?? -1}\n`);
  }
  return `files:${hash.digest('hex')}`;
}
