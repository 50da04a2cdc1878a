// The content digest of a dataset, independent of how it was packed (tar, zip, folder) and of file times.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { badInput } from '../common/app-error';
import type { DatasetFile } from './dataset-files';

const CHUNK_BYTES = 1024 * 1024;

/**
 * sha256 over the files in byte order of their relative POSIX path; for each file:
 * the path (UTF-8), a NUL byte, the size in decimal ASCII, a NUL byte, then the file's bytes.
 * The size prefix makes the framing unambiguous (no file's bytes can pose as the next path).
 * Synchronous reads through one buffer: it runs on the dataset intake thread, never on the api's event loop.
 */
export function datasetDigest(root: string, files: DatasetFile[]): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  for (const f of files) {
    hash.update(`${f.path}\0${f.size}\0`, 'utf8');
    const fd = openSync(join(root, f.path), 'r');
    let read = 0;
    try {
      for (let n = readSync(fd, buf, 0, CHUNK_BYTES, null); n > 0; n = readSync(fd, buf, 0, CHUNK_BYTES, null)) {
        hash.update(buf.subarray(0, n));
        read += n;
      }
    } finally {
      closeSync(fd);
    }
    if (read !== f.size) throw badInput(`${f.path} changed while the dataset was read (${f.size} bytes listed, ${read} read)`);
  }
  return hash.digest('hex');
}
