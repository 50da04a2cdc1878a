// The artifact store on local disk (the default adapter of the ArtifactStore port): content-addressed blobs at
// `<dataDir>/artifacts/blobs/ab/cd/<sha256>`, named objects at `<dataDir>/artifacts/<name>`. Layout, guarantees and
// errors: docs/artifacts.md. Over 300 lines on purpose: the crash-safety of one store (temp files, content-addressed
// placement, per-blob locks, the sweep, the earlier layout's migration) is one argument, read in one file.
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type Dirent, type Stats } from 'node:fs';
import { copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isUuid } from '../common/uuid';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import {
  ArtifactStore,
  type ByteRange,
  checkObjectName,
  checkSha256,
  FOREIGN_TEMP_GRACE_MS,
  type LegacyMigration,
  type OpenedBlob,
  payloadTooLarge,
  type ReceivedFile,
  SHA256_HEX,
  type TempSweep,
} from './artifact-store';

const BLOBS_DIR = 'blobs';
const TEMP_DIR = '.incoming';

/** This process's name on temp files: `<host>~<pid>~`; the sweep tells a dead owner's files from a live one's by it. */
const OWNER_HOST =
  hostname()
    .replace(/[^A-Za-z0-9.-]/g, '_')
    .slice(0, 64) || 'host';

/** Temp files of this process's uploads still running (process-wide, as their names are): the sweep keeps them. */
const inFlight = new Set<string>();

