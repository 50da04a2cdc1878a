// The artifact store on local disk (`<dataDir>/artifacts/<runId>/<path>`): uploads stream into a temp file in the
// store while being hashed and measured, and are renamed into place only on success; a file they replace is kept
// aside, with a journal naming where it belongs, until the row's transaction has ended (CONTRIBUTING.md rule 13: no
// abstract store before there are two). What a crash leaves in the temp folder is swept by `sweepIncoming` and
// `resolveAside`, driven by ArtifactsService, which knows the rows.
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream, type Stats } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, conflict } from '../common/app-error';
import { isUuid } from '../common/uuid';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { validateArtifactPath } from './artifact-path';

export interface ReceivedFile {
  tempPath: string;
  size: number;
  sha256: string;
}

/** A received file moved into place; what it replaced waits in the temp directory for `settle` or `undo`. */
export interface PlacedFile {
  target: string;
  /** The replaced file, moved aside; null when the path was free. */
  previous: string | null;
  /** The journal of `previous` (where it belongs), written before the move; null when the path was free. */
  journal: string | null;
  /** The placed file's identity (a rename keeps it): tells whether another upload has replaced it since. */
  dev: number;
  ino: number;
}

const TEMP_DIR = '.incoming';

/**
 * Temp entries younger than this are left to the upload that owns them: other api replicas may share the store,
 * and an upload keeps its `.part` file's mtime fresh while bytes arrive.
 */
export const INCOMING_GRACE_MS = 10 * 60_000;

/** A replaced file moved aside by `place` whose transaction never ended (the process stopped): where it belongs. */
export interface AsideFile {
  runId: string;
  path: string;
  /** The replaced file, `.incoming/<id>.old`. */
  previous: string;
  /** Its journal, `.incoming/<id>.json`. */
  journal: string;
}

/** What `sweepIncoming` did on disk, and the replaced files left for `resolveAside`. */
export interface IncomingSweep {
  /** Stale `.part` files (uploads cut off by a crash) removed. */
  partsRemoved: number;
  /** Stale journals whose replaced file was already gone (the process stopped inside `settle` or `undo`), removed. */
  journalsCleared: number;
  /** Entries within the grace period, left alone. */
  fresh: number;
  /** Stale journals with their replaced file: the caller decides, per file, through `resolveAside`. */
  aside: AsideFile[];
  /** Entries that could not be handled (an unreadable journal beside its replaced file, an unexpected error). */
  failed: { entry: string; error: Error }[];
}

export const payloadTooLarge = (maxBytes: number): AppError =>
  new AppError('PAYLOAD_TOO_LARGE', `The artifact is larger than the limit of ${maxBytes} bytes (PODIUM_ARTIFACT_MAX_BYTES)`, { maxBytes });

