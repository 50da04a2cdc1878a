import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { configureSharp, decodeLetterboxed } from './decode-image';
import { computeLetterbox, type PadMode } from './letterbox';

const IMAGES = resolve(__dirname, '../../../../assets/images');

/**
 * The reference: full decode (no shrink-on-load, alpha dropped before any resize, as cv2.imread + cv2.resize see
 * the image), resize of those pixels, then libvips' own `extend` with the pad grey.
 */
async function viaExtend(bytes: Buffer, size: number, pad: PadMode): Promise<Buffer> {
  const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const box = computeLetterbox(info.width, info.height, size, pad);
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .resize(box.resizedWidth, box.resizedHeight, { fit: 'fill', kernel: 'linear' })
    .extend({ top: box.top, bottom: box.bottom, left: box.left, right: box.right, background: { r: 114, g: 114, b: 114 } })
    .raw()
    .toBuffer();
}

async function synthetic(width: number, height: number, channels: 3 | 4 = 3, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * channels);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7 + (i >> 5)) & 0xff;
  const image = sharp(raw, { raw: { width, height, channels } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer();
}

describe('decodeLetterboxed', () => {
  configureSharp();

  it.each([
    ['bus.jpg', 640, 'center'],
    ['bus.jpg', 416, 'top-left'],
    ['zidane.jpg', 640, 'center'],
    ['zidane.jpg', 320, 'top-left'],
  ] as const)('pads %s at %i (%s) byte for byte as libvips extend does', async (name, size, pad) => {
    const file = resolve(IMAGES, name);
    const image = await decodeLetterboxed(file, size, pad);
    const bytes = readFileSync(file);
    expect(image.pixels.byteLength).toBe(size * size * 3);
    expect(Buffer.compare(Buffer.from(image.pixels), await viaExtend(bytes, size, pad))).toBe(0);
  });

  it.each([
    [640, 427, 'center'],
    [427, 640, 'center'],
    [640, 640, 'center'],
    [500, 300, 'top-left'],
  ] as const)('needs no resize for a %i×%i image at 640 (%s) and still pads exactly', async (w, h, pad) => {
    const bytes = await synthetic(w, h);
    const image = await decodeLetterboxed(bytes, 640, pad);
    expect([image.width, image.height]).toEqual([w, h]);
    expect(Buffer.compare(Buffer.from(image.pixels), await viaExtend(bytes, 640, pad))).toBe(0);
  });

  it('drops alpha from an RGBA PNG', async () => {
    const bytes = await synthetic(300, 200, 4, 'png');
    const image = await decodeLetterboxed(bytes, 320, 'center');
    expect(Buffer.compare(Buffer.from(image.pixels), await viaExtend(bytes, 320, 'center'))).toBe(0);
  });

  it('gives each image a buffer of its own (transferable without a copy)', async () => {
    const image = await decodeLetterboxed(resolve(IMAGES, 'bus.jpg'), 320, 'center');
    expect(image.pixels.byteOffset).toBe(0);
    expect(image.pixels.buffer.byteLength).toBe(320 * 320 * 3);
  });

  it('refuses bytes that are not an image', async () => {
    await expect(decodeLetterboxed(Buffer.from('not an image at all'), 320, 'center')).rejects.toThrow();
  });
});
