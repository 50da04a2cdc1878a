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
  const bytes = typeof source === 'string' ? await readFile(source) : source;
  // Decode first, then resize the decoded pixels only when the letterbox needs it: COCO images are mostly 640 on
  // their long side, so at 640 most need none, and a header-only metadata pass would cost more than it saves.
  // Resizing full-resolution pixels is also what cv2 does: no JPEG shrink-on-load.
  const decoded = await sharp(bytes, { failOn: 'error' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const { width, height } = decoded.info;
  checkRgb(decoded, width, height);
  const letterbox = computeLetterbox(width, height, size, pad);
  let pixels = decoded.data;
  if (letterbox.resizedWidth !== width || letterbox.resizedHeight !== height) {
    const resized = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .resize(letterbox.resizedWidth, letterbox.resizedHeight, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    checkRgb(resized, letterbox.resizedWidth, letterbox.resizedHeight);
    pixels = resized.data;
  }
  return { width, height, letterbox, pixels: padInto(pixels, letterbox, size) };
}

function checkRgb({ data, info }: { data: Buffer; info: sharp.OutputInfo }, width: number, height: number): void {
  if (info.width !== width || info.height !== height || info.channels !== 3 || data.length !== width * height * 3) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels} (${data.length} bytes), expected ${width}×${height}×3 bytes of 8 bits`);
  }
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