@Injectable()
export class FsArtifactStore extends ArtifactStore {
  readonly kind = 'file' as const;
  readonly root: string;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'dataDir'>) {
    super();
    this.root = resolve(config.dataDir, 'artifacts');
  }

  /**
   * Streams `body` into a temp file (never a served path), hashing it; over `maxBytes` it stops. The bytes are
   * flushed to disk before it resolves. On any failure the temp file is removed.
   */
  async receive(body: Readable, maxBytes: number): Promise<ReceivedFile> {
    await ensureDir(join(this.root, TEMP_DIR));
    const tempRef = join(this.root, TEMP_DIR, `${OWNER_HOST}~${process.pid}~${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(payloadTooLarge(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    inFlight.add(tempRef);
    try {
      // `flush`: fsync before close. A row may name these bytes once renamed: they must survive a power cut as it does.
      await pipeline(body, meter, createWriteStream(tempRef, { flags: 'wx', flush: true }));
    } catch (e) {
      await this.discard({ tempRef, size, sha256: '' });
      throw e;
    }
    return { tempRef, size, sha256: hash.digest('hex') };
  }

  /**
   * Stores a received file under its sha256 (an atomic rename; identical bytes already there are replaced by the
   * same bytes). The caller holds the blob's lock (ArtifactsRepository.lockBlob) until the row naming it commits, so
   * the sweep cannot collect it in between.
   */
  async place(file: ReceivedFile): Promise<void> {
    const target = this.blobPath(file.sha256);
    await ensureDir(join(target, '..'));
    await rename(file.tempRef, target);
    inFlight.delete(file.tempRef);
    await syncDir(join(target, '..'));
  }

  /** Drops a received file that will not be stored. */
  async discard(file: ReceivedFile): Promise<void> {
    await rm(file.tempRef, { force: true });
    inFlight.delete(file.tempRef);
  }

  /** Opens the blob of `sha256`; null when the store has no such blob. */
  open(sha256: string, range?: ByteRange): Promise<OpenedBlob | null> {
    return openFile(this.blobPath(sha256), range);
  }

  async putObjectFile(name: string, localFile: string): Promise<void> {
    const dest = join(this.root, checkObjectName(name));
    if (await lstatOrNull(dest)) return;
    await ensureDir(dirname(dest));
    try {
      await rename(localFile, dest);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      // Another file system: a copy beside the target, then the same atomic rename.
      const staging = `${dest}.${randomUUID()}.tmp`;
      try {
        await copyFile(localFile, staging);
        await rename(staging, dest);
      } finally {
        await rm(staging, { force: true });
      }
    }
    await syncDir(dirname(dest));
  }

  openObject(name: string, range?: ByteRange): Promise<OpenedBlob | null> {
    return openFile(join(this.root, checkObjectName(name)), range);
  }

  async hasObject(name: string): Promise<boolean> {
    return (await lstatOrNull(join(this.root, checkObjectName(name)))) !== null;
  }

  /** For /readyz: a small file written, flushed and removed where uploads land (the sweeps skip its name). */
  async probeWritable(): Promise<void> {
    await ensureDir(join(this.root, TEMP_DIR));
    const probe = join(this.root, TEMP_DIR, `readyz~${process.pid}~${randomUUID()}.probe`);
    await writeFile(probe, 'ok', { flush: true });
    await unlink(probe);
  }

  /** Removes a blob (absent is fine). The caller has checked, under the blob's lock, that no row references it. */
  async remove(sha256: string): Promise<void> {
    await rm(this.blobPath(sha256), { force: true });
  }

  /** Every stored blob's sha256, in pages (directory order). */
  async *listBlobs(pageSize = 500): AsyncGenerator<string[]> {
    let page: string[] = [];
    for (const a of await dirNames(join(this.root, BLOBS_DIR))) {
      for (const b of await dirNames(join(this.root, BLOBS_DIR, a))) {
        for (const name of await dirNames(join(this.root, BLOBS_DIR, a, b), true)) {
          if (!SHA256_HEX.test(name) || name.slice(0, 2) !== a || name.slice(2, 4) !== b) continue;
          page.push(name);
          if (page.length >= pageSize) {
            yield page;
            page = [];
          }
        }
      }
    }
    if (page.length) yield page;
  }

  /**
   * Removes temp files whose upload is over, at any age: this process's that no running upload owns (a previous
   * process with the same pid, as in a restarted container), and those of a dead process of this host. Another
   * host's are removed once not written to for `foreignGraceMs` (its process cannot be asked). Never throws.
   */
  async sweepTemp(foreignGraceMs: number = FOREIGN_TEMP_GRACE_MS, now: number = Date.now()): Promise<TempSweep> {
    const sweep: TempSweep = { removed: 0, kept: 0, failed: [] };
    const dir = join(this.root, TEMP_DIR);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') sweep.failed.push({ entry: dir, error: e as Error });
      return sweep;
    }
    for (const name of names) {
      const entry = join(dir, name);
      const owner = /^(.+)~(\d+)~[0-9a-f-]{36}\.part$/.exec(name);
      if (!owner) continue; // not ours (files of the earlier layout go in migrateLegacy)
      try {
        const pid = Number(owner[2]);
        const stale = async () => now - ((await lstatOrNull(entry))?.mtimeMs ?? 0) >= foreignGraceMs;
        let over: boolean;
        if (owner[1] !== OWNER_HOST) over = await stale();
        else if (pid === process.pid) over = !inFlight.has(entry);
        // A live pid may be another program that took a dead api's number: the file's age settles it then.
        else over = !processAlive(pid) || (await stale());
        if (over) {
          await rm(entry, { force: true });
          sweep.removed++;
        } else {
          sweep.kept++;
        }
      } catch (e) {
        sweep.failed.push({ entry, error: e as Error });
      }
    }
    return sweep;
  }

  /**
   * Moves a store of the earlier layout into blobs, idempotently and crash-safely: each file of `<runId>/<path>`
   * and each replaced file an interrupted replacement left aside (`.incoming/<id>.old`) is hashed and renamed under
   * its sha256; journals and cut-off uploads of that layout are removed. Which blobs rows still reference is the
   * service's business (the sweep that follows collects the rest, among them bytes of a replacement that never
   * committed). Never throws.
   */
  async migrateLegacy(): Promise<LegacyMigration> {
    const done: LegacyMigration = { moved: 0, removed: 0, failed: [] };
    const temp = join(this.root, TEMP_DIR);
    for (const name of await dirNames(temp, true)) {
      const legacy = /^[0-9a-f-]{36}\.(old|part)$/.exec(name);
      if (!legacy) continue;
      const entry = join(temp, name);
      try {
        if (legacy[1] === 'old') {
          await this.adopt(entry);
          done.moved++;
        } else {
          await rm(entry, { force: true });
          done.removed++;
        }
      } catch (e) {
        done.failed.push({ entry, error: e as Error });
      }
    }
    // The journals last: each said where its `.old` belonged, which no longer matters once that is a blob.
    for (const name of await dirNames(temp, true)) {
      if (!/^[0-9a-f-]{36}\.json$/.test(name)) continue;
      try {
        await rm(join(temp, name), { force: true });
        done.removed++;
      } catch (e) {
        done.failed.push({ entry: join(temp, name), error: e as Error });
      }
    }
    for (const name of await dirNames(this.root, true)) {
      if (!isUuid(name)) continue; // blobs/, .incoming/, _datasets/ and anything else are not run folders
      const runDir = join(this.root, name);
      try {
        for (const file of await filesUnder(runDir)) {
          try {
            await this.adopt(file);
            done.moved++;
          } catch (e) {
            done.failed.push({ entry: file, error: e as Error });
          }
        }
        await removeEmptyDirs(runDir);
      } catch (e) {
        done.failed.push({ entry: runDir, error: e as Error });
      }
    }
    return done;
  }

  private blobPath(sha256: string): string {
    checkSha256(sha256);
    return join(this.root, BLOBS_DIR, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Hashes a file of the store and renames it under its sha256 (rename is atomic: a crash leaves one or the other). */
  private async adopt(file: string): Promise<void> {
    const sha256 = await sha256OfFile(file);
    const target = this.blobPath(sha256);
    await ensureDir(join(target, '..'));
    await rename(file, target);
    await syncDir(join(target, '..'));
  }
}

/** Opens a file of the store (its `range` only, when given); null when absent. The descriptor is held from here. */
async function openFile(path: string, range?: ByteRange): Promise<OpenedBlob | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const { size } = await handle.stat();
    return { size, stream: handle.createReadStream(range ? { start: range.start, end: range.end } : {}) };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir reports ENOENT for what is EROFS (a read-only store), and
 * the caller's answer depends on the real cause.
 */
async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw e;
    await ensureDir(dirname(dir));
    await mkdir(dir).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

/** A rename is durable once its directory is flushed. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Names in a directory (none when it does not exist); `all` includes files, else only subdirectories. */
async function dirNames(dir: string, all = false): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries.filter((d) => all || d.isDirectory()).map((d) => d.name);
}

/** Regular files below `dir` (symbolic links are not followed: the earlier layout never made any). */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await filesUnder(full)));
    else if (d.isFile()) out.push(full);
  }
  return out;
}

async function removeEmptyDirs(dir: string): Promise<void> {
  for (const d of await readdir(dir, { withFileTypes: true })) if (d.isDirectory()) await removeEmptyDirs(join(dir, d.name));
  await rmdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOTEMPTY' && e.code !== 'ENOENT') throw e;
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
