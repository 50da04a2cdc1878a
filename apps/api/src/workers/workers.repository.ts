// SQL for the workers table.
import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { afterKeyset, type Keyset } from '../common/pagination';
import { Database } from '../database/database';
import { WorkerEntity } from './worker.entity';
import { WorkerState } from './worker-rules';

@Injectable()
export class WorkersRepository {
  constructor(private readonly db: Database) {}

  findByName(tx: EntityManager, name: string): Promise<WorkerEntity | null> {
    return tx.findOne(WorkerEntity, { where: { name } });
  }

  /** One worker, locked for this transaction on PostgreSQL (its state is about to change). */
  lockById(tx: EntityManager, id: string): Promise<WorkerEntity | null> {
    const qb = tx.createQueryBuilder(WorkerEntity, 'w').where('w.id = :id', { id });
    if (this.db.dialect === 'postgres') qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  findByIds(ids: readonly string[], em: EntityManager = this.db.read): Promise<WorkerEntity[]> {
    return ids.length ? em.find(WorkerEntity, { where: { id: In([...ids]) } }) : Promise.resolve([]);
  }

  async save(tx: EntityManager, row: WorkerEntity): Promise<void> {
    await tx.save(WorkerEntity, row);
  }

  async touch(tx: EntityManager, id: string, at: number): Promise<void> {
    await tx.update(WorkerEntity, { id }, { lastHeartbeatAt: at });
  }

  async updateState(tx: EntityManager, id: string, patch: Pick<WorkerEntity, 'state' | 'stateChangedAt' | 'stateChangedBy' | 'stateReason'>): Promise<void> {
    await tx.update(WorkerEntity, { id }, patch);
  }

  /** Whether any ACTIVE worker seen since `since` (epoch ms) registered `provider` (workers are few: read them, no JSON SQL). */
  async anyLiveWithProvider(tx: EntityManager, provider: string, since: number): Promise<boolean> {
    const rows = await tx.createQueryBuilder(WorkerEntity, 'w').where('w.last_heartbeat_at >= :since', { since }).andWhere('w.state = :active', { active: WorkerState.ACTIVE }).getMany();
    return rows.some((w) => w.executionProviders.includes(provider));
  }

  async findPage(after: Keyset | undefined, limit: number): Promise<{ rows: WorkerEntity[]; total: number }> {
    const qb = this.db.read.createQueryBuilder(WorkerEntity, 'w');
    const total = await qb.getCount();
    if (after) qb.where(afterKeyset('w.name', 'ASC', 'w.id', 'ASC', after));
    const rows = await qb.orderBy('w.name', 'ASC').addOrderBy('w.id', 'ASC').take(limit).getMany();
    return { rows, total };
  }
}
