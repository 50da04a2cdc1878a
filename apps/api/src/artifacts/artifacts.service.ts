// Stores, serves and lists the files attached to runs; announces each stored file after commit; collects the blobs
// no row references (after a replacement, and in the sweep after a crash). Guarantees: docs/artifacts.md.
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { badInput, conflict, notFound } from '../common/app-error';
import { requestTag } from '../common/request-context';
import { isUuid } from '../common/uuid';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { Database } from '../database/database';
import { PUB_SUB, type PodiumPubSub } from '../graphql/pubsub';
import type { ArtifactRow } from './artifact.entity';
import { ARTIFACT_UPLOADED, type ArtifactListener, uploadedEvent } from './artifact-events';
import { validateArtifactPath } from './artifact-path';
import { ArtifactStore, type ByteRange, payloadTooLarge, type ReceivedFile } from './artifact-store';
import { ArtifactsRepository } from './artifacts.repository';
import { artifactBytes } from '../observability/metrics';

export interface PutArtifactOptions {
  /** Marks an epoch checkpoint (`?epoch=N`); continuous evaluation reacts to these. */
  epoch?: number | null;
  /** Identity name recorded as created_by. */
  actor: string;
  contentType?: string;
  /** The request's Content-Length, when known: refused at once when over the limit. */
  declaredSize?: number;
}

/** What one sweep of the store did (counts). */
export interface StoreSweep {
  /** Temp files of uploads that are over (cut off by a crash), removed. */
  tempRemoved: number;
  /** Blobs no row references (a replacement that never committed, an interrupted upload, a failed cleanup), removed. */
  blobsRemoved: number;
  /** Temp files of uploads that may still be running, kept. */
  tempKept: number;
  failed: number;
}

/** How often the sweep runs after the one at start-up (it is for what a crash left; replacements collect at once). */
export const SWEEP_INTERVAL_MS = 10 * 60_000;

