// SQL for the workers table.
import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { Database } from '../database/database';
import { WorkerEntity } from './worker.entity';

@Injectable()
export class WorkersRepository {
  constructor(private readonly db: Database) {}

  findByName(tx: EntityManager, name: string): Promise<WorkerEntity | null> {
    return tx.findOne(WorkerEntity, { where: { name } });
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

  /** Whether any worker seen since `since` (epoch ms) registered `provider` (workers are few: read them, no JSON SQL). */
  async anyLiveWithProvider(tx: EntityManager, provider: string, since: number): Promise<boolean> {
    const rows = await tx.createQueryBuilder(WorkerEntity, 'w').where('w.last_heartbeat_at >= :since', { since }).getMany();
    return rows.some((w) => w.executionProviders.includes(provider));
  }

  async findPage(offset: number, limit: number): Promise<{ rows: WorkerEntity[]; total: number }> {
    const [rows, total] = await this.db.read.findAndCount(WorkerEntity, { order: { name: 'ASC' }, skip: offset, take: limit });
    return { rows, total };
  }
}