@Injectable()
export class ArtifactStore {
  readonly root: string;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'dataDir'>) {
    this.root = resolve(config.dataDir, 'artifacts');
  }

  /** Where the artifact lives on disk; the path must already be validated (artifact-path.ts), this re-checks containment. */
  localPath(runId: string, path: string): string {
    const runDir = resolve(this.root, runId);
    const full = resolve(runDir, path);
    if (!runDir.startsWith(this.root + sep) || !full.startsWith(runDir + sep)) throw new AppError('BAD_USER_INPUT', `Artifact path "${path}" leaves the run's directory`);
    return full;
  }

  /** Streams `body` into a temp file, hashing it; over `maxBytes` it stops. On any failure the temp file is removed. */
  async receive(body: Readable, maxBytes: number): Promise<ReceivedFile> {
    await mkdir(join(this.root, TEMP_DIR), { recursive: true });
    const tempPath = this.tempName('part');
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
    try {
      await pipeline(body, meter, createWriteStream(tempPath, { flags: 'wx' }));
    } catch (e) {
      await this.discard(tempPath);
      throw e;
    }
    return { tempPath, size, sha256: hash.digest('hex') };
  }

  /**
   * Moves a received file into place (rename is atomic within the store's filesystem). A file already there is moved
   * aside first, not overwritten: the caller's transaction can still fail, and then `undo` puts it back; once the
   * transaction has committed `settle` drops it. A journal beside it says where it belongs, for the sweep after a
   * crash (one small write, and only when replacing). On failure here the replaced file is back and the temp file
   * remains.
   */
  async place(file: ReceivedFile, runId: string, path: string): Promise<PlacedFile> {
    const target = this.localPath(runId, path);
    let previous: string | null = null;
    let journal: string | null = null;
    try {
      await mkdir(dirname(target), { recursive: true });
      const existing = await lstatOrNull(target);
      // `a/b` stored and now `a` (or the reverse): a file and a directory cannot share a name.
      if (existing?.isDirectory()) throw pathClash(path);
      const { dev, ino } = await stat(file.tempPath);
      if (existing) {
        // The journal first: a crash after the move must leave the replaced file's destination on disk.
        const id = randomUUID();
        journal = join(this.root, TEMP_DIR, `${id}.json`);
        await writeFile(journal, JSON.stringify({ runId, path }), { flag: 'wx' });
        const aside = join(this.root, TEMP_DIR, `${id}.old`);
        await rename(target, aside);
        previous = aside;
      }
      await rename(file.tempPath, target);
      return { target, previous, journal, dev, ino };
    } catch (e) {
      if (previous) await rename(previous, target);
      if (journal) await rm(journal, { force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') throw pathClash(path);
      throw e;
    }
  }

  /** The row of a placed file has committed: the file it replaced goes. */
  async settle(placed: PlacedFile): Promise<void> {
    if (placed.previous) await rm(placed.previous, { force: true });
    if (placed.journal) await rm(placed.journal, { force: true });
  }

  /**
   * The transaction of a placed file failed: the replaced file goes back (or the path is freed when it was free),
   * unless another upload has replaced the placed file since; then that one stands and the replaced file goes.
   */
  async undo(placed: PlacedFile): Promise<void> {
    const now = await lstatOrNull(placed.target);
    if (now?.dev === placed.dev && now.ino === placed.ino) {
      if (placed.previous) await rename(placed.previous, placed.target);
      else await rm(placed.target, { force: true });
    } else if (placed.previous) {
      await rm(placed.previous, { force: true });
    }
    if (placed.journal) await rm(placed.journal, { force: true });
  }

  /**
   * One pass over the temp folder after a crash, touching only entries older than `graceMs` (by mtime: an upload
   * writing its `.part` file, or a journal written just before its move, is younger): removes `.part` files and
   * journals whose replaced file is gone; returns the replaced files still aside. Never throws: failures are listed.
   */
  async sweepIncoming(graceMs: number = INCOMING_GRACE_MS, now: number = Date.now()): Promise<IncomingSweep> {
    const sweep: IncomingSweep = { partsRemoved: 0, journalsCleared: 0, fresh: 0, aside: [], failed: [] };
    const dir = join(this.root, TEMP_DIR);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') sweep.failed.push({ entry: dir, error: e as Error });
      return sweep;
    }
    for (const name of names) {
      const kind = name.endsWith('.part') ? 'part' : name.endsWith('.json') ? 'journal' : null;
      // `.old` files are reached through their journals; anything else is not ours.
      if (!kind) continue;
      const entry = join(dir, name);
      try {
        const info = await lstatOrNull(entry);
        if (!info) continue;
        if (now - info.mtimeMs < graceMs) {
          sweep.fresh++;
        } else if (kind === 'part') {
          await rm(entry, { force: true });
          sweep.partsRemoved++;
        } else {
          const previous = entry.slice(0, -'.json'.length) + '.old';
          if (!(await lstatOrNull(previous))) {
            await rm(entry, { force: true });
            sweep.journalsCleared++;
          } else {
            sweep.aside.push({ ...parseJournal(await readFile(entry, 'utf8'), name), previous, journal: entry });
          }
        }
      } catch (e) {
        sweep.failed.push({ entry, error: e as Error });
      }
    }
    return sweep;
  }

  /**
   * Settles a replaced file left aside by a crash, given the sha256 of the row now stored at its path (null: no row).
   * The row still describing the replaced bytes (the replacing transaction did not commit), or no row at all, puts
   * them back over the uncommitted file; otherwise the row describes the file in place and the replaced one goes.
   * The caller keeps uploads to the same path out meanwhile.
   */
  async resolveAside(aside: AsideFile, rowSha256: string | null): Promise<'restored' | 'dropped' | 'gone'> {
    let outcome: 'restored' | 'dropped' | 'gone';
    const previousSha256 = await sha256OfFile(aside.previous).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null; // settled meanwhile (another replica's sweep)
      throw e;
    });
    if (previousSha256 === null) {
      outcome = 'gone';
    } else if (rowSha256 === null || rowSha256 === previousSha256) {
      const target = this.localPath(aside.runId, aside.path);
      await mkdir(dirname(target), { recursive: true });
      await rename(aside.previous, target);
      outcome = 'restored';
    } else {
      await rm(aside.previous, { force: true });
      outcome = 'dropped';
    }
    await rm(aside.journal, { force: true });
    return outcome;
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  read(runId: string, path: string): ReadStream {
    return createReadStream(this.localPath(runId, path));
  }

  private tempName(suffix: 'part'): string {
    return join(this.root, TEMP_DIR, `${randomUUID()}.${suffix}`);
  }
}

const pathClash = (path: string): AppError =>
  conflict(`Artifact path "${path}" clashes with an existing artifact (a file and a directory of the same name)`, { path });

function parseJournal(text: string, name: string): { runId: string; path: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const { runId, path } = (parsed ?? {}) as { runId?: unknown; path?: unknown };
  if (typeof runId !== 'string' || !isUuid(runId) || typeof path !== 'string') throw new Error(`journal ${name} is unreadable; its .old file is left in place`);
  return { runId, path: validateArtifactPath(path) };
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
