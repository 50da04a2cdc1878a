// Dataset archives: bounded, streaming extraction of an uploaded tar/zip, and the normalised tar the api serves to workers.
import { closeSync, createReadStream, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { create as tarCreate, Parser, type ReadEntry } from 'tar';
import yauzl from 'yauzl';
import { AppError, badInput } from '../common/app-error';
import { EntryNames, normaliseEntryName } from './dataset-entry-names';
import { type DatasetFile, isImagePath, oversized } from './dataset-files';
import { type DatasetLimits, RATIO_ALLOWANCE_BYTES } from './dataset-limits';

const q = (name: string): string => JSON.stringify(name);

function archiveKind(file: string): 'zip' | 'tar' {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head[0] === 0x50 && head[1] === 0x4b ? 'zip' : 'tar';
}

const tooManyEntries = (limits: DatasetLimits): AppError => badInput(`archive refused: it holds more than ${limits.maxEntries} entries`, { limit: limits.maxEntries });

const tooBig = (limits: DatasetLimits): AppError => badInput(`archive refused: its files add up to more than ${limits.maxExtractedBytes} bytes`, { limit: limits.maxExtractedBytes });

/**
 * Writes entries under `dest` as they stream by, one file open at a time and no file held in memory. Each entry is
 * checked before a byte of it is written: its name (no escape, no clash), the entry count, its size against its
 * kind's cap, and the running total against the total cap and the ratio to the archive's size.
 */
class EntryWriter {
  private readonly names = new EntryNames();
  private readonly made = new Set<string>();
  private readonly ratioBudget: number;
  private entries = 0;
  private total = 0;
  private open?: { fd: number; path: string; declared: number; written: number };

  constructor(
    private readonly dest: string,
    private readonly limits: DatasetLimits,
    private readonly archiveBytes: number,
  ) {
    this.ratioBudget = Math.max(RATIO_ALLOWANCE_BYTES, limits.maxRatio * archiveBytes);
  }

  get busy(): boolean {
    return this.open !== undefined;
  }

  dir(raw: string): void {
    this.count();
    const path = normaliseEntryName(raw);
    if (path === null) return;
    this.names.add(path, 'dir', raw);
    this.mkdir(path, raw);
  }

  beginFile(raw: string, size: number): void {
    this.count();
    const path = normaliseEntryName(raw);
    if (path === null) throw badInput(`archive refused: entry ${q(raw)} is a file without a name`, { entries: [raw] });
    this.names.add(path, 'file', raw);
    const cap = isImagePath(path) ? this.limits.maxImageBytes : this.limits.maxFileBytes;
    if (size > cap) throw oversized(path, size, cap, 'archive');
    if (this.total + size > this.limits.maxExtractedBytes) throw tooBig(this.limits);
    if (this.total + size > this.ratioBudget) {
      throw badInput(`archive refused: it would extract to more than ${this.limits.maxRatio} times its own ${this.archiveBytes} bytes`, { limit: this.limits.maxRatio });
    }
    this.total += size;
    const slash = path.lastIndexOf('/');
    if (slash > 0) this.mkdir(path.slice(0, slash), raw);
    const fd = this.fs(raw, () => openSync(join(this.dest, path), 'wx'));
    this.open = { fd, path, declared: size, written: 0 };
  }

  write(chunk: Buffer): void {
    const open = this.open!;
    open.written += chunk.length;
    if (open.written > open.declared) throw badInput(`archive refused: ${q(open.path)} holds more bytes than its header declares (${open.declared})`, { entries: [open.path] });
    for (let at = 0; at < chunk.length; ) at += writeSync(open.fd, chunk, at);
  }

  endFile(): void {
    const open = this.open!;
    this.open = undefined;
    closeSync(open.fd);
    if (open.written !== open.declared) throw badInput(`archive refused: ${q(open.path)} holds ${open.written} bytes, its header declares ${open.declared}`, { entries: [open.path] });
  }

  /** Closes the file being written, if any (the caller removes the whole folder). */
  abort(): void {
    if (!this.open) return;
    try {
      closeSync(this.open.fd);
    } catch {
      // already closed
    }
    this.open = undefined;
  }

  private count(): void {
    if (++this.entries > this.limits.maxEntries) throw tooManyEntries(this.limits);
  }

  private mkdir(path: string, raw: string): void {
    if (this.made.has(path)) return;
    this.fs(raw, () => mkdirSync(join(this.dest, path), { recursive: true }));
    this.made.add(path);
  }

  /** File-system errors an entry name can cause are the uploader's; the rest (a full disk) are ours. */
  private fs<T>(raw: string, op: () => T): T {
    try {
      return op();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENAMETOOLONG') throw badInput(`archive refused: ${q(raw)} is a name too long for the file system`, { entries: [raw] });
      if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') throw badInput(`archive refused: ${q(raw)} clashes with another entry`, { entries: [raw] });
      throw e;
    }
  }
}

/**
 * Extracts a tar (plain, gzip or zstd) or zip into `dest` as plain files and folders within `limits`. Refuses links,
 * devices, paths that leave `dest`, clashing names and any entry past a limit, with a typed error naming the entry.
 * On failure `dest` holds a partial tree: the caller removes it.
 */
export async function extractArchive(file: string, dest: string, limits: DatasetLimits): Promise<void> {
  mkdirSync(dest, { recursive: true });
  const writer = new EntryWriter(dest, limits, statSync(file).size);
  return archiveKind(file) === 'zip' ? extractZip(file, writer, limits) : extractTar(file, writer, limits);
}

const TAR_FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const TAR_DIR_TYPES = new Set(['Directory', 'GNUDumpDir']);

/** tar's own guard on the decompressed stream (headers and padding included), never below our entry ratio. */
const TAR_STREAM_RATIO = 1000;

function extractTar(file: string, writer: EntryWriter, limits: DatasetLimits): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    const source = createReadStream(file);
    const maxDecompressionRatio = Math.max(TAR_STREAM_RATIO, limits.maxRatio);
    const parser = new Parser({ strict: true, maxDecompressionRatio });
    const fail = (e: unknown) => {
      if (failure) return;
      failure = e as Error;
      writer.abort();
      source.destroy();
      parser.abort(new Error('extraction stopped'));
      reject(failure);
    };
    const guard = (fn: () => void) => {
      if (failure) return;
      try {
        fn();
      } catch (e) {
        fail(e);
      }
    };
    parser.on('entry', (entry: ReadEntry) =>
      guard(() => {
        if (TAR_DIR_TYPES.has(entry.type)) {
          writer.dir(entry.path);
          entry.resume();
        } else if (TAR_FILE_TYPES.has(entry.type)) {
          writer.beginFile(entry.path, entry.size);
          entry.on('data', (chunk: Buffer) => guard(() => writer.write(chunk)));
          entry.on('end', () => guard(() => writer.endFile()));
        } else {
          throw badInput(`archive refused: ${entry.path} (${entry.type}): only plain files and folders are accepted`, { entries: [entry.path] });
        }
      }),
    );
    // Entry types tar does not know, and metadata headers over its 1 MiB cap: never silently dropped.
    parser.on('ignoredEntry', (entry: ReadEntry) => fail(badInput(`archive refused: ${entry.path} (${entry.type}): only plain files and folders are accepted`, { entries: [entry.path] })));
    parser.on('error', (e: Error) =>
      fail(
        /max decompression ratio exceeded/.test(e.message)
          ? badInput(`archive refused: it decompresses to more than ${maxDecompressionRatio} times its own size`, { limit: maxDecompressionRatio })
          : badInput(`not a readable tar or zip archive: ${e.message}`),
      ),
    );
    parser.on('end', () => guard(() => (writer.busy ? fail(badInput('not a readable tar or zip archive: truncated')) : resolve())));
    source.on('error', fail);
    source.pipe(parser);
  });
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function extractZip(file: string, writer: EntryWriter, limits: DatasetLimits): Promise<void> {
  return new Promise((resolve, reject) => {
    // yauzl reads names from the central directory (`\` read as `/`, `..` and absolute paths refused) and checks
    // each entry's inflated size against the declared one as it streams (validateEntrySizes).
    yauzl.open(file, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(badInput(`not a readable zip archive: ${err?.message ?? 'unknown error'}`));
      let failure: Error | undefined;
      let reading: Readable | undefined;
      const fail = (e: unknown) => {
        if (failure) return;
        failure = e as Error;
        writer.abort();
        reading?.destroy();
        zip.close();
        reject(failure);
      };
      const guard = (fn: () => void) => {
        if (failure) return;
        try {
          fn();
        } catch (e) {
          fail(e);
        }
      };
      if (zip.entryCount > limits.maxEntries) return fail(tooManyEntries(limits));
      zip.on('error', (e: Error) => fail(badInput(`zip archive unreadable: ${e.message}`)));
      zip.on('end', () => guard(resolve));
      zip.on('entry', (entry: yauzl.Entry) =>
        guard(() => {
          const name = entry.fileName;
          const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
          if (mode === S_IFLNK) throw badInput(`archive refused: ${name} is a symbolic link; only plain files are accepted`, { entries: [name] });
          if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) throw badInput(`archive refused: ${name} is a special file; only plain files are accepted`, { entries: [name] });
          if (name.endsWith('/')) {
            writer.dir(name);
            return zip.readEntry();
          }
          writer.beginFile(name, entry.uncompressedSize);
          zip.openReadStream(entry, (e, stream) => {
            if (failure) return stream?.destroy();
            if (e || !stream) return fail(badInput(`zip entry ${q(name)} unreadable: ${e?.message ?? 'unknown error'}`));
            reading = stream;
            stream.on('data', (chunk: Buffer) => guard(() => writer.write(chunk)));
            stream.on('error', (se: Error) => fail(badInput(`zip entry ${q(name)} unreadable: ${se.message}`)));
            stream.on('end', () =>
              guard(() => {
                reading = undefined;
                writer.endFile();
                zip.readEntry();
              }),
            );
          });
        }),
      );
      zip.readEntry();
    });
  });
}

/** An archive of one folder (`coco128/…`) is the same dataset as the folder's content: use that folder as the root. */
export function datasetRoot(dir: string): string {
  const entries = readdirSync(dir).filter((n) => n !== '__MACOSX');
  if (entries.length === 1 && statSync(join(dir, entries[0])).isDirectory()) return datasetRoot(join(dir, entries[0]));
  return dir;
}

/**
 * Writes the dataset as a normalised tar: files only, in digest order, no owners or times, so the same content
 * always gives the same bytes. Written beside `dest` and renamed into place, so a reader never sees half a file.
 */
export async function writeNormalisedTar(root: string, files: DatasetFile[], dest: string): Promise<number> {
  mkdirSync(dirname(dest), { recursive: true });
  const staging = `${dest}.${process.pid}.${Date.now()}.tmp`;
  try {
    await tarCreate({ file: staging, cwd: root, portable: true, noMtime: true, noDirRecurse: true }, files.map((f) => f.path));
    renameSync(staging, dest);
  } catch (e) {
    rmSync(staging, { force: true });
    throw e;
  }
  return statSync(dest).size;
}
