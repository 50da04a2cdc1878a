// SQL for the datasets table.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterKeyset, type Keyset } from '../common/pagination';
import { Database } from '../database/database';
import { DatasetEntity } from './dataset.entity';

@Injectable()
export class DatasetsRepository {
  constructor(private readonly db: Database) {}

  async nextVersion(tx: EntityManager, name: string): Promise<number> {
    const row = await tx.createQueryBuilder(DatasetEntity, 'd').select('MAX(d.version)', 'max').where('d.name = :name', { name }).getRawOne<{ max: number | string | null }>();
    return Number(row?.max ?? 0) + 1;
  }

  findOne(tx: EntityManager, name: string, version: number): Promise<DatasetEntity | null> {
    return tx.findOne(DatasetEntity, { where: { name, version } });
  }

  async insert(tx: EntityManager, row: DatasetEntity): Promise<void> {
    await tx.insert(DatasetEntity, row);
  }

  /** The given version, or the latest when `version` is absent. */
  findByName(name: string, version?: number | null, em: EntityManager = this.db.read): Promise<DatasetEntity | null> {
    if (version !== undefined && version !== null) return em.findOne(DatasetEntity, { where: { name, version } });
    return em.findOne(DatasetEntity, { where: { name }, order: { version: 'DESC' } });
  }

  findByDigest(digest: string): Promise<DatasetEntity | null> {
    return this.db.read.findOne(DatasetEntity, { where: { digest }, order: { createdAt: 'ASC' } });
  }

  /** By name, then newest version first: (name, version) is unique, so the version breaks ties. */
  async findPage(after: Keyset | undefined, limit: number): Promise<{ rows: DatasetEntity[]; total: number }> {
    const qb = this.db.read.createQueryBuilder(DatasetEntity, 'd');
    const total = await qb.getCount();
    if (after) qb.where(afterKeyset('d.name', 'ASC', 'd.version', 'DESC', after));
    const rows = await qb.orderBy('d.name', 'ASC').addOrderBy('d.version', 'DESC').take(limit).getMany();
    return { rows, total };
  }
}
