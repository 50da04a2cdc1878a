// All SQL on api_tokens. Reads go to the reader (committed data only); writes take the caller's transaction.
import { Injectable } from '@nestjs/common';
import { type EntityManager, In, IsNull } from 'typeorm';
import { afterKeyset, type Keyset } from '../common/pagination';
import { Database } from '../database/database';
import { ApiTokenEntity } from './api-token.entity';

@Injectable()
export class ApiTokenRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: EntityManager, row: ApiTokenEntity): Promise<void> {
    await tx.insert(ApiTokenEntity, row);
  }

  findByHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.db.read.findOneBy(ApiTokenEntity, { tokenHash });
  }

  findByIds(ids: string[]): Promise<ApiTokenEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.read.findBy(ApiTokenEntity, { id: In(ids) });
  }

  findById(tx: EntityManager, id: string): Promise<ApiTokenEntity | null> {
    return tx.findOneBy(ApiTokenEntity, { id });
  }

  findActiveByName(tx: EntityManager, name: string): Promise<ApiTokenEntity | null> {
    return tx.findOneBy(ApiTokenEntity, { name, revokedAt: IsNull() });
  }

  countAll(tx: EntityManager): Promise<number> {
    return tx.count(ApiTokenEntity);
  }

  /** A page in creation order (id breaks ties: SQLite and fast scripts create several tokens per millisecond). */
  async list(after: Keyset | undefined, limit: number, includeRevoked: boolean): Promise<{ rows: ApiTokenEntity[]; total: number }> {
    const qb = this.db.read.createQueryBuilder(ApiTokenEntity, 't');
    if (!includeRevoked) qb.where('t.revokedAt IS NULL');
    const total = await qb.getCount();
    if (after) qb.andWhere(afterKeyset('t.createdAt', 'ASC', 't.id', 'ASC', after));
    const rows = await qb.orderBy('t.createdAt', 'ASC').addOrderBy('t.id', 'ASC').take(limit).getMany();
    return { rows, total };
  }

  async markRevoked(tx: EntityManager, id: string, at: number, by: string): Promise<void> {
    await tx.update(ApiTokenEntity, { id, revokedAt: IsNull() }, { revokedAt: at, revokedBy: by });
  }

  async touchLastUsed(tx: EntityManager, id: string, at: number): Promise<void> {
    await tx.update(ApiTokenEntity, { id }, { lastUsedAt: at });
  }
}
