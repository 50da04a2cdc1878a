// The content digest of a dataset, independent of how it was packed (tar, zip, folder) and of file times.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { DatasetFile } from './dataset-files';

/**
 * sha256 over the files in byte order of their relative POSIX path; for each file:
 * the path (UTF-8), a NUL byte, the size in decimal ASCII, a NUL byte, then the file's bytes.
 * The size prefix makes the framing unambiguous (no file's bytes can pose as the next path).
 */
export async function datasetDigest(root: string, files: DatasetFile[]): Promise<string> {
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${f.path}\0${f.size}\0`, 'utf8');
    for await (const chunk of createReadStream(join(root, f.path))) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
