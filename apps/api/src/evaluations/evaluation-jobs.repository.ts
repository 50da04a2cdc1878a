// SQL for evaluation_jobs: the queue (claim with SKIP LOCKED on PostgreSQL; SQLite's single writer serialises it),
// conditional state moves keyed by (id, status, attempt), lease expiry scans and filtered pages.
import { Injectable } from '@nestjs/common';
import { Brackets, type EntityManager, In } from 'typeorm';
import { afterKeyset, type Keyset } from '../common/pagination';
import { Database } from '../database/database';
import { EvaluationJobEntity } from './evaluation-job.entity';
import { EvaluationJobStatus } from './evaluation-job-status';

export interface JobFilter {
  status?: EvaluationJobStatus | null;
  /** Matches the evaluation run or the source (training) run. */
  runId?: string | null;
  modelName?: string | null;
}

@Injectable()
export class EvaluationJobsRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: EntityManager, row: EvaluationJobEntity): Promise<void> {
    await tx.insert(EvaluationJobEntity, row as never);
  }

  findById(id: string, em: EntityManager = this.db.read): Promise<EvaluationJobEntity | null> {
    return em.findOne(EvaluationJobEntity, { where: { id } });
  }

  /** How many jobs are in each status (for /metrics; a status with no job is absent). */
  async countByStatus(): Promise<Map<EvaluationJobStatus, number>> {
    const rows = await this.db.read
      .createQueryBuilder(EvaluationJobEntity, 'j')
      .select('j.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('j.status')
      .getRawMany<{ status: EvaluationJobStatus; n: string | number }>();
    return new Map(rows.map((r) => [r.status, Number(r.n)]));
  }

  findByIds(ids: readonly string[]): Promise<EvaluationJobEntity[]> {
    return ids.length ? this.db.read.find(EvaluationJobEntity, { where: { id: In([...ids]) } }) : Promise.resolve([]);
  }

  /** One job, locked for this transaction on PostgreSQL (SQLite: the caller is inside the one serialised writer). */
  lockById(tx: EntityManager, id: string): Promise<EvaluationJobEntity | null> {
    const qb = tx.createQueryBuilder(EvaluationJobEntity, 'j').where('j.id = :id', { id });
    if (this.db.dialect === 'postgres') qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** The RUNNING jobs a worker holds, locked for this transaction (a removed worker's are handed back). */
  lockRunningByWorker(tx: EntityManager, workerId: string): Promise<EvaluationJobEntity[]> {
    const qb = tx
      .createQueryBuilder(EvaluationJobEntity, 'j')
      .where('j.status = :status', { status: EvaluationJobStatus.RUNNING })
      .andWhere('j.workerId = :workerId', { workerId })
      .orderBy('j.id', 'ASC');
    if (this.db.dialect === 'postgres') qb.setLock('pessimistic_write');
    return qb.getMany();
  }

  /**
   * The oldest QUEUED job, locked for this transaction. PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent claimers
   * each take a different row without waiting; SQLite: the caller is inside the one serialised write transaction.
   */
  async lockNextQueued(tx: EntityManager, opts: { canRunCuda: boolean }): Promise<EvaluationJobEntity | null> {
    const qb = tx.createQueryBuilder(EvaluationJobEntity, 'j').where('j.status = :status', { status: EvaluationJobStatus.QUEUED }).orderBy('j.createdAt', 'ASC').addOrderBy('j.id', 'ASC').limit(1);
    // A job that asks for CUDA is left to workers that can load it. `settings` is written by JSON.stringify only, so
    // the requested provider appears exactly as matched here.
    if (!opts.canRunCuda) qb.andWhere('j.settings NOT LIKE :cuda', { cuda: '%"executionProvider":"CUDA"%' });
    if (this.db.dialect === 'postgres') qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    return qb.getOne();
  }

  /** Applies `patch` only while the job is still in `status` at `attempt` (a plan's compare-and-set); false when another move won. */
  async moveIf(tx: EntityManager, id: string, expect: { status: EvaluationJobStatus; attempt: number }, patch: Partial<EvaluationJobEntity>): Promise<boolean> {
    const res = await tx.update(EvaluationJobEntity, { id, status: expect.status, attempt: expect.attempt }, { updatedAt: Date.now(), ...patch } as never);
    return (res.affected ?? 0) > 0;
  }

  /** RUNNING jobs whose lease ended before `now` (locked on PostgreSQL, skipping any a worker is reporting on). */
  async lockExpired(tx: EntityManager, now: number, limit = 100): Promise<EvaluationJobEntity[]> {
    const qb = tx
      .createQueryBuilder(EvaluationJobEntity, 'j')
      .where('j.status = :status', { status: EvaluationJobStatus.RUNNING })
      .andWhere('j.leaseExpiresAt < :now', { now })
      .orderBy('j.leaseExpiresAt', 'ASC')
      .limit(limit);
    if (this.db.dialect === 'postgres') qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    return qb.getMany();
  }

  /** Id, run and status of jobs that reached a final status in [since, before) (repair candidates; no result blobs). */
  findFinishedBetween(since: number, before: number, limit = 500): Promise<Pick<EvaluationJobEntity, 'id' | 'runId' | 'status'>[]> {
    return this.db.read
      .createQueryBuilder(EvaluationJobEntity, 'j')
      .select(['j.id', 'j.runId', 'j.status'])
      .where('j.status IN (:...final)', { final: [EvaluationJobStatus.SUCCEEDED, EvaluationJobStatus.FAILED, EvaluationJobStatus.CANCELLED] })
      .andWhere('j.finishedAt < :before', { before })
      .andWhere('j.finishedAt >= :since', { since })
      .andWhere('j.runId IS NOT NULL')
      .orderBy('j.finishedAt', 'ASC')
      .limit(limit)
      .getMany();
  }

  async findPage(filter: JobFilter, after: Keyset | undefined, limit: number): Promise<{ rows: EvaluationJobEntity[]; total: number }> {
    const qb = this.db.read.createQueryBuilder(EvaluationJobEntity, 'j');
    if (filter.status) qb.andWhere('j.status = :status', { status: filter.status });
    if (filter.modelName) qb.andWhere('j.modelName = :modelName', { modelName: filter.modelName });
    if (filter.runId) qb.andWhere(new Brackets((b) => b.where('j.runId = :runId', { runId: filter.runId }).orWhere('j.sourceRunId = :runId', { runId: filter.runId })));
    const total = await qb.getCount();
    if (after) qb.andWhere(afterKeyset('j.createdAt', 'DESC', 'j.id', 'DESC', after));
    const rows = await qb.orderBy('j.createdAt', 'DESC').addOrderBy('j.id', 'DESC').take(limit).getMany();
    return { rows, total };
  }
}
