// The artifact store on local disk (`<dataDir>/artifacts/<runId>/<path>`): uploads stream into a temp file in the
// store while being hashed and measured, and are renamed into place only on success; a file they replace is kept
// aside until the row's transaction has ended (HOUSE_STYLE rule 13: no abstract store before there are two).
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream, type Stats } from 'node:fs';
import { lstat, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, conflict } from '../common/app-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';

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
  /** The placed file's identity (a rename keeps it): tells whether another upload has replaced it since. */
  dev: number;
  ino: number;
}

const TEMP_DIR = '.incoming';

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
   * transaction has committed `settle` drops it. On failure here the replaced file is back and the temp file remains.
   */
  async place(file: ReceivedFile, runId: string, path: string): Promise<PlacedFile> {
    const target = this.localPath(runId, path);
    let previous: string | null = null;
    try {
      await mkdir(dirname(target), { recursive: true });
      const existing = await lstatOrNull(target);
      // `a/b` stored and now `a` (or the reverse): a file and a directory cannot share a name.
      if (existing?.isDirectory()) throw pathClash(path);
      const { dev, ino } = await stat(file.tempPath);
      if (existing) {
        previous = this.tempName('old');
        await rename(target, previous);
      }
      await rename(file.tempPath, target);
      return { target, previous, dev, ino };
    } catch (e) {
      if (previous) await rename(previous, target);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') throw pathClash(path);
      throw e;
    }
  }

  /** The row of a placed file has committed: the file it replaced goes. */
  async settle(placed: PlacedFile): Promise<void> {
    if (placed.previous) await rm(placed.previous, { force: true });
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
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  read(runId: string, path: string): ReadStream {
    return createReadStream(this.localPath(runId, path));
  }

  private tempName(suffix: 'part' | 'old'): string {
    return join(this.root, TEMP_DIR, `${randomUUID()}.${suffix}`);
  }
}

const pathClash = (path: string): AppError =>
  conflict(`Artifact path "${path}" clashes with an existing artifact (a file and a directory of the same name)`, { path });

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
