// All SQL of experiments.
import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { Database } from '../database/database';
import { ExperimentEntity } from './experiment.entity';

@Injectable()
export class ExperimentsRepository {
  constructor(private readonly db: Database) {}

  findByIds(ids: readonly string[], m: EntityManager = this.db.read): Promise<ExperimentEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.findBy(ExperimentEntity, { id: In([...ids]) });
  }

  findByName(name: string, m: EntityManager = this.db.read): Promise<ExperimentEntity | null> {
    return m.findOneBy(ExperimentEntity, { name });
  }

  /** A page ordered newest first (then by name); returns one row more than asked to tell whether there is a next page. */
  async page(offset: number, limit: number, includeDeleted: boolean): Promise<{ rows: ExperimentEntity[]; total: number }> {
    const where = includeDeleted ? {} : { lifecycle: 'active' as const };
    const [rows, total] = await this.db.read.findAndCount(ExperimentEntity, { where, order: { createdAt: 'DESC', name: 'ASC' }, skip: offset, take: limit });
    return { rows, total };
  }

  async insert(tx: EntityManager, e: ExperimentEntity): Promise<void> {
    await tx.insert(ExperimentEntity, e);
  }

  async save(tx: EntityManager, e: ExperimentEntity): Promise<ExperimentEntity> {
    return tx.save(ExperimentEntity, e);
  }
}
