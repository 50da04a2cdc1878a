// Stores, serves and lists the files attached to runs; announces each stored file after commit; repairs what a
// crash left in the store's temp folder.
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
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
import { ArtifactStore, INCOMING_GRACE_MS, type PlacedFile, payloadTooLarge } from './artifact-store';
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

/** What one sweep of the store's temp folder did (counts). */
export interface IncomingRecovery {
  partsRemoved: number;
  /** Replaced files put back over a replacement that did not commit. */
  restored: number;
  /** Replaced files dropped: the replacement had committed. */
  dropped: number;
  /** Journals whose replaced file was already settled. */
  journalsCleared: number;
  /** Entries within the grace period, left alone. */
  fresh: number;
  failed: number;
}

@Injectable()
export class ArtifactsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Artifacts');
  private readonly listeners = new Set<ArtifactListener>();
  private readonly pathTurns = new Map<string, Promise<void>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'artifactMaxBytes'>,
    private readonly db: Database,
    private readonly repo: ArtifactsRepository,
    private readonly store: ArtifactStore,
    @Inject(PUB_SUB) private readonly pubSub: PodiumPubSub,
  ) {}

  /**
   * Streams `body` into the store and records it; replaces an artifact stored at the same path. Nothing is left
   * behind when it fails (oversize, client gone, database error, a failed commit): the temp file is removed, no row
   * is written, and an artifact it was to replace keeps its bytes and its row.
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
    await this.onePathAtATime(`${runId}/${path}`, async () => {
      let placed = null as PlacedFile | null;
      try {
        // The move into place is the last step of the transaction: if it fails the row rolls back. If the commit
        // fails after it, the replaced file, kept aside, goes back under the row that still describes it.
        await this.db.write(async (tx) => {
          await this.repo.upsert(tx, row);
          placed = await this.store.place(file, runId, path);
        });
      } catch (e) {
        const cleanup = placed ? this.store.undo(placed) : this.store.discard(file.tempPath);
        // The upload's own error is the one to answer with; a failed cleanup is logged.
        await cleanup.catch((err: Error) => this.logger.error(`cleanup after a failed upload of ${runId}/${path}: ${err.message}`, err.stack));
        throw e;
      }
      // Committed: a replaced file that cannot be dropped is disk space, not a failed upload.
      await this.store.settle(placed!).catch((err: Error) => this.logger.error(`dropping the replaced file of ${runId}/${path}: ${err.message}`, err.stack));
    });
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

  /**
   * Before the api listens (app.init), so no download serves bytes that a crash left under the wrong row; then again
   * every grace period, since entries younger than it are skipped: those of a crash just before this restart, or of
   * a replica sharing the store that died.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.recoverIncoming();
    this.sweepTimer = setInterval(() => {
      this.sweeping = this.recoverIncoming();
    }, INCOMING_GRACE_MS);
    this.sweepTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.sweeping;
  }

  /**
   * Sweeps the store's temp folder (ArtifactStore.sweepIncoming) and settles each replaced file left aside against
   * the row now stored at its path, taking that path's turn so that no upload to it moves in between. Never throws:
   * a failed entry is logged and the rest go on.
   */
  async recoverIncoming(graceMs: number = INCOMING_GRACE_MS): Promise<IncomingRecovery> {
    const sweep = await this.store.sweepIncoming(graceMs);
    const done: IncomingRecovery = { partsRemoved: sweep.partsRemoved, restored: 0, dropped: 0, journalsCleared: sweep.journalsCleared, fresh: sweep.fresh, failed: sweep.failed.length };
    for (const { entry, error } of sweep.failed) this.logger.warn(`temp folder sweep: ${entry}: ${error.message}`);
    for (const aside of sweep.aside) {
      const key = `${aside.runId}/${aside.path}`;
      try {
        await this.onePathAtATime(key, async () => {
          const row = await this.repo.findOne(aside.runId, aside.path);
          const outcome = await this.store.resolveAside(aside, row?.sha256 ?? null);
          if (outcome === 'restored') {
            done.restored++;
            this.logger.warn(`restored ${key}: its replacement was placed but never committed (the api stopped in between); the artifact's bytes match its row again`);
          } else if (outcome === 'dropped') done.dropped++;
          else done.journalsCleared++;
        });
      } catch (e) {
        done.failed++;
        this.logger.warn(`temp folder sweep: the file replaced at ${key} (${aside.previous}): ${(e as Error).message}`);
      }
    }
    if (done.partsRemoved + done.restored + done.dropped + done.journalsCleared + done.failed > 0) {
      this.logger.log(
        `temp folder swept: interrupted uploads removed ${done.partsRemoved}, replaced files restored ${done.restored}, dropped ${done.dropped}, ` +
          `journals cleared ${done.journalsCleared}, failed ${done.failed}, recent entries left alone ${done.fresh}`,
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
   * Uploads to one path of a run take turns from the move into place until the replaced file is dropped or put back:
   * the row lock (or SQLite's one writer) orders the moves, but a failed commit puts the old file back after the
   * transaction has ended, and a second upload must not move in between. (Across api replicas sharing a store,
   * `undo` leaves a file that another upload has placed since.)
   */
  private async onePathAtATime(key: string, work: () => Promise<void>): Promise<void> {
    const turn = (this.pathTurns.get(key) ?? Promise.resolve()).then(work);
    const done = turn.catch(() => undefined);
    this.pathTurns.set(key, done);
    try {
      await turn;
    } finally {
      if (this.pathTurns.get(key) === done) this.pathTurns.delete(key);
    }
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
