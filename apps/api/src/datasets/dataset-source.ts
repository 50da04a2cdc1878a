// Where a dataset's bytes are read from during intake: a server-side folder, or the spool file an archive extracts to.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { badInput } from '../common/app-error';
import { compareBytes, type DatasetFile, listDatasetFiles } from './dataset-files';
import type { DatasetLimits } from './dataset-limits';

const CHUNK_BYTES = 1024 * 1024;

/**
 * The files of a dataset (relative POSIX paths in byte order) and their bytes, read in chunks: validation, image
 * checks, the digest and the normalised tar all read through here, never a whole label file at once.
 */
export interface DatasetSource {
  readonly files: DatasetFile[];
  /** The file's bytes in order, in chunks of at most 1 MiB (each chunk a fresh view: keep it only until the next). */
  chunks(file: DatasetFile): Iterable<Buffer>;
  close(): void;
}

/** A file's bytes in one buffer: for images (sharp reads them whole anyway) and the COCO json, both under a size cap. */
export function readWhole(source: DatasetSource, file: DatasetFile): Buffer {
  const out = Buffer.allocUnsafe(file.size);
  let at = 0;
  for (const chunk of source.chunks(file)) at += chunk.copy(out, at);
  return out.subarray(0, at);
}

function* readRange(fd: number, start: number, size: number, path: string): Iterable<Buffer> {
  const buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK_BYTES, size)));
  let done = 0;
  while (done < size) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, size - done), start + done);
    if (n === 0) break;
    done += n;
    yield buf.subarray(0, n);
  }
  if (done !== size) throw badInput(`${path} changed while the dataset was read (${size} bytes listed, ${done} read)`);
}

/** A folder of the api host (importDataset, the demo seeder), listed within the limits an archive has. */
export class FolderSource implements DatasetSource {
  readonly files: DatasetFile[];

  constructor(
    private readonly root: string,
    limits: DatasetLimits,
  ) {
    this.files = listDatasetFiles(root, limits);
  }

  *chunks(file: DatasetFile): Iterable<Buffer> {
    const fd = openSync(join(this.root, file.path), 'r');
    try {
      yield* readRange(fd, 0, file.size, file.path);
    } finally {
      closeSync(fd);
    }
  }

  close(): void {}
}

/** Where an archive entry's bytes sit in the spool file. */
export interface SpoolEntry {
  path: string;
  offset: number;
  size: number;
}

/**
 * An extracted archive: every file's bytes one after the other in a single spool file, so 150,000 tiny files cost one
 * file on disk, not 150,000 to create and remove. An archive of one folder (`coco128/…`) is that folder's content.
 */
export class SpoolSource implements DatasetSource {
  readonly files: DatasetFile[];
  private readonly at = new Map<string, number>();
  private fd: number | undefined;

  constructor(spool: string, entries: SpoolEntry[]) {
    const rooted = stripSingleFolder(entries);
    this.files = rooted.map((e) => ({ path: e.path, size: e.size })).sort((a, b) => compareBytes(a.path, b.path));
    for (const e of rooted) this.at.set(e.path, e.offset);
    this.fd = openSync(spool, 'r');
  }

  chunks(file: DatasetFile): Iterable<Buffer> {
    return readRange(this.fd!, this.at.get(file.path)!, file.size, file.path);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** While everything but `__MACOSX` lies in one top folder, that folder is the root (what unpacking `coco128.zip` means). */
function stripSingleFolder(entries: SpoolEntry[]): SpoolEntry[] {
  let current = entries;
  for (;;) {
    const kept = current.filter((e) => !e.path.startsWith('__MACOSX/'));
    const tops = new Set(kept.map((e) => e.path.split('/', 1)[0]));
    if (tops.size !== 1) return current;
    const [top] = tops;
    if (kept.some((e) => e.path === top)) return current;
    current = kept.map((e) => ({ ...e, path: e.path.slice(top.length + 1) }));
  }
}
