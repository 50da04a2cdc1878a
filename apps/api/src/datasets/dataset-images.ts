// Checks that every image of a dataset is an image the evaluation worker can decode: its header, then its dimensions.
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { isImagePath } from './dataset-files';
import { ProblemList } from './dataset-layout';
import { type DatasetSource, readWhole } from './dataset-source';

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

/** Why `bytes` are not a usable image, or null when they are one. */
export async function imageProblem(bytes: Buffer): Promise<string | null> {
  const kind = sniffImage(bytes.subarray(0, 16));
  if (!kind) return 'not an image (no JPEG, PNG, WebP or TIFF header)';
  // sharp (libvips), which the worker decodes with, has no BMP loader: refused here rather than at evaluation.
  if (kind === 'bmp') return 'BMP cannot be decoded by the evaluation worker: convert it to PNG or JPEG';
  let meta: sharp.Metadata;
  try {
    // sharp refuses here, as it would at decode, an image past its pixel limit (limitInputPixels, ~268 MP).
    meta = await sharp(bytes).metadata();
  } catch (e) {
    return `unreadable ${kind.toUpperCase()} (${(e as Error).message})`;
  }
  return meta.width && meta.height ? null : `${kind.toUpperCase()} without dimensions`;
}

/**
 * Images checked at once: sharp's metadata runs on libuv's pool, which the api's own file I/O shares, and with the
 * intake thread busy too, a 2-core machine keeps one core for the event loop only with a single lane.
 */
const LANES = Math.max(1, Math.min(2, availableParallelism() - 1));

/**
 * Refuses the dataset (BAD_USER_INPUT naming the first files and counting the rest) if any image is not one. Each
 * image is read whole (sharp does so anyway), under the per-image cap the listing enforced.
 */
export async function checkImages(source: DatasetSource): Promise<void> {
  const images = source.files.filter((f) => isImagePath(f.path));
  const problems = new ProblemList();
  let next = 0;
  const lane = async () => {
    while (next < images.length) {
      const image = images[next++];
      const why = await imageProblem(readWhole(source, image));
      if (why) problems.add(() => `${image.path}: ${why}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, images.length) }, lane));
  problems.refuse((n) => `dataset has ${n} image file(s) that are not usable images`);
}
