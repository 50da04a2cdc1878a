// All SQL of the MLflow feature's own tables: the metric keys logged under another name than the canonical one, and
// the dataset inputs of runs.
import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { Database } from '../database/database';
import { MlflowMetricKeyEntity } from './mlflow-metric-key.entity';
import { MlflowRunInputEntity } from './mlflow-run-input.entity';

@Injectable()
export class MlflowRepository {
  constructor(private readonly db: Database) {}

  /** Remembers the keys a run's metrics were logged under (a key already known is left as it is). */
  async recordLoggedKeys(tx: EntityManager, rows: readonly MlflowMetricKeyEntity[]): Promise<void> {
    if (rows.length === 0) return;
    await tx
      .createQueryBuilder()
      .insert()
      .into(MlflowMetricKeyEntity)
      .values([...rows])
      .orIgnore()
      .execute();
  }

  loggedKeysByRunIds(runIds: readonly string[]): Promise<MlflowMetricKeyEntity[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.db.read.find(MlflowMetricKeyEntity, { where: { runId: In([...runIds]) }, order: { runId: 'ASC', loggedKey: 'ASC' } });
  }

  /** Records dataset inputs; one already recorded for the run (same name and digest) is left as it is, as in MLflow. */
  async insertInputs(tx: EntityManager, rows: readonly MlflowRunInputEntity[]): Promise<void> {
    if (rows.length === 0) return;
    await tx
      .createQueryBuilder()
      .insert()
      .into(MlflowRunInputEntity)
      .values([...rows])
      .orIgnore()
      .execute();
  }

  inputsByRunIds(runIds: readonly string[]): Promise<MlflowRunInputEntity[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.db.read.find(MlflowRunInputEntity, { where: { runId: In([...runIds]) }, order: { runId: 'ASC', name: 'ASC', digest: 'ASC' } });
  }
}
