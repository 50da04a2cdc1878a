// All SQL of the registry tables: models, versions, aliases and the transition history.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type EntityManager, In, LessThanOrEqual } from 'typeorm';
import { afterKeyset, type Keyset } from '../common/pagination';
import type { Dialect } from '../database/data-source';
import { ModelAliasEntity } from './model-alias.entity';
import { ModelVersionEntity } from './model-version.entity';
import { RegisteredModelEntity } from './registered-model.entity';
import { StageTransitionEntity } from './stage-transition.entity';

/** Which versions `RegisteredModel.versions` lists: all when both are absent. */
export interface VersionFilter {
  stages?: readonly string[];
  withAliases?: boolean;
}

export type NewTransition = Omit<StageTransitionEntity, 'id' | 'modelId' | 'seq'>;

@Injectable()
export class RegistryRepository {
  async insertModel(tx: EntityManager, row: Omit<RegisteredModelEntity, 'id' | 'createdAt' | 'updatedAt'>): Promise<RegisteredModelEntity> {
    const entity = tx.create(RegisteredModelEntity, { ...row, id: randomUUID() });
    await tx.insert(RegisteredModelEntity, entity);
    return await tx.findOneByOrFail(RegisteredModelEntity, { id: entity.id });
  }

  findModelsByNames(em: EntityManager, names: readonly string[]): Promise<RegisteredModelEntity[]> {
    return names.length === 0 ? Promise.resolve([]) : em.findBy(RegisteredModelEntity, { name: In([...names]) });
  }

