// Dataset archives: bounded, streaming extraction of an uploaded tar/zip into one spool file, and the normalised tar
// the api serves to workers.
import { closeSync, createReadStream, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Header, Parser, Pax, type ReadEntry } from 'tar';
import yauzl from 'yauzl';
import { AppError, badInput } from '../common/app-error';
import { EntryNames, normaliseEntryName } from './dataset-entry-names';
import { isImagePath, oversized } from './dataset-files';
import { type DatasetLimits, RATIO_ALLOWANCE_BYTES } from './dataset-limits';
import { type DatasetSource, type SpoolEntry, SpoolSource } from './dataset-source';

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
 * Appends each entry's bytes to the spool file as they stream by (no file held in memory, one file on disk). Each
 * entry is checked before a byte of it is written: its name (no escape, no clash), the entry count, its size against
 * its kind's cap, and the running total against the total cap and the ratio to the archive's size.
 */
class EntryWriter {
  readonly entries: SpoolEntry[] = [];
  private readonly names = new EntryNames();
  private readonly ratioBudget: number;
  private count = 0;
  private total = 0;
  private open?: { entry: SpoolEntry; written: number };

  constructor(
    private readonly fd: number,
    private readonly limits: DatasetLimits,
    private readonly archiveBytes: number,
  ) {
    this.ratioBudget = Math.max(RATIO_ALLOWANCE_BYTES, limits.maxRatio * archiveBytes);
  }

  get busy(): boolean {
    return this.open !== undefined;
  }

  dir(raw: string): void {
    this.counted();
    const path = normaliseEntryName(raw);
    if (path !== null) this.names.add(path, 'dir', raw);
  }

  beginFile(raw: string, size: number): void {
    this.counted();
    const path = normaliseEntryName(raw);
    if (path === null) throw badInput(`archive refused: entry ${q(raw)} is a file without a name`, { entries: [raw] });
    this.names.add(path, 'file', raw);
    const cap = isImagePath(path) ? this.limits.maxImageBytes : this.limits.maxFileBytes;
    if (size > cap) throw oversized(path, size, cap, 'archive');
    if (this.total + size > this.limits.maxExtractedBytes) throw tooBig(this.limits);
    if (this.total + size > this.ratioBudget) {
      throw badInput(`archive refused: it would extract to more than ${this.limits.maxRatio} times its own ${this.archiveBytes} bytes`, { limit: this.limits.maxRatio });
    }
    this.open = { entry: { path, offset: this.total, size }, written: 0 };
    this.total += size;
  }

  write(chunk: Buffer): void {
    const open = this.open!;
    if (open.written + chunk.length > open.entry.size)
      throw badInput(`archive refused: ${q(open.entry.path)} holds more bytes than its header declares (${open.entry.size})`, { entries: [open.entry.path] });
    for (let at = 0; at < chunk.length;) at += writeSync(this.fd, chunk, at, chunk.length - at, open.entry.offset + open.written + at);
    open.written += chunk.length;
  }

  endFile(): void {
    const open = this.open!;
    this.open = undefined;
    if (open.written !== open.entry.size) throw badInput(`archive refused: ${q(open.entry.path)} holds ${open.written} bytes, its header declares ${open.entry.size}`, { entries: [open.entry.path] });
    this.entries.push(open.entry);
  }

  private counted(): void {
    if (++this.count > this.limits.maxEntries) throw tooManyEntries(this.limits);
  }
}

/**
 * Extracts a tar (plain, gzip or zstd) or zip into the `spool` file within `limits`: plain files and folders only.
 * Refuses links, devices, paths that leave the archive, clashing names and any entry past a limit, with a typed error
 * naming the entry. On failure the spool holds a part: the caller removes it.
 */
export async function extractArchive(file: string, spool: string, limits: DatasetLimits): Promise<SpoolSource> {
  const fd = openSync(spool, 'w');
  try {
    const writer = new EntryWriter(fd, limits, statSync(file).size);
    await (archiveKind(file) === 'zip' ? extractZip(file, writer, limits) : extractTar(file, writer, limits));
    return new SpoolSource(spool, writer.entries);
  } finally {
    closeSync(fd);
  }
}

const TAR_FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const TAR_DIR_TYPES = new Set(['Directory', 'GNUDumpDir']);

/** tar's own guard on the decompressed stream (headers and padding included), never below our entry ratio. */
const TAR_STREAM_RATIO = 1000;

/**
 * The one failure of an extraction: the first error stops the reading and rejects; later ones are ignored. `guard`
 * runs an event handler so that what it throws is that failure, never an uncaught exception.
 */
function failOnce(reject: (e: Error) => void, stop: () => void) {
  let failed = false;
  const fail = (e: unknown) => {
    if (failed) return;
    failed = true;
    stop();
    reject(e as Error);
  };
  const guard = (fn: () => void) => {
    if (failed) return;
    try {
      fn();
    } catch (e) {
      fail(e);
    }
  };
  return { fail, guard, failed: () => failed };
}

function extractTar(file: string, writer: EntryWriter, limits: DatasetLimits): Promise<void> {
  return new Promise((resolve, reject) => {
    const source = createReadStream(file);
    const maxDecompressionRatio = Math.max(TAR_STREAM_RATIO, limits.maxRatio);
    const parser = new Parser({ strict: true, maxDecompressionRatio });
    const { fail, guard } = failOnce(reject, () => {
      source.destroy();
      parser.abort(new Error('extraction stopped'));
    });
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
      let reading: Readable | undefined;
      const { fail, guard, failed } = failOnce(reject, () => {
        reading?.destroy();
        zip.close();
      });
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
            if (failed()) return stream?.destroy();
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

/**
 * Writes the dataset as a normalised tar at `dest` (returns its size): files only, in digest order, mode 0644, no
 * owners or times (what `tar.create` writes with `portable` and `noMtime`), so the same content always gives the same
 * bytes. Headers come from tar's own Header and Pax (long paths); the bytes stream from the source.
 */
export function writeNormalisedTar(source: DatasetSource, dest: string): number {
  const fd = openSync(dest, 'w');
  let at = 0;
  const put = (buf: Buffer) => {
    for (let done = 0; done < buf.length;) done += writeSync(fd, buf, done, buf.length - done, at + done);
    at += buf.length;
  };
  try {
    for (const file of source.files) {
      const header = new Header({ path: file.path, mode: 0o644, size: file.size, type: 'File' });
      if (header.encode()) put(new Pax({ path: file.path, size: file.size }).encode());
      put(header.block!);
      for (const chunk of source.chunks(file)) put(chunk);
      if (file.size % 512) put(Buffer.alloc(512 - (file.size % 512)));
    }
    put(Buffer.alloc(1024));
  } catch (e) {
    closeSync(fd);
    rmSync(dest, { force: true });
    throw e;
  }
  closeSync(fd);
  return at;
}
