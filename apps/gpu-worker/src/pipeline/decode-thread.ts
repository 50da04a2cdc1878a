/**
 * Decode helper (a worker thread, or a child process: `DecodePool`): decodes and letterboxes images with sharp.
 * libvips already runs off the event loop, but each image also costs JavaScript (reading the file, two sharp
 * pipelines, buffers): on one event loop that caps decoding near 500 images/s whatever the core count, so several
 * of these share the work. Each image's checksum is taken here, for the tensor cache (tensor-cache.ts).
 */
import { serve, withTransfer } from '../threads/serve';
import { configureSharp, decodeLetterboxed, type DecodedImage } from './decode-image';
import type { PadMode } from './letterbox';
import { pixelChecksum, readyChecksum } from './pixel-checksum';

export interface DecodeRequest {
  file: string;
  size: number;
  pad: PadMode;
}

export type DecodeReply = DecodedImage & { checksum: string; decodeMs: number };

configureSharp();

serve<DecodeRequest, DecodeReply>(async ({ file, size, pad }) => {
  const started = performance.now();
  await readyChecksum();
  const image = await decodeLetterboxed(file, size, pad);
  const checksum = pixelChecksum(image.pixels);
  // The padded pixels own their ArrayBuffer (not sharp's): transferred, not copied.
  return withTransfer({ ...image, checksum, decodeMs: performance.now() - started }, [image.pixels.buffer as ArrayBuffer]);
});