  findModelsByIds(em: EntityManager, ids: readonly string[]): Promise<RegisteredModelEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : em.findBy(RegisteredModelEntity, { id: In([...ids]) });
  }

  /**
   * The model row, locked until the transaction ends on PostgreSQL (`SELECT … FOR UPDATE`) so promotions and version
   * registrations of one model run one at a time; SQLite needs no lock (write transactions are serialised).
   */
  async lockModelByName(tx: EntityManager, dialect: Dialect, name: string): Promise<RegisteredModelEntity | null> {
    const qb = tx.createQueryBuilder(RegisteredModelEntity, 'm').where('m.name = :name', { name });
    if (dialect === 'postgres') qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** Page of models ordered by name, after the name `afterName` (exclusive). */
  async listModels(em: EntityManager, after: Keyset | undefined, limit: number): Promise<{ rows: RegisteredModelEntity[]; total: number }> {
    const qb = em.createQueryBuilder(RegisteredModelEntity, 'm').orderBy('m.name', 'ASC').addOrderBy('m.id', 'ASC').take(limit);
    if (after) qb.where(afterKeyset('m.name', 'ASC', 'm.id', 'ASC', after));
    const [rows, total] = await Promise.all([qb.getMany(), em.count(RegisteredModelEntity)]);
    return { rows, total };
  }

  async updatePolicy(tx: EntityManager, modelId: string, policy: object | null): Promise<void> {
    await tx.update(RegisteredModelEntity, { id: modelId }, { policy, updatedAt: new Date() });
  }

  async nextVersionNumber(tx: EntityManager, modelId: string): Promise<number> {
    const row = await tx.createQueryBuilder(ModelVersionEntity, 'v').select('MAX(v.version)', 'max').where('v.model_id = :modelId', { modelId }).getRawOne<{ max: number | string | null }>();
    return Number(row?.max ?? 0) + 1;
  }

  async insertVersion(tx: EntityManager, row: Omit<ModelVersionEntity, 'id' | 'createdAt'>): Promise<ModelVersionEntity> {
    const entity = tx.create(ModelVersionEntity, { ...row, id: randomUUID() });
    await tx.insert(ModelVersionEntity, entity);
    return tx.findOneByOrFail(ModelVersionEntity, { id: entity.id });
  }

  findVersionsByModelIds(em: EntityManager, modelIds: readonly string[]): Promise<ModelVersionEntity[]> {
    if (modelIds.length === 0) return Promise.resolve([]);
    return em.find(ModelVersionEntity, { where: { modelId: In([...modelIds]) }, order: { version: 'ASC' } });
  }

  /**
   * One keyset page of versions per model for many models in two queries (the `RegisteredModel.versions` loader): the
   * ids of each model's first `limit` matching versions after `after` (ROW_NUMBER() per model, which both SQLite and
   * PostgreSQL have), then the rows; plus each model's count of matching versions. `stages` keeps the versions in
   * those stages, `withAliases` the versions some alias names.
   */
  async findVersionPages(
    em: EntityManager,
    modelIds: readonly string[],
    filter: VersionFilter,
    after: Keyset | undefined,
    limit: number,
  ): Promise<Map<string, { rows: ModelVersionEntity[]; total: number }>> {
    const pages = new Map(modelIds.map((id) => [id, { rows: [] as ModelVersionEntity[], total: 0 }]));
    if (modelIds.length === 0) return pages;
    const matching = () => {
      const qb = em.createQueryBuilder(ModelVersionEntity, 'v').where('v.model_id IN (:...modelIds)', { modelIds: [...modelIds] });
      if (filter.stages) qb.andWhere('v.stage IN (:...stages)', { stages: [...filter.stages] });
      if (filter.withAliases) qb.andWhere('EXISTS (SELECT 1 FROM model_aliases a WHERE a.version_id = v.id)');
      return qb;
    };
    const ranked = matching().select('v.id', 'id').addSelect('ROW_NUMBER() OVER (PARTITION BY v.model_id ORDER BY v.version ASC, v.id ASC)', 'rn');
    if (after) ranked.andWhere(afterKeyset('v.version', 'ASC', 'v.id', 'ASC', after));
    const [idRows, counts] = await Promise.all([
      em.createQueryBuilder().select('w.id', 'id').from(`(${ranked.getQuery()})`, 'w').where('w.rn <= :limit', { limit }).setParameters(ranked.getParameters()).getRawMany<{ id: string }>(),
      matching().select('v.model_id', 'modelId').addSelect('COUNT(*)', 'n').groupBy('v.model_id').getRawMany<{ modelId: string; n: number | string }>(),
    ]);
    for (const c of counts) pages.get(c.modelId)!.total = Number(c.n);
    const rows = idRows.length === 0 ? [] : await em.find(ModelVersionEntity, { where: { id: In(idRows.map((r) => r.id)) }, order: { version: 'ASC', id: 'ASC' } });
    for (const row of rows) pages.get(row.modelId)!.rows.push(row);
    return pages;
  }

  findVersion(em: EntityManager, modelId: string, version: number): Promise<ModelVersionEntity | null> {
    return em.findOneBy(ModelVersionEntity, { modelId, version });
  }

  findAliasesByModelIds(em: EntityManager, modelIds: readonly string[]): Promise<ModelAliasEntity[]> {
    if (modelIds.length === 0) return Promise.resolve([]);
    return em.find(ModelAliasEntity, { where: { modelId: In([...modelIds]) }, order: { alias: 'ASC' } });
  }

  findAliasesByVersionIds(em: EntityManager, versionIds: readonly string[]): Promise<ModelAliasEntity[]> {
    if (versionIds.length === 0) return Promise.resolve([]);
    return em.find(ModelAliasEntity, { where: { versionId: In([...versionIds]) }, order: { alias: 'ASC' } });
  }

  /** Moves a version's stage only if it is still `fromStage`; returns whether a row changed (0 = stale snapshot). */
  async updateVersionStage(tx: EntityManager, modelId: string, version: number, fromStage: string, toStage: string, enteredAtMs: number): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(ModelVersionEntity)
      .set({ stage: toStage, stageEnteredAt: enteredAtMs })
      .where('model_id = :modelId AND version = :version AND stage = :fromStage', { modelId, version, fromStage })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Points `alias` at `versionId` (or removes it when null). */
  async setAlias(tx: EntityManager, modelId: string, alias: string, versionId: string | null): Promise<void> {
    await tx.delete(ModelAliasEntity, { modelId, alias });
    if (versionId !== null) await tx.insert(ModelAliasEntity, { modelId, alias, versionId });
  }

  /** Appends transitions with the next gapless `seq` numbers of the model (the caller holds the model's lock). */
  async appendTransitions(tx: EntityManager, modelId: string, rows: readonly NewTransition[]): Promise<StageTransitionEntity[]> {
    const row = await tx.createQueryBuilder(StageTransitionEntity, 't').select('MAX(t.seq)', 'max').where('t.model_id = :modelId', { modelId }).getRawOne<{ max: number | string | null }>();
    let seq = Number(row?.max ?? 0);
    const entities = rows.map((r) => tx.create(StageTransitionEntity, { ...r, id: randomUUID(), modelId, seq: ++seq }));
    for (const e of entities) await tx.insert(StageTransitionEntity, e);
    return entities;
  }

  async findTransitionPage(em: EntityManager, modelId: string, after: Keyset | undefined, limit: number): Promise<{ rows: StageTransitionEntity[]; total: number }> {
    const qb = em.createQueryBuilder(StageTransitionEntity, 't').where('t.modelId = :modelId', { modelId });
    if (after) qb.andWhere(afterKeyset('t.seq', 'ASC', 't.id', 'ASC', after));
    const [rows, total] = await Promise.all([qb.orderBy('t.seq', 'ASC').addOrderBy('t.id', 'ASC').take(limit).getMany(), em.countBy(StageTransitionEntity, { modelId })]);
    return { rows, total };
  }

  /** Stage transitions (alias moves excluded) up to `atMs` inclusive, in seq order. */
  findStageTransitionsUpTo(em: EntityManager, modelId: string, atMs: number): Promise<StageTransitionEntity[]> {
    return em.find(StageTransitionEntity, { where: { modelId, kind: 'STAGE', at: LessThanOrEqual(atMs) }, order: { seq: 'ASC' } });
  }

  /** The latest transition of a version that carries a decision, however many transitions without one came since. */
  findLastDecision(em: EntityManager, modelId: string, version: number): Promise<StageTransitionEntity | null> {
    return em.createQueryBuilder(StageTransitionEntity, 't').where('t.model_id = :modelId AND t.version = :version AND t.decision IS NOT NULL', { modelId, version }).orderBy('t.seq', 'DESC').getOne();
  }
}
