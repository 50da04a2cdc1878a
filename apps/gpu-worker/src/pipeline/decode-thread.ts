/**
 * worker_thread entry: decodes and letterboxes images with sharp. libvips already runs off the event loop, but
 * each image also costs JavaScript (reading the file, two sharp pipelines, buffers): on one event loop that caps
 * decoding near 500 images/s whatever the core count, so several of these threads share the work.
 */
import { parentPort } from 'node:worker_threads';
import { configureSharp, decodeLetterboxed } from './decode-image';
import type { PadMode } from './letterbox';

const port = parentPort!;
configureSharp();

port.on('message', (message: { id: number; file: string; size: number; pad: PadMode }) => {
  decodeLetterboxed(message.file, message.size, message.pad).then(
    (image) => {
      // The padded pixels own their ArrayBuffer (not sharp's): transferred, not copied.
      const { pixels } = image;
      port.postMessage({ id: message.id, ok: true, width: image.width, height: image.height, letterbox: image.letterbox, pixels }, [pixels.buffer as ArrayBuffer]);
    },
    (error: Error) => port.postMessage({ id: message.id, ok: false, message: error.message }),
  );
});
