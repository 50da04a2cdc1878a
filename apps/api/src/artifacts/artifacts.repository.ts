// All SQL of the artifacts feature (CONTRIBUTING.md rule 4).
import { Injectable } from '@nestjs/common';
import { Brackets, type EntityManager, In } from 'typeorm';
import { Database } from '../database/database';
import { RunEntity } from '../runs/run.entity';
import { ArtifactEntity, type ArtifactRow } from './artifact.entity';

@Injectable()
export class ArtifactsRepository {
  constructor(private readonly db: Database) {}

  /** Whether the run exists and is not soft-deleted (ids must be uuids: PostgreSQL refuses anything else). */
  async isActiveRun(runId: string): Promise<boolean> {
    const run = await this.db.read.getRepository(RunEntity).findOne({ where: { id: runId, lifecycle: 'active' }, select: { id: true } });
    return run !== null;
  }

  /**
   * Serialises, until `tx` ends, the transactions that store or collect the blob of `sha256`: an upload places its
   * blob and commits its row under it, the sweep checks for rows and removes the blob under it, so a blob is never
   * removed between its placing and its row's commit, whichever api replica does which. PostgreSQL: a transaction
   * advisory lock (held across replicas, released at commit or rollback). SQLite: write transactions are already
   * serialised (one api process per database file).
   */
  async lockBlob(tx: EntityManager, sha256: string): Promise<void> {
    await this.advisoryLock(tx, `podium.artifact-blob:${sha256}`);
  }

  /**
   * Serialises the uploads under one top-level name of a run until `tx` ends, also when no row exists yet (a row lock
   * would hold nothing then): each replacement reads the row it replaces, and `a` and `a/b` cannot both slip past
   * clashingPath. Taken before lockBlob, always.
   */
  async lockPath(tx: EntityManager, runId: string, path: string): Promise<void> {
    await this.advisoryLock(tx, `podium.artifact-path:${runId}/${path.split('/')[0]}`);
  }

  /** A stored path of the run that `path` cannot sit beside (one is a folder of the other); null when none. */
  async clashingPath(tx: EntityManager, runId: string, path: string): Promise<string | null> {
    const segments = path.split('/');
    const ancestors = segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join('/'));
    const qb = tx
      .getRepository(ArtifactEntity)
      .createQueryBuilder('a')
      .select('a.path', 'path')
      .where('a.run_id = :runId', { runId })
      // substr, not LIKE: a path may hold % and _.
      .andWhere(
        new Brackets((w) => {
          w.where('substr(a.path, 1, :n) = :folder', { n: [...path].length + 1, folder: `${path}/` });
          if (ancestors.length) w.orWhere('a.path IN (:...ancestors)', { ancestors });
        }),
      )
      .limit(1);
    return (await qb.getRawOne<{ path: string }>())?.path ?? null;
  }

  /** The sha256 stored at (run, path) as `tx` sees it; null when there is no row. */
  async sha256At(tx: EntityManager, runId: string, path: string): Promise<string | null> {
    const row = await tx.getRepository(ArtifactEntity).findOne({ where: { runId, path }, select: { sha256: true } });
    return row?.sha256 ?? null;
  }

  /** Inserts the row, or replaces the one stored at the same (run, path). */
  async upsert(tx: EntityManager, row: ArtifactRow): Promise<void> {
    await tx.getRepository(ArtifactEntity).upsert(row, { conflictPaths: ['runId', 'path'], skipUpdateIfNoValuesChanged: false });
  }

  /** Whether any row references the blob (inside the transaction holding its lock: a fresh read on PostgreSQL). */
  async isBlobReferenced(tx: EntityManager, sha256: string): Promise<boolean> {
    return tx.getRepository(ArtifactEntity).exists({ where: { sha256 } });
  }

  /** Which of these blobs some row references (a hint for the sweep; each removal re-checks under the lock). */
  async referencedBlobs(sha256s: readonly string[]): Promise<Set<string>> {
    if (sha256s.length === 0) return new Set();
    const rows = await this.db.read
      .getRepository(ArtifactEntity)
      .createQueryBuilder('a')
      .select('DISTINCT a.sha256', 'sha256')
      .where({ sha256: In([...sha256s]) })
      .getRawMany<{ sha256: string }>();
    return new Set(rows.map((r) => r.sha256));
  }

  findOne(runId: string, path: string): Promise<ArtifactRow | null> {
    return this.db.read.getRepository(ArtifactEntity).findOne({ where: { runId, path } });
  }

  /** Artifacts of the runs, ordered by run then path. */
  findByRunIds(runIds: readonly string[]): Promise<ArtifactRow[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.db.read.getRepository(ArtifactEntity).find({ where: { runId: In([...runIds]) }, order: { runId: 'ASC', path: 'ASC' } });
  }

  /**
   * Runs `work` unless another api replica is sweeping the store now (then null): a session advisory lock on
   * PostgreSQL, tried, not waited for. Each removal still decides under the blob's lock; this only spares the store
   * and the database N replicas listing it at once. SQLite: one api process, `work` runs.
   */
  async ifNoOtherSweep<T>(work: () => Promise<T>): Promise<T | null> {
    if (this.db.dialect !== 'postgres') return work();
    const session = this.db.writer.createQueryRunner();
    await session.connect();
    try {
      const [{ locked }] = (await session.query(`SELECT pg_try_advisory_lock(hashtextextended('podium.artifact-sweep', 0)) AS locked`)) as { locked: boolean }[];
      if (!locked) return null;
      try {
        return await work();
      } finally {
        await session.query(`SELECT pg_advisory_unlock(hashtextextended('podium.artifact-sweep', 0))`);
      }
    } finally {
      await session.release();
    }
  }

  private async advisoryLock(tx: EntityManager, key: string): Promise<void> {
    if (this.db.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
  }
}
