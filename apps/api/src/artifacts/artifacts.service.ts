// Stores, serves and lists the files attached to runs; announces each stored file after commit.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { badInput, notFound } from '../common/app-error';
import { isUuid } from '../common/uuid';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { Database } from '../database/database';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import type { ArtifactRow } from './artifact.entity';
import { ARTIFACT_UPLOADED, type ArtifactListener, uploadedEvent } from './artifact-events';
import { validateArtifactPath } from './artifact-path';
import { ArtifactStore, payloadTooLarge } from './artifact-store';
import { ArtifactsRepository } from './artifacts.repository';

export interface PutArtifactOptions {
  /** Marks an epoch checkpoint (`?epoch=N`); continuous evaluation reacts to these. */
  epoch?: number | null;
  /** Identity name recorded as created_by. */
  actor: string;
  contentType?: string;
  /** The request's Content-Length, when known: refused at once when over the limit. */
  declaredSize?: number;
}

@Injectable()
export class ArtifactsService {
  private readonly logger = new Logger('Artifacts');
  private readonly listeners = new Set<ArtifactListener>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'artifactMaxBytes'>,
    private readonly db: Database,
    private readonly repo: ArtifactsRepository,
    private readonly store: ArtifactStore,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  /**
   * Streams `body` into the store and records it; replaces an artifact stored at the same path. Nothing is left
   * behind when it fails (oversize, client gone, database error): the temp file is removed and no row is written.
   */
  async put(givenRunId: string, path: string, body: Readable, opts: PutArtifactOptions): Promise<ArtifactRow> {
    validateArtifactPath(path);
    const epoch = opts.epoch ?? null;
    if (epoch !== null && (!Number.isInteger(epoch) || epoch < 0)) throw badInput(`epoch must be a non-negative integer, got ${epoch}`);
    // One spelling of the id for the lookup, the row, the directory and the event (an upper-case uuid names the same run).
    const runId = givenRunId.toLowerCase();
    await this.requireRun(runId);
    const max = this.config.artifactMaxBytes;
    if (opts.declaredSize !== undefined && opts.declaredSize > max) throw payloadTooLarge(max);
    const file = await this.store.receive(body, max);
    const row: ArtifactRow = {
      runId,
      path,
      size: file.size,
      sha256: file.sha256,
      epoch,
      contentType: (opts.contentType || 'application/octet-stream').slice(0, 255),
      createdBy: opts.actor,
      createdAt: Date.now(),
    };
    try {
      // The rename is the last step of the transaction: if it fails the row rolls back.
      await this.db.write(async (tx) => {
        await this.repo.upsert(tx, row);
        await this.store.commit(file, runId, path);
      });
    } catch (e) {
      await this.store.discard(file.tempPath);
      throw e;
    }
    await this.announce(row);
    return row;
  }

  /** The stored row and a stream of its bytes. */
  async open(runId: string, path: string): Promise<{ row: ArtifactRow; stream: Readable }> {
    validateArtifactPath(path);
    const row = isUuid(runId) ? await this.repo.findOne(runId.toLowerCase(), path) : null;
    if (!row) throw notFound('Artifact', `${runId}/${path}`);
    return { row, stream: this.store.read(row.runId, path) };
  }

  /** Each run's artifacts ordered by path, aligned with `runIds` (for DataLoaders). */
  async listByRunIds(runIds: readonly string[]): Promise<ArtifactRow[][]> {
    const rows = await this.repo.findByRunIds(runIds.filter(isUuid));
    const byRun = new Map<string, ArtifactRow[]>(runIds.map((id) => [id, []]));
    for (const row of rows) byRun.get(row.runId)?.push(row);
    return runIds.map((id) => byRun.get(id) ?? []);
  }

  /** The file on disk (evaluation jobs read checkpoints through it). */
  localPath(runId: string, path: string): string {
    return this.store.localPath(runId, validateArtifactPath(path));
  }

  /** Calls `listener` after each artifact is committed; returns the unsubscribe function. */
  onArtifactStored(listener: ArtifactListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async requireRun(runId: string): Promise<void> {
    if (!isUuid(runId) || !(await this.repo.isActiveRun(runId))) throw notFound('Run', runId);
  }

  private async announce(row: ArtifactRow): Promise<void> {
    this.pubSub.publish(ARTIFACT_UPLOADED, uploadedEvent(row));
    for (const listener of this.listeners) {
      try {
        await listener(row);
      } catch (e) {
        // A listener's failure (e.g. queueing an evaluation) must not turn a stored upload into an error.
        this.logger.error(`artifact listener failed for ${row.runId}/${row.path}: ${(e as Error).message}`, (e as Error).stack);
      }
    }
  }
}
