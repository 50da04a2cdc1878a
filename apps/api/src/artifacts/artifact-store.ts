// The artifact store on local disk (`<dataDir>/artifacts/<runId>/<path>`): uploads stream into a temp file in the
// store while being hashed and measured, and are renamed into place only on success (HOUSE_STYLE rule 13: no
// abstract store before there are two).
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
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
    const tempDir = join(this.root, TEMP_DIR);
    await mkdir(tempDir, { recursive: true });
    const tempPath = join(tempDir, `${randomUUID()}.part`);
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

  /** Moves a received file into place, replacing what was there (rename is atomic within the store's filesystem). */
  async commit(file: ReceivedFile, runId: string, path: string): Promise<void> {
    const target = this.localPath(runId, path);
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(file.tempPath, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // `a/b` stored and now `a` (or the reverse): a file and a directory cannot share a name.
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
        throw conflict(`Artifact path "${path}" clashes with an existing artifact (a file and a directory of the same name)`, { path });
      }
      throw e;
    }
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  read(runId: string, path: string): ReadStream {
    return createReadStream(this.localPath(runId, path));
  }
}