@Injectable()
export class ArtifactsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Artifacts');
  private readonly listeners = new Set<ArtifactListener>();
  private sweepTimer: NodeJS.Timeout | undefined;
  /** The periodic sweep running now, if any (a slow one is not started again on top of itself). */
  private sweeping: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'artifactMaxBytes'>,
    private readonly db: Database,
    private readonly repo: ArtifactsRepository,
    private readonly store: ArtifactStore,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  /**
   * Streams `body` into the store and records it; replaces an artifact stored at the same path. The bytes are
   * stored under their sha256 and the row names that sha256, so a row only ever leads to the bytes it describes:
   * until the row commits the old row (or none) is what a download sees, whatever happens meanwhile. Nothing is left
   * behind when it fails (oversize, client gone, database error, a failed commit).
   */
  async put(givenRunId: string, path: string, body: Readable, opts: PutArtifactOptions): Promise<ArtifactRow> {
    validateArtifactPath(path);
    const epoch = opts.epoch ?? null;
    if (epoch !== null && (!Number.isInteger(epoch) || epoch < 0)) throw badInput(`epoch must be a non-negative integer, got ${epoch}`);
    // One spelling of the id for the lookup, the row and the event (an upper-case uuid names the same run).
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
    const replaced = await this.record(file, row);
    artifactBytes.inc({ direction: 'in' }, row.size);
    if (replaced !== null && replaced !== row.sha256) {
      // Committed: an old blob that cannot be dropped now is disk space for the sweep, not a failed upload.
      await this.collect(replaced).catch((e: Error) => this.logger.error(`${requestTag()}dropping the replaced blob of ${runId}/${path}: ${e.message}`, e.stack));
    }
    await this.announce(row);
    return row;
  }

  /**
   * The stored row and a stream of the blob it names (opened before this returns: the bytes are the row's); `rangeOf`
   * picks a byte range once the row's size is known (it throws RANGE_NOT_SATISFIABLE for one past the end).
   */
  async open(runId: string, path: string, rangeOf?: (size: number) => ByteRange | undefined): Promise<{ row: ArtifactRow; stream: Readable; range?: ByteRange }> {
    validateArtifactPath(path);
    let seen: string | null = null;
    for (;;) {
      const row = isUuid(runId) ? await this.repo.findOne(runId.toLowerCase(), path) : null;
      if (!row) throw notFound('Artifact', `${runId}/${path}`);
      const range = rangeOf?.(row.size);
      const blob = await this.store.open(row.sha256, range);
      if (blob && blob.size === row.size) return { row, stream: blob.stream, range };
      blob?.stream.destroy();
      // A replacement committed (and its old blob went) between the read of the row and the open: read it again.
      if (!blob && row.sha256 !== seen) {
        seen = row.sha256;
        continue;
      }
      throw new Error(`the bytes of artifact ${row.runId}/${row.path} (sha256 ${row.sha256}, ${row.size} bytes) are ${blob ? `${blob.size} bytes in the store` : 'missing from the store'}`);
    }
  }

  /** Each run's artifacts ordered by path, aligned with `runIds` (for DataLoaders). */
  async listByRunIds(runIds: readonly string[]): Promise<ArtifactRow[][]> {
    const rows = await this.repo.findByRunIds(runIds.filter(isUuid));
    const byRun = new Map<string, ArtifactRow[]>(runIds.map((id) => [id, []]));
    for (const row of rows) byRun.get(row.runId)?.push(row);
    return runIds.map((id) => byRun.get(id) ?? []);
  }

  /**
   * Before the api listens (app.init): moves a store of the earlier layout into blobs, then sweeps, so what a crash
   * left is gone before the first request; then sweeps again every SWEEP_INTERVAL_MS (another host's temp files wait
   * for their grace period).
   */
  async onApplicationBootstrap(): Promise<void> {
    const migrated = await this.store.migrateLegacy();
    for (const { entry, error } of migrated.failed) this.logger.error(`moving ${entry} into the blob layout: ${error.message}`);
    if (migrated.moved + migrated.removed > 0)
      this.logger.log(`store moved to the blob layout: ${migrated.moved} files hashed and moved, ${migrated.removed} temp files of the earlier layout removed`);
    await this.sweep();
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = null));
    }, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.sweeping;
  }

  /**
   * Removes temp files of uploads that are over and every blob no row references, at any age; a blob whose upload
   * has placed it but not yet committed its row is kept (collect waits for that upload's lock, then sees its row).
   * Never throws: a failed entry is logged and the rest go on. With several replicas on PostgreSQL one sweeps at a
   * time; another that finds it sweeping skips this round.
   */
  async sweep(): Promise<StoreSweep> {
    try {
      return (await this.repo.ifNoOtherSweep(() => this.sweepStore())) ?? { tempRemoved: 0, blobsRemoved: 0, tempKept: 0, failed: 0 };
    } catch (e) {
      this.logger.warn(`sweep: ${(e as Error).message}`);
      return { tempRemoved: 0, blobsRemoved: 0, tempKept: 0, failed: 1 };
    }
  }

  private async sweepStore(): Promise<StoreSweep> {
    const temp = await this.store.sweepTemp();
    const done: StoreSweep = { tempRemoved: temp.removed, blobsRemoved: 0, tempKept: temp.kept, failed: temp.failed.length };
    for (const { entry, error } of temp.failed) this.logger.warn(`sweep: ${entry}: ${error.message}`);
    try {
      for await (const page of this.store.listBlobs()) {
        const referenced = await this.repo.referencedBlobs(page);
        for (const sha256 of page.filter((s) => !referenced.has(s))) {
          try {
            if (await this.collect(sha256)) done.blobsRemoved++;
          } catch (e) {
            done.failed++;
            this.logger.warn(`sweep: blob ${sha256}: ${(e as Error).message}`);
          }
        }
      }
    } catch (e) {
      done.failed++;
      this.logger.warn(`sweep: listing blobs: ${(e as Error).message}`);
    }
    if (done.tempRemoved + done.blobsRemoved + done.failed > 0) {
      this.logger.log(
        `store swept: interrupted uploads removed ${done.tempRemoved}, unreferenced blobs removed ${done.blobsRemoved}, failed ${done.failed}, uploads in progress left alone ${done.tempKept}`,
      );
    }
    return done;
  }

  /** Calls `listener` after each artifact is committed; returns the unsubscribe function. */
  onArtifactStored(listener: ArtifactListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Places the blob and upserts the row in one transaction, under the path's and the blob's locks; returns the
   * sha256 the row had before (null: a new path). The blob is placed before the row is written, and a row only
   * names a placed blob: a crash in between leaves an unreferenced blob for the sweep, and the old row still leading
   * to the old bytes. On failure the placed blob goes unless another row uses it, or the temp file goes.
   */
  private async record(file: ReceivedFile, row: ArtifactRow): Promise<string | null> {
    let placed = false;
    try {
      return await this.db.write(async (tx) => {
        await this.repo.lockPath(tx, row.runId, row.path);
        const clash = await this.repo.clashingPath(tx, row.runId, row.path);
        // A run's paths stay a tree, so that a client can mirror them onto a file system.
        if (clash !== null) throw conflict(`Artifact path "${row.path}" clashes with "${clash}" (a file and a folder of the same name)`, { path: row.path, clash });
        await this.repo.lockBlob(tx, row.sha256);
        await this.store.place(file);
        placed = true;
        const before = await this.repo.sha256At(tx, row.runId, row.path);
        await this.repo.upsert(tx, row);
        tx.afterCommit(() => this.pubSub.publish(ARTIFACT_UPLOADED, uploadedEvent(row)));
        return before;
      });
    } catch (e) {
      const cleanup = placed ? this.collect(row.sha256) : this.store.discard(file);
      // The upload's own error is the one to answer with; a failed cleanup is logged (the sweep retries it).
      await cleanup.catch((err: Error) => this.logger.error(`${requestTag()}cleanup after a failed upload of ${row.runId}/${row.path}: ${err.message}`, err.stack));
      throw e;
    }
  }

  /** Removes the blob when no row references it, deciding under its lock; true when it was removed. */
  private collect(sha256: string): Promise<boolean> {
    return this.db.write(async (tx) => {
      await this.repo.lockBlob(tx, sha256);
      if (await this.repo.isBlobReferenced(tx, sha256)) return false;
      await this.store.remove(sha256);
      return true;
    });
  }

  private async requireRun(runId: string): Promise<void> {
    if (!isUuid(runId) || !(await this.repo.isActiveRun(runId))) throw notFound('Run', runId);
  }

  /** Hands a committed artifact to the in-process listeners (its bus event went out at commit). */
  private async announce(row: ArtifactRow): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(row);
      } catch (e) {
        // A listener's failure (e.g. queueing an evaluation) must not turn a stored upload into an error.
        this.logger.error(`${requestTag()}artifact listener failed for ${row.runId}/${row.path}: ${(e as Error).message}`, (e as Error).stack);
      }
    }
  }
}
