// Registers datasets (validate → digest → normalised tar in the artifact store → row) and finds them.
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { AppError, badInput, conflict, failedPrecondition, notFound } from '../common/app-error';
import { offsetPage, type Page } from '../common/pagination';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { dialectOf } from '../database/data-source';
import { Database } from '../database/database';
import { isUniqueViolation } from '../database/unique-violation';
import { COCO80_CLASS_NAMES, COCO80_PRESET } from './coco80';
import { datasetRoot, extractArchive, writeNormalisedTar } from './dataset-archive';
import { datasetDigest } from './dataset-digest';
import { listDatasetFiles } from './dataset-files';
import { DatasetFormat } from './dataset-format';
import type { DatasetLayout } from './dataset-layout';
import { DatasetEntity } from './dataset.entity';
import { DatasetsRepository } from './datasets.repository';
import { validateCoco } from './validate-coco';
import { validateYolo } from './validate-yolo';

export interface RegisterDatasetSpec {
  name: string;
  format: DatasetFormat;
  version?: number | null;
  classNames?: string[] | null;
}

/** Extracted content may be this many times the upload limit (images barely compress; labels and json do). */
const EXTRACTED_SIZE_FACTOR = 4;

@Injectable()
export class DatasetsService {
  constructor(
    private readonly db: Database,
    private readonly repo: DatasetsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Where the normalised tar of a digest lives (inside the artifact store, so backups and workers see it). */
  archivePath(digest: string): string {
    return join(this.config.dataDir, 'artifacts', '_datasets', `${digest}.tar`);
  }

  /** ADMIN on the embedded default: registers a folder of the api host. */
  async importFolder(spec: RegisterDatasetSpec & { path: string }, actor: string): Promise<DatasetEntity> {
    if (dialectOf(this.config) !== 'sqlite') throw failedPrecondition('importDataset reads a folder of the api host and is only available on the embedded default (SQLite); upload an archive to POST /datasets/upload instead');
    if (!isAbsolute(spec.path)) throw badInput(`path must be absolute, got "${spec.path}"`);
    if (!existsSync(spec.path) || !statSync(spec.path).isDirectory()) throw notFound('folder', spec.path);
    return this.registerFolder(spec.path, spec, actor);
  }

  /** Streams an uploaded tar/zip to a temp file (bounded by artifactMaxBytes), extracts it safely and registers it. */
  async registerUpload(body: Readable, spec: RegisterDatasetSpec, actor: string): Promise<DatasetEntity> {
    const work = mkdtempSync(join(tmpdir(), 'podium-dataset-'));
    try {
      const archive = join(work, 'upload');
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
      const extracted = join(work, 'files');
      await extractArchive(archive, extracted, EXTRACTED_SIZE_FACTOR * limit);
      return await this.registerFolder(datasetRoot(extracted), spec, actor);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** Validates, digests and stores a folder; identical content under the same name (and version, or the latest) is a no-op. */
  async registerFolder(root: string, spec: RegisterDatasetSpec, actor: string): Promise<DatasetEntity> {
    const classNames = resolveClassNames(spec.classNames);
    const files = listDatasetFiles(root);
    if (!files.length) throw badInput('dataset is empty');
    const layout: DatasetLayout = spec.format === DatasetFormat.YOLO ? validateYolo(root, files, classNames) : validateCoco(root, files);
    const digest = await datasetDigest(root, files);
    const tarPath = this.archivePath(digest);
    const sizeBytes = existsSync(tarPath) ? statSync(tarPath).size : await writeNormalisedTar(root, files, tarPath);
    try {
      return await this.db.write(async (tx) => {
        if (spec.version == null) {
          // Re-sending the latest version's content again is not a new version.
          const latest = await this.repo.findByName(spec.name, null, tx);
          if (latest && latest.digest === digest && latest.format === spec.format) return latest;
        }
        const version = spec.version ?? (await this.repo.nextVersion(tx, spec.name));
        const existing = await this.repo.findOne(tx, spec.name, version);
        if (existing) {
          if (existing.digest === digest && existing.format === spec.format) return existing;
          throw conflict(`dataset ${spec.name} version ${version} already exists with different content (digest ${existing.digest.slice(0, 12)}…)`);
        }
        const row = Object.assign(new DatasetEntity(), {
          id: randomUUID(),
          name: spec.name,
          version,
          digest,
          format: spec.format,
          classNames: layout.classNames,
          counts: layout.counts,
          imagesDir: layout.imagesDir,
          labelsDir: layout.labelsDir,
          annotationsPath: layout.annotationsPath,
          sizeBytes,
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

  async get(name: string, version?: number | null): Promise<DatasetEntity | null> {
    return this.repo.findByName(name, version);
  }

  async require(name: string, version?: number | null): Promise<DatasetEntity> {
    const found = await this.repo.findByName(name, version);
    if (!found) throw notFound('dataset', version ? `${name}:${version}` : name);
    return found;
  }

  /** The archive file of a digest, for the download route. */
  async archiveOf(digest: string): Promise<{ dataset: DatasetEntity; path: string }> {
    if (!/^[0-9a-f]{64}$/.test(digest)) throw badInput(`"${digest}" is not a sha256 digest`);
    const dataset = await this.repo.findByDigest(digest);
    const path = this.archivePath(digest);
    if (!dataset || !existsSync(path)) throw notFound('dataset archive', digest);
    return { dataset, path };
  }

  list(first?: number | null, after?: string | null): Promise<Page<DatasetEntity>> {
    return offsetPage(first, after, (offset, limit) => this.repo.findPage(offset, limit));
  }
}

function resolveClassNames(names: string[] | null | undefined): string[] | undefined {
  if (!names || !names.length) return undefined;
  if (names.length === 1 && names[0].toLowerCase() === COCO80_PRESET) return [...COCO80_CLASS_NAMES];
  const blank = names.findIndex((n) => !n.trim());
  if (blank >= 0) throw badInput(`classNames[${blank}] is empty`);
  return names;
}
