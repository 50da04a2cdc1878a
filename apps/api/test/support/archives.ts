// Hostile archives for the dataset intake tests: zips written by hand (entry order, names and sizes no zip tool would
// write) and tar.gz files streamed from generators (200 MB of content, a few hundred KB on disk, never in memory).
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, crc32, createDeflateRaw, createGzip, deflateRawSync } from 'node:zlib';
import { Header, Pax } from 'tar';

/** Content already deflated, with what the zip headers need to declare it. */
export interface Deflated {
  compressed: Buffer;
  size: number;
  crc: number;
}

export interface ZipEntry {
  name: string;
  /** A folder entry (its name should end with `/`). */
  dir?: boolean;
  data?: Buffer | string;
  /** Content deflated beforehand (deflatedZeros), e.g. to repeat it across entries. */
  deflated?: Deflated;
  /** Unix mode in the external attributes (e.g. 0o120777 for a symbolic link). */
  mode?: number;
}

const DOS_DATE_1980_01_01 = 0x21;

/** A zip with exactly these entries in this order: stored, unless `deflated` is given. */
export function zipOf(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const raw = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    const method = e.deflated ? 8 : 0;
    const body = e.deflated ? e.deflated.compressed : raw;
    const size = e.deflated ? e.deflated.size : raw.length;
    const crc = e.deflated ? e.deflated.crc : crc32(raw);
    // The fields the local header and the central directory share, from `at` (method, time, date, crc, sizes, name).
    const common = (buf: Buffer, at: number) => {
      buf.writeUInt16LE(method, at);
      buf.writeUInt16LE(0, at + 2);
      buf.writeUInt16LE(DOS_DATE_1980_01_01, at + 4);
      buf.writeUInt32LE(crc, at + 6);
      buf.writeUInt32LE(body.length, at + 10);
      buf.writeUInt32LE(size, at + 14);
      buf.writeUInt16LE(name.length, at + 18);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    common(local, 8);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4); // made by Unix: the external attributes hold a mode
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    common(cd, 10);
    const mode = e.mode ?? (e.dir ? 0o40755 : 0o100644);
    cd.writeUInt32LE(((mode << 16) | (e.dir ? 0x10 : 0)) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(cd, name);
    offset += local.length + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, end]);
}

/** `size` zero bytes deflated, streamed through zlib 1 MiB at a time (1 GiB of zeros is ~1 MB deflated). */
export async function deflatedZeros(size: number): Promise<Deflated> {
  const chunk = Buffer.alloc(Math.min(size, 1024 * 1024));
  let crc = 0;
  const out: Buffer[] = [];
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (let left = size; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return { compressed: Buffer.concat(out), size, crc };
}

/** Small content deflated at once (a test's few-KB files). */
export function deflated(data: Buffer | string): Deflated {
  const raw = Buffer.from(data);
  return { compressed: deflateRawSync(raw), size: raw.length, crc: crc32(raw) };
}

export interface TarEntry {
  name: string;
  dir?: boolean;
  data?: Buffer | string;
  /** Streamed content: `size` bytes from `chunks()` (which must yield exactly that many). */
  size?: number;
  chunks?: () => Iterable<Buffer>;
}

/** `line` repeated up to `totalBytes`, in 1 MiB chunks (`totalBytes` a multiple of the line's length). */
export function* repeatedLines(line: string, totalBytes: number): Iterable<Buffer> {
  const unit = Buffer.from(line);
  const chunk = Buffer.alloc(Math.floor((1024 * 1024) / unit.length) * unit.length);
  for (let i = 0; i < chunk.length; i += unit.length) unit.copy(chunk, i);
  for (let left = totalBytes; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}

/**
 * `totalBytes` of malformed label rows: `x` lines, every `every`-th one `x<5 pseudo-random digits>`, so the content
 * compresses about as much as real text (20× at every 32nd line, ~300× at every 512th), not 1000× like `x\n` alone.
 */
export function* badRows(totalBytes: number, every: number): Iterable<Buffer> {
  let seed = 1;
  let line = 0;
  let left = totalBytes;
  while (left > 0) {
    let text = '';
    while (text.length < 1024 * 1024) {
      if (line++ % every === 0) {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        text += `x${seed % 100000}\n`;
      } else text += 'x\n';
    }
    const chunk = Buffer.from(text.slice(0, Math.min(text.length, left)));
    left -= chunk.length;
    yield chunk;
  }
}

function* tarStream(entries: TarEntry[]): Iterable<Buffer> {
  for (const e of entries) {
    const data = e.data === undefined ? undefined : Buffer.from(e.data);
    const size = e.dir ? 0 : (data?.length ?? e.size ?? 0);
    const header = new Header({ path: e.name, mode: e.dir ? 0o755 : 0o644, size, type: e.dir ? 'Directory' : 'File', mtime: new Date(0), uid: 0, gid: 0 });
    const block = Buffer.alloc(512);
    // A path past ustar's 100 + 155 characters goes in a pax header first, as tar itself writes it.
    if (header.encode(block, 0)) yield new Pax({ path: e.name, size }).encode();
    yield block;
    if (e.dir) continue;
    if (data) yield data;
    else if (e.chunks) for (const c of e.chunks()) yield c;
    if (size % 512) yield Buffer.alloc(512 - (size % 512));
  }
  yield Buffer.alloc(1024);
}

/** Writes a tar (gzipped unless `gzip: false`) of `entries` to a temp file, streaming; returns its path. */
export async function tarFile(entries: TarEntry[], opts: { gzip?: boolean } = {}): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'podium-archive-')), opts.gzip === false ? 'a.tar' : 'a.tar.gz');
  const source = Readable.from(tarStream(entries), { objectMode: false });
  if (opts.gzip === false) await pipeline(source, createWriteStream(file));
  else await pipeline(source, createGzip({ level: constants.Z_BEST_COMPRESSION }), createWriteStream(file));
  return file;
}

/** The bytes of tarFile's archive (small by construction: the content streamed in is what compresses). */
export async function tarBytes(entries: TarEntry[], opts: { gzip?: boolean } = {}): Promise<Buffer> {
  const file = await tarFile(entries, opts);
  try {
    return readFileSync(file);
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
}
