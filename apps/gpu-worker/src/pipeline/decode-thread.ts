/**
 * Decode helper (a worker thread, or a child process: `DecodePool`): decodes and letterboxes images with sharp.
 * libvips already runs off the event loop, but each image also costs JavaScript (reading the file, two sharp
 * pipelines, buffers): on one event loop that caps decoding near 500 images/s whatever the core count, so several
 * of these share the work. Each image's checksum is taken here, for the tensor cache (tensor-cache.ts); a cache build
 * also has the helper write the pixels into their slot itself (`writeTo`), so they never cross to the pipeline's
 * thread (no transfer, no external memory there, and no copy over IPC from a process).
 */
import { open } from 'node:fs/promises';
import { serve, withTransfer } from '../threads/serve';
import { configureSharp, decodeLetterboxed, type DecodedImage } from './decode-image';
import type { PadMode } from './letterbox';
import { pixelChecksum, readyChecksum } from './pixel-checksum';

export interface DecodeRequest {
  file: string;
  size: number;
  pad: PadMode;
  /** Write the pixels at `position` of the (existing) file `path` and reply without them. */
  writeTo?: { path: string; position: number };
}

/**
 * `decodeMs`: this helper's busy time (at least one image in flight) since its previous reply, so the replies of an
 * evaluation add up to the time its helpers spent decoding for it, however many images each had in flight.
 */
export type DecodeReply = Omit<DecodedImage, 'pixels'> & { pixels?: Uint8Array; checksum: string; decodeMs: number };

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

serve<DecodeRequest, DecodeReply>(async ({ file, size, pad, writeTo }) => {
  if (inFlight++ === 0) busySince = performance.now();
  try {
    await readyChecksum();
    const image = await decodeLetterboxed(file, size, pad);
    const checksum = pixelChecksum(image.pixels);
    if (writeTo) {
      await writeAt(writeTo.path, writeTo.position, image.pixels);
      const { pixels: _written, ...rest } = image;
      return { ...rest, checksum, decodeMs: takeBusy(performance.now()) };
    }
    const decodeMs = takeBusy(performance.now());
    // The padded pixels own their ArrayBuffer (not sharp's): transferred, not copied.
    return withTransfer({ ...image, checksum, decodeMs }, [image.pixels.buffer as ArrayBuffer]);
  } finally {
    if (--inFlight === 0) busyMs += performance.now() - busySince;
  }
});

async function writeAt(path: string, position: number, pixels: Uint8Array): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    let done = 0;
    while (done < pixels.byteLength) done += (await fh.write(pixels, done, pixels.byteLength - done, position + done)).bytesWritten;
  } finally {
    await fh.close();
  }
}
