/**
 * Decode + letterbox with sharp (libvips on the libuv pool, off the main thread): the result is the model input's
 * uint8 HWC RGB bytes, ready for the fused graph; no per-pixel JavaScript.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { computeLetterbox, type Letterbox, type PadMode } from './letterbox';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly letterbox: Letterbox;
  /** size × size × 3 bytes, RGB. */
  readonly pixels: Uint8Array;
}

const PAD = 114;

let configured = false;

/**
 * Many images are decoded at once, so each libvips pipeline gets one thread and the parallelism comes from the
 * libuv pool (sized from UV_THREADPOOL_SIZE, see thread-pool-size.ts); the operation cache only costs memory here.
 */
export function configureSharp(): void {
  if (configured) return;
  configured = true;
  sharp.concurrency(1);
  sharp.cache(false);
}

export async function decodeLetterboxed(source: string | Buffer, size: number, pad: PadMode): Promise<DecodedImage> {
  // One read: the header (for the letterbox geometry) and the decode both come from the same bytes.
  const bytes = typeof source === 'string' ? await readFile(source) : source;
  const meta = await sharp(bytes).metadata();
  if (!meta.width || !meta.height) throw new Error('no image dimensions in the header');
  const { width, height } = meta;
  const letterbox = computeLetterbox(width, height, size, pad);
  let pipeline = sharp(bytes, { failOn: 'error' }).removeAlpha().toColourspace('srgb');
  // COCO images are mostly 640 on their long side: at 640 there is nothing to resize.
  if (letterbox.resizedWidth !== width || letterbox.resizedHeight !== height) {
    pipeline = pipeline.resize(letterbox.resizedWidth, letterbox.resizedHeight, { fit: 'fill', kernel: 'linear', fastShrinkOnLoad: false });
  }
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== letterbox.resizedWidth || info.height !== letterbox.resizedHeight || info.channels !== 3 || data.length !== info.width * info.height * 3) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${letterbox.resizedWidth}×${letterbox.resizedHeight}×3`);
  }
  return { width, height, letterbox, pixels: padInto(data, letterbox, size) };
}

/**
 * The resized image's rows copied into a size × size canvas of pad grey: a memcpy per row (one in all when rows are
 * full width) into a buffer of its own, so a decode thread can transfer it without another copy. libvips' `extend`
 * did the same work at about a third of the decode's cost.
 */
function padInto(image: Buffer, box: Letterbox, size: number): Uint8Array {
  const out = Buffer.allocUnsafeSlow(size * size * 3);
  const rowBytes = box.resizedWidth * 3;
  const stride = size * 3;
  const first = box.top * stride;
  const last = (box.top + box.resizedHeight) * stride;
  out.fill(PAD, 0, first);
  out.fill(PAD, last);
  if (box.left === 0 && box.right === 0) {
    image.copy(out, first, 0, rowBytes * box.resizedHeight);
  } else {
    const leftBytes = box.left * 3;
    for (let y = 0, src = 0, dst = first; y < box.resizedHeight; y++, src += rowBytes, dst += stride) {
      out.fill(PAD, dst, dst + leftBytes);
      image.copy(out, dst + leftBytes, src, src + rowBytes);
      out.fill(PAD, dst + leftBytes + rowBytes, dst + stride);
    }
  }
  return out;
}
