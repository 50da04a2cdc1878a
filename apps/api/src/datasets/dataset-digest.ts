// The content digest of a dataset, independent of how it was packed (tar, zip, folder) and of file times.
import { createHash } from 'node:crypto';
import type { DatasetSource } from './dataset-source';

/**
 * sha256 over the files in byte order of their relative POSIX path; for each file:
 * the path (UTF-8), a NUL byte, the size in decimal ASCII, a NUL byte, then the file's bytes.
 * The size prefix makes the framing unambiguous (no file's bytes can pose as the next path).
 */
export function datasetDigest(source: DatasetSource): string {
  const hash = createHash('sha256');
  for (const f of source.files) {
    hash.update(`${f.path}\0${f.size}\0`, 'utf8');
    for (const chunk of source.chunks(f)) hash.update(chunk);
  }
  return hash.digest('hex');
}
