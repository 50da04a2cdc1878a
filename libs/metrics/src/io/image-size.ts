// Image width and height from the file header (JPEG SOF / PNG IHDR / GIF / BMP / WebP), without decoding. A JPEG whose
// EXIF orientation is 6 or 8 (rotated 90°) reports swapped sides, as Ultralytics' exif_size does.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { MetricsError } from '../metrics-error';

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

const HEAD_BYTES = 64 * 1024; // SOF usually sits within the first few KiB; EXIF blocks can push it further

function readHead(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = Math.min(bytes, fstatSync(fd).size);
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n <= 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** EXIF orientation (tag 274) from an APP1 payload starting at `start` ("Exif\0\0" then TIFF), or 0. */
function exifOrientation(buf: Buffer, start: number, end: number): number {
  if (end - start < 14 || buf.toString('latin1', start, start + 4) !== 'Exif') return 0;
  const tiff = start + 6;
  const little = buf.toString('latin1', tiff, tiff + 2) === 'II';
  const u16 = (o: number): number => (little ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number): number => (little ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return 0;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > end) return 0;
    if (u16(e) === 0x0112) return u16(e + 8);
  }
  return 0;
}

function jpegSize(buf: Buffer): ImageSize | null {
  let o = 2;
  let orientation = 0;
  while (o + 4 <= buf.length) {
    if (buf[o] !== 0xff) return null;
    const marker = buf[o + 1];
    if (marker === 0xff) {
      o++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2;
      continue;
    }
    const len = buf.readUInt16BE(o + 2);
    if (marker === 0xe1) orientation ||= exifOrientation(buf, o + 4, Math.min(buf.length, o + 2 + len));
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (o + 9 > buf.length) return null;
      const height = buf.readUInt16BE(o + 5);
      const width = buf.readUInt16BE(o + 7);
      return orientation === 6 || orientation === 8 ? { width: height, height: width } : { width, height };
    }
    o += 2 + len;
  }
  return null;
}

function sizeFromHeader(buf: Buffer): ImageSize | null | 'more' {
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47) return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  if (buf.length >= 10 && buf.toString('latin1', 0, 3) === 'GIF') return { width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  if (buf.length >= 26 && buf.toString('latin1', 0, 2) === 'BM') return { width: buf.readInt32LE(18), height: Math.abs(buf.readInt32LE(22)) };
  if (buf.length >= 30 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') {
    const kind = buf.toString('latin1', 12, 16);
    if (kind === 'VP8X') return { width: 1 + buf.readUIntLE(24, 3), height: 1 + buf.readUIntLE(27, 3) };
    if (kind === 'VP8L') {
      const b = buf.readUInt32LE(21);
      return { width: 1 + (b & 0x3fff), height: 1 + ((b >> 14) & 0x3fff) };
    }
    if (kind === 'VP8 ') return { width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff };
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) return jpegSize(buf) ?? 'more';
  return null;
}

export function readImageSize(file: string): ImageSize {
  let head = readHead(file, HEAD_BYTES);
  let size = sizeFromHeader(head);
  if (size === 'more' && head.length === HEAD_BYTES) {
    head = readHead(file, Number.MAX_SAFE_INTEGER); // a very large EXIF block: read the whole file once
    size = sizeFromHeader(head);
  }
  if (!size || size === 'more' || !(size.width > 0) || !(size.height > 0)) throw new MetricsError('UNREADABLE_IMAGE', `${file}: no image size in the header`, { file });
  return size;
}
