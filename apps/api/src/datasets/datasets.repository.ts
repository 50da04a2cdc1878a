// SQL for the datasets table.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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

  async findPage(offset: number, limit: number): Promise<{ rows: DatasetEntity[]; total: number }> {
    const [rows, total] = await this.db.read.findAndCount(DatasetEntity, { order: { name: 'ASC', version: 'DESC' }, skip: offset, take: limit });
    return { rows, total };
  }
}
