// Registers datasets (intake thread: validate → digest → normalised tar; then the tar into the artifact store and the
// row) and finds them. The archives live in the artifact store (`_datasets/<digest>.tar`), on disk or in S3, so a
// worker served by any api replica reads any dataset (docs/scaled.md).
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { ArtifactStore, type ByteRange, type OpenedBlob } from '../artifacts/artifact-store';
import { AppError, badInput, conflict, failedPrecondition, notFound } from '../common/app-error';
import { keysetPage, type Page } from '../common/pagination';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { dialectOf } from '../database/data-source';
import { Database } from '../database/database';
import { isUniqueViolation } from '../database/unique-violation';
import { COCO80_CLASS_NAMES, COCO80_PRESET } from './coco80';
import { DatasetFormat } from './dataset-format';
import type { IntakeJob, IntakeResult } from './dataset-intake';
import { DatasetIntakeRunner } from './dataset-intake.runner';
import { datasetLimitsOf } from './dataset-limits';
import { DatasetEntity } from './dataset.entity';
import { DatasetsRepository } from './datasets.repository';

export interface RegisterDatasetSpec {
  name: string;
  format: DatasetFormat;
  version?: number | null;
  classNames?: string[] | null;
}

@Injectable()
export class DatasetsService {
  constructor(
    private readonly db: Database,
    private readonly repo: DatasetsRepository,
    private readonly intake: DatasetIntakeRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: ArtifactStore,
  ) {}

  /** The store's name for the normalised tar of a digest. */
  archiveName(digest: string): string {
    return `_datasets/${digest}.tar`;
  }

  /** Where the file adapter keeps the archives (the intake skips writing one it finds there); none on object storage. */
  private get archiveDir(): string | undefined {
    return this.store.kind === 'file' ? join(this.config.dataDir, 'artifacts', '_datasets') : undefined;
  }

  /** ADMIN on the embedded default: registers a folder of the api host. */
  async importFolder(spec: RegisterDatasetSpec & { path: string }, actor: string): Promise<DatasetEntity> {
    if (dialectOf(this.config) !== 'sqlite')
      throw failedPrecondition('importDataset reads a folder of the api host and is only available on the embedded default (SQLite); upload an archive to POST /datasets/upload instead');
    if (!isAbsolute(spec.path)) throw badInput(`path must be absolute, got "${spec.path}"`);
    if (!existsSync(spec.path) || !statSync(spec.path).isDirectory()) throw notFound('folder', spec.path);
    return this.registerFolder(spec.path, spec, actor);
  }

