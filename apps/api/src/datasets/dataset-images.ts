// Checks that every image of a dataset is an image the evaluation worker can decode: its header, then its dimensions.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DatasetFile } from './dataset-files';
import { ProblemList } from './dataset-layout';

type ImageKind = 'jpeg' | 'png' | 'webp' | 'tiff' | 'bmp';

/** The format a file's first bytes announce, if any of the dataset image formats. */
export function sniffImage(head: Buffer): ImageKind | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (head.length >= 4 && (head.toString('latin1', 0, 4) === 'II*\0' || head.toString('latin1', 0, 4) === 'MM\0*')) return 'tiff';
  if (head.length >= 2 && head.toString('latin1', 0, 2) === 'BM') return 'bmp';
  return null;
}

function readHead(file: string): Buffer {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, 16, 0));
  } finally {
    closeSync(fd);
  }
}

/** Why `file` is not a usable image, or null when it is one. */
export async function imageProblem(file: string): Promise<string | null> {
  const kind = sniffImage(readHead(file));
  if (!kind) return 'not an image (no JPEG, PNG, WebP or TIFF header)';
  // sharp (libvips), which the worker decodes with, has no BMP loader: refused here rather than at evaluation.
  if (kind === 'bmp') return 'BMP cannot be decoded by the evaluation worker: convert it to PNG or JPEG';
  let meta: sharp.Metadata;
  try {
    // sharp refuses here, as it would at decode, an image past its pixel limit (limitInputPixels, ~268 MP).
    meta = await sharp(file).metadata();
  } catch (e) {
    return `unreadable ${kind.toUpperCase()} (${(e as Error).message})`;
  }
  return meta.width && meta.height ? null : `${kind.toUpperCase()} without dimensions`;
}

/** libuv threads the checks may hold at once (sharp's metadata runs there); the api's file I/O shares the pool. */
const CONCURRENCY = 2;

/** Refuses the dataset (BAD_USER_INPUT naming the first files and counting the rest) if any image is not one. */
export async function checkImages(root: string, images: DatasetFile[]): Promise<void> {
  const problems = new ProblemList();
  let next = 0;
  const lane = async () => {
    while (next < images.length) {
      const { path } = images[next++];
      const why = await imageProblem(join(root, path));
      if (why) problems.add(() => `${path}: ${why}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, images.length) }, lane));
  problems.refuse((n) => `dataset has ${n} image file(s) that are not usable images`);
}
