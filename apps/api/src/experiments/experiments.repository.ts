// All SQL of experiments.
import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { afterKeyset, type Keyset } from '../common/pagination';
import { Database } from '../database/database';
import { ExperimentEntity } from './experiment.entity';

@Injectable()
export class ExperimentsRepository {
  constructor(private readonly db: Database) {}

  findByIds(ids: readonly string[], m: EntityManager = this.db.read): Promise<ExperimentEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.findBy(ExperimentEntity, { id: In([...ids]) });
  }

  /**
   * The experiment row, share-locked for the rest of the transaction on PostgreSQL (SELECT … FOR SHARE): a soft
   * delete or restore (an UPDATE) waits until this transaction ends, and a read that waited on one in flight sees its
   * result. FOR KEY SHARE would not do: it does not conflict with an UPDATE that leaves the key alone. SQLite write
   * transactions are serialised already.
   */
  lockShared(tx: EntityManager, id: string): Promise<ExperimentEntity | null> {
    const qb = tx.createQueryBuilder(ExperimentEntity, 'e').where('e.id = :id', { id });
    if (this.db.dialect === 'postgres') qb.setLock('pessimistic_read');
    return qb.getOne();
  }

  findByName(name: string, m: EntityManager = this.db.read): Promise<ExperimentEntity | null> {
    return m.findOneBy(ExperimentEntity, { name });
  }

  /**
   * Up to `limit` experiments after `after`, newest first (then by id), and how many the list holds. The anchor's
   * created_at is read from its own row: PostgreSQL keeps microseconds, a cursor's JavaScript Date would not.
   */
  async page(after: Keyset | undefined, limit: number, includeDeleted: boolean, nameContains?: string | null): Promise<{ rows: ExperimentEntity[]; total: number }> {
    const qb = this.db.read.createQueryBuilder(ExperimentEntity, 'e').where('1 = 1');
    if (!includeDeleted) qb.andWhere('e.lifecycle = :lifecycle', { lifecycle: 'active' });
    // Case-insensitive substring on both drivers: LOWER on both sides, LIKE's wildcards escaped.
    if (nameContains) qb.andWhere("LOWER(e.name) LIKE :nameLike ESCAPE '\\'", { nameLike: `%${nameContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    const total = await qb.getCount();
    if (after) qb.andWhere(afterKeyset('e.createdAt', 'DESC', 'e.id', 'DESC', after, '(SELECT x.created_at FROM experiments x WHERE x.id = :keysetId)'));
    const rows = await qb.orderBy('e.createdAt', 'DESC').addOrderBy('e.id', 'DESC').take(limit).getMany();
    return { rows, total };
  }

  async insert(tx: EntityManager, e: ExperimentEntity): Promise<void> {
    await tx.insert(ExperimentEntity, e);
  }

  async save(tx: EntityManager, e: ExperimentEntity): Promise<ExperimentEntity> {
    return tx.save(ExperimentEntity, e);
  }
}