  /** Streams an uploaded tar/zip to a work file (bounded by artifactMaxBytes), then registers it through the intake thread. */
  async registerUpload(body: Readable, spec: RegisterDatasetSpec, actor: string): Promise<DatasetEntity> {
    const classNames = resolveClassNames(spec.classNames);
    return this.withWorkDir(async (workDir) => {
      const archive = join(workDir, 'upload');
      let received = 0;
      const limit = this.config.artifactMaxBytes;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          received += chunk.length;
          if (received > limit) done(new AppError('PAYLOAD_TOO_LARGE', `dataset archive exceeds ${limit} bytes`));
          else done(null, chunk);
        },
      });
      await pipeline(body, meter, createWriteStream(archive));
      if (received === 0) throw badInput('empty body: send a tar or zip archive of the dataset');
      return this.register({ source: { archive }, workDir, ...this.jobOf(spec, classNames) }, spec, actor);
    });
  }

  /** Registers a server-side folder (importDataset, the demo seeder) under the same checks as an upload. */
  async registerFolder(root: string, spec: RegisterDatasetSpec, actor: string): Promise<DatasetEntity> {
    const classNames = resolveClassNames(spec.classNames);
    return this.withWorkDir((workDir) => this.register({ source: { folder: root }, workDir, ...this.jobOf(spec, classNames) }, spec, actor));
  }

  private jobOf(spec: RegisterDatasetSpec, classNames: string[] | undefined): Pick<IntakeJob, 'archiveDir' | 'format' | 'classNames' | 'limits'> {
    return { archiveDir: this.archiveDir, format: spec.format, classNames, limits: datasetLimitsOf(this.config) };
  }

  private async withWorkDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
    const dir = await this.intake.newWorkDir();
    try {
      return await work(dir);
    } finally {
      await this.intake.removeWorkDir(dir);
    }
  }

  /** Identical content under the same name (and version, or the latest) is a no-op; nothing is stored for a refusal. */
  private async register(job: IntakeJob, spec: RegisterDatasetSpec, actor: string): Promise<DatasetEntity> {
    const result = await this.intake.run(job);
    try {
      return await this.db.write(async (tx) => {
        if (spec.version == null) {
          // Re-sending the latest version's content again is not a new version.
          const latest = await this.repo.findByName(spec.name, null, tx);
          if (latest && latest.digest === result.digest && latest.format === spec.format) return latest;
        }
        const version = spec.version ?? (await this.repo.nextVersion(tx, spec.name));
        const existing = await this.repo.findOne(tx, spec.name, version);
        if (existing) {
          if (existing.digest === result.digest && existing.format === spec.format) return existing;
          throw conflict(`dataset ${spec.name} version ${version} already exists with different content (digest ${existing.digest.slice(0, 12)}…)`);
        }
        // Into the store only once the row is decided: a refused registration leaves no archive behind.
        await this.placeArchive(result);
        const row = Object.assign(new DatasetEntity(), {
          id: randomUUID(),
          name: spec.name,
          version,
          digest: result.digest,
          format: spec.format,
          classNames: result.layout.classNames,
          counts: result.layout.counts,
          imagesDir: result.layout.imagesDir,
          labelsDir: result.layout.labelsDir,
          annotationsPath: result.layout.annotationsPath,
          sizeBytes: result.sizeBytes,
          createdBy: actor,
          createdAt: Date.now(),
        });
        await this.repo.insert(tx, row);
        return row;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`dataset ${spec.name} was registered concurrently; retry`);
      throw e;
    }
  }

  /** Stores the thread's tar as `_datasets/<digest>.tar` unless the store has it (same digest, same bytes). */
  private async placeArchive(result: IntakeResult): Promise<void> {
    if (!result.tarPath) return;
    await this.store.putObjectFile(this.archiveName(result.digest), result.tarPath);
  }

  async get(name: string, version?: number | null): Promise<DatasetEntity | null> {
    return this.repo.findByName(name, version);
  }

  async require(name: string, version?: number | null): Promise<DatasetEntity> {
    const found = await this.repo.findByName(name, version);
    if (!found) throw notFound('dataset', version ? `${name}:${version}` : name);
    return found;
  }

  /** The archive of a digest, opened (its `rangeOf` range only), for the download route. */
  async openArchive(digest: string, rangeOf?: (size: number) => ByteRange | undefined): Promise<{ dataset: DatasetEntity; archive: OpenedBlob; range?: ByteRange }> {
    if (!/^[0-9a-f]{64}$/.test(digest)) throw badInput(`"${digest}" is not a sha256 digest`);
    const dataset = await this.repo.findByDigest(digest);
    if (!dataset) throw notFound('dataset archive', digest);
    const range = rangeOf?.(dataset.sizeBytes);
    const archive = await this.store.openObject(this.archiveName(digest), range);
    if (!archive) throw notFound('dataset archive', digest);
    return { dataset, archive, range };
  }

  list(first?: number | null, after?: string | null): Promise<Page<DatasetEntity>> {
    return keysetPage(
      first,
      after,
      (a, limit) => this.repo.findPage(a, limit),
      (d) => ({ key: d.name, id: d.version }),
    );
  }
}

function resolveClassNames(names: string[] | null | undefined): string[] | undefined {
  if (!names || !names.length) return undefined;
  if (names.length === 1 && names[0].toLowerCase() === COCO80_PRESET) return [...COCO80_CLASS_NAMES];
  const blank = names.findIndex((n) => !n.trim());
  if (blank >= 0) throw badInput(`classNames[${blank}] is empty`);
  return names;
}
