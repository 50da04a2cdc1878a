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

/**
 * `decodeMs`: this helper's busy time (at least one image in flight) since its previous reply, so the replies of an
 * evaluation add up to the time its helpers spent decoding for it, however many images each had in flight.
 */
export type DecodeReply = DecodedImage & { checksum: string; decodeMs: number };

configureSharp();

let inFlight = 0;
let busySince = 0;
let busyMs = 0;

/** Busy time accumulated since the last call (the current stretch up to now included). */
function takeBusy(now: number): number {
  const taken = busyMs + (inFlight > 0 ? now - busySince : 0);
  busyMs = 0;
  busySince = now;
  return taken;
}

serve<DecodeRequest, DecodeReply>(async ({ file, size, pad }) => {
  if (inFlight++ === 0) busySince = performance.now();
  try {
    await readyChecksum();
    const image = await decodeLetterboxed(file, size, pad);
    const checksum = pixelChecksum(image.pixels);
    const decodeMs = takeBusy(performance.now());
    // The padded pixels own their ArrayBuffer (not sharp's): transferred, not copied.
    return withTransfer({ ...image, checksum, decodeMs }, [image.pixels.buffer as ArrayBuffer]);
  } finally {
    if (--inFlight === 0) busyMs += performance.now() - busySince;
  }
});
