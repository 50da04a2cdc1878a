import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error';
import { checkImages, imageProblem, sniffImage } from './dataset-images';
import { FolderSource } from './dataset-source';

const JPG = readFileSync(resolve(__dirname, '../../../../assets/datasets/coco8/images/val/000000000036.jpg'));

/** A PNG that is only a header claiming `width`×`height` (no pixels): what a decompression bomb looks like up front. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(width + 1))), chunk('IEND', Buffer.alloc(0))]);
}

describe('image checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podium-images-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const LIMITS = { maxEntries: 100, maxFileBytes: 1e6, maxImageBytes: 1e6, maxExtractedBytes: 1e8, maxRatio: 50 };

  it('knows the dataset formats by their first bytes', async () => {
    expect(sniffImage(JPG)).toBe('jpeg');
    expect(sniffImage(await sharp(JPG).png().toBuffer())).toBe('png');
    expect(sniffImage(await sharp(JPG).webp().toBuffer())).toBe('webp');
    expect(sniffImage(await sharp(JPG).tiff().toBuffer())).toBe('tiff');
    expect(sniffImage(Buffer.from('BM\0\0'))).toBe('bmp');
    expect(sniffImage(Buffer.alloc(16))).toBeNull();
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });

  it('accepts real images and says what is wrong with the others', async () => {
    expect(await imageProblem(JPG)).toBeNull();
    expect(await imageProblem(await sharp(JPG).webp().toBuffer())).toBeNull();
    expect(await imageProblem(Buffer.alloc(4096))).toBe('not an image (no JPEG, PNG, WebP or TIFF header)');
    expect(await imageProblem(Buffer.alloc(0))).toBe('not an image (no JPEG, PNG, WebP or TIFF header)');
    expect(await imageProblem(Buffer.from('BM' + '\0'.repeat(60)))).toBe('BMP cannot be decoded by the evaluation worker: convert it to PNG or JPEG');
    expect(await imageProblem(JPG.subarray(0, 100))).toMatch(/^unreadable JPEG \(.+\)$/);
    expect(await imageProblem(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(1000)]))).toMatch(/^unreadable JPEG \(.+\)$/);
    expect(await imageProblem(pngHeader(20_000, 20_000))).toBe('unreadable PNG (Input image exceeds pixel limit)');
  });

  it('refuses a dataset naming the first 20 bad files and counting the rest', async () => {
    writeFileSync(join(dir, 'a.jpg'), JPG);
    writeFileSync(join(dir, 'a.txt'), 'not an image, not checked');
    await expect(checkImages(new FolderSource(dir, LIMITS))).resolves.toBeUndefined();
    for (let i = 0; i < 25; i++) writeFileSync(join(dir, `z${String(i).padStart(2, '0')}.jpg`), Buffer.alloc(10));
    const error = await checkImages(new FolderSource(dir, LIMITS)).catch((e: AppError) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    expect((error as AppError).message).toMatch(/^dataset has 25 image file\(s\) that are not usable images: z\d\d\.jpg: not an image \(no JPEG, PNG, WebP or TIFF header\); .* \(and 5 more\)$/);
    expect((error as AppError).details).toMatchObject({ problemCount: 25 });
    expect(((error as AppError).details!.problems as string[]).length).toBe(20);
  });
});
