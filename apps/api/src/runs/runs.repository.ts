// All SQL of runs, their params and tags.
import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { afterKeyset, type Keyset } from '../common/pagination';
import { Database } from '../database/database';
import { RunHistoryEntity } from './run-history.entity';
import { RunParamEntity } from './run-param.entity';
import { RunTagEntity } from './run-tag.entity';
import { RunEntity } from './run.entity';

export interface KeyValueRow {
  runId: string;
  key: string;
  value: string;
}

@Injectable()
export class RunsRepository {
  constructor(private readonly db: Database) {}

  findByIds(ids: readonly string[], m: EntityManager = this.db.read): Promise<RunEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.findBy(RunEntity, { id: In([...ids]) });
  }

  /** Up to `limit` runs whose id starts with `prefix` (a lowercase, hyphenated uuid prefix). */
  async findByIdPrefix(prefix: string, limit: number): Promise<RunEntity[]> {
    const qb = this.db.read.createQueryBuilder(RunEntity, 'r');
    const column = this.db.dialect === 'postgres' ? 'r.id::text' : 'r.id';
    return qb
      .where(`${column} LIKE :p`, { p: `${prefix}%` })
      .orderBy('r.id')
      .limit(limit)
      .getMany();
  }

  /**
   * The run row, locked for the rest of the transaction on PostgreSQL (SELECT … FOR UPDATE), so a run's writers
   * queue and commit in sequence order; SQLite write transactions are serialised already.
   */
  async lock(tx: EntityManager, id: string): Promise<RunEntity | null> {
    const qb = tx.createQueryBuilder(RunEntity, 'r').where('r.id = :id', { id });
    if (this.db.dialect === 'postgres') qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /**
   * Ends a metric batch in the ingest transaction that holds the run's lock: the last sequence handed out and the
   * distinct keys the batch added. One statement, on the row already locked.
   */
  async advanceMetricCounters(tx: EntityManager, id: string, lastSequence: number, addedKeys: number): Promise<void> {
    const [a, b, c] = this.db.dialect === 'postgres' ? ['$1', '$2', '$3'] : ['?', '?', '?'];
    await tx.query(`UPDATE runs SET next_sequence = ${a}, metric_key_count = metric_key_count + ${b} WHERE id = ${c}`, [lastSequence, addedKeys, id]);
  }

  /** The last metric sequence committed in the run (0 when none), or undefined for an unknown run: one primary-key read. */
  async committedSequence(id: string): Promise<number | undefined> {
    const rows = await this.db.read.query(`SELECT next_sequence FROM runs WHERE id = ${this.db.dialect === 'postgres' ? '$1' : '?'}`, [id]);
    return rows.length ? Number(rows[0].next_sequence) : undefined;
  }

  async page(experimentId: string, after: Keyset | undefined, limit: number, includeDeleted: boolean): Promise<{ rows: RunEntity[]; total: number }> {
    const qb = this.db.read.createQueryBuilder(RunEntity, 'r').where('r.experimentId = :experimentId', { experimentId });
    if (!includeDeleted) qb.andWhere('r.lifecycle = :lifecycle', { lifecycle: 'active' });
    const total = await qb.getCount();
    if (after) qb.andWhere(afterKeyset('r.startTime', 'DESC', 'r.id', 'ASC', after));
    const rows = await qb.orderBy('r.startTime', 'DESC').addOrderBy('r.id', 'ASC').take(limit).getMany();
    return { rows, total };
  }

  /** Per experiment: its active runs and the latest start or end among them (experiments without runs are absent). */
  async activityByExperimentIds(ids: readonly string[]): Promise<{ experimentId: string; runCount: number; lastActivity: number | null }[]> {
    if (ids.length === 0) return [];
    const rows: { experimentId: string; n: string | number; started: string | number | null; ended: string | number | null }[] = await this.db.read
      .createQueryBuilder(RunEntity, 'r')
      .select('r.experimentId', 'experimentId')
      .addSelect('COUNT(*)', 'n')
      .addSelect('MAX(r.startTime)', 'started')
      .addSelect('MAX(r.endTime)', 'ended')
      .where('r.experimentId IN (:...ids)', { ids: [...ids] })
      .andWhere('r.lifecycle = :lifecycle', { lifecycle: 'active' })
      .groupBy('r.experimentId')
      .getRawMany();
    return rows.map((r) => {
      const times = [r.started, r.ended].filter((t) => t !== null).map(Number);
      return { experimentId: r.experimentId, runCount: Number(r.n), lastActivity: times.length ? Math.max(...times) : null };
    });
  }

  /** Per experiment, its newest active run (the first row of `runs`: start_time DESC, then id). */
  async latestByExperimentIds(ids: readonly string[]): Promise<RunEntity[]> {
    if (ids.length === 0) return [];
    return this.db.read
      .createQueryBuilder(RunEntity, 'r')
      .where('r.experimentId IN (:...ids)', { ids: [...ids] })
      .andWhere('r.lifecycle = :lifecycle', { lifecycle: 'active' })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM runs n WHERE n.experiment_id = r.experiment_id AND n.lifecycle = 'active' AND (n.start_time > r.start_time OR (n.start_time = r.start_time AND n.id < r.id)))`,
      )
      .getMany();
  }

  async insert(tx: EntityManager, run: RunEntity): Promise<void> {
    await tx.insert(RunEntity, run);
  }

  async update(tx: EntityManager, id: string, patch: Partial<Pick<RunEntity, 'status' | 'endTime' | 'name' | 'lifecycle' | 'nextSequence'>>): Promise<void> {
    await tx.update(RunEntity, { id }, patch);
  }

  /**
   * Ids of the active EVALUATION runs whose params say they evaluate `modelName` at `version` (params model_name /
   * model_version, per the evaluation contract), with that version; read in `m` (a promotion's transaction).
   */
  findEvaluationRunsOf(m: EntityManager, modelName: string, versions: readonly number[]): Promise<{ run_id: string; version: string }[]> {
    if (versions.length === 0) return Promise.resolve([]);
    return m
      .createQueryBuilder(RunParamEntity, 'pv')
      .innerJoin(RunParamEntity, 'pn', 'pn.run_id = pv.run_id AND pn.key = :nameKey', { nameKey: 'model_name' })
      .innerJoin(RunEntity, 'r', 'r.id = pv.run_id')
      .select(['pv.run_id AS run_id', 'pv.value AS version'])
      .where('pv.key = :versionKey', { versionKey: 'model_version' })
      .andWhere('pv.value IN (:...versions)', { versions: versions.map(String) })
      .andWhere('pn.value = :modelName', { modelName })
      .andWhere('r.kind = :kind', { kind: 'EVALUATION' })
      .andWhere('r.lifecycle = :active', { active: 'active' })
      .getRawMany<{ run_id: string; version: string }>();
  }

  paramsByRunIds(ids: readonly string[], m: EntityManager = this.db.read): Promise<RunParamEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.find(RunParamEntity, { where: { runId: In([...ids]) }, order: { key: 'ASC' } });
  }

  findParams(tx: EntityManager, runId: string, keys: readonly string[]): Promise<RunParamEntity[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return tx.findBy(RunParamEntity, { runId, key: In([...keys]) });
  }

  async insertParams(tx: EntityManager, rows: KeyValueRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 300) await tx.insert(RunParamEntity, rows.slice(i, i + 300));
  }

  tagsByRunIds(ids: readonly string[], m: EntityManager = this.db.read): Promise<RunTagEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.find(RunTagEntity, { where: { runId: In([...ids]) }, order: { key: 'ASC' } });
  }

  /** Deletes one tag; false when the run has no tag of that key. */
  async deleteTag(tx: EntityManager, runId: string, key: string): Promise<boolean> {
    const result = await tx.delete(RunTagEntity, { runId, key });
    return (result.affected ?? 0) > 0;
  }

  /** Appends a status move to the run's history, numbered after its last one (the caller holds the run's lock). */
  async appendHistory(tx: EntityManager, row: Omit<RunHistoryEntity, 'seq'>): Promise<void> {
    const [{ last }] = await tx.query(`SELECT coalesce(max(seq), 0) AS last FROM run_history WHERE run_id = ${this.db.dialect === 'postgres' ? '$1' : '?'}`, [row.runId]);
    await tx.insert(RunHistoryEntity, { ...row, seq: Number(last) + 1 });
  }

  historyByRunIds(ids: readonly string[]): Promise<RunHistoryEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.read.find(RunHistoryEntity, { where: { runId: In([...ids]) }, order: { runId: 'ASC', seq: 'ASC' } });
  }

  async upsertTags(tx: EntityManager, rows: KeyValueRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 300) {
      await tx
        .createQueryBuilder()
        .insert()
        .into(RunTagEntity)
        .values(rows.slice(i, i + 300))
        .orUpdate(['value'], ['run_id', 'key'])
        .execute();
    }
  }
}
