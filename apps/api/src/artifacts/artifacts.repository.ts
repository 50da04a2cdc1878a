// All SQL of the artifacts feature (CONTRIBUTING.md rule 4).
import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
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

  /** Inserts the row, or replaces the one stored at the same (run, path). */
  async upsert(tx: EntityManager, row: ArtifactRow): Promise<void> {
    await tx.getRepository(ArtifactEntity).upsert(row, { conflictPaths: ['runId', 'path'], skipUpdateIfNoValuesChanged: false });
  }

  findOne(runId: string, path: string): Promise<ArtifactRow | null> {
    return this.db.read.getRepository(ArtifactEntity).findOne({ where: { runId, path } });
  }

  /** Artifacts of the runs, ordered by run then path. */
  findByRunIds(runIds: readonly string[]): Promise<ArtifactRow[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.db.read.getRepository(ArtifactEntity).find({ where: { runId: In([...runIds]) }, order: { runId: 'ASC', path: 'ASC' } });
  }
}
