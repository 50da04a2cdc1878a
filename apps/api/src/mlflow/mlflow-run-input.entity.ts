import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { KeyValue } from '../experiments/experiment.entity';
import { epochMs } from '../runs/epoch-ms.transformer';

/** A dataset an MLflow client declared as an input of a run (`runs/log-inputs`), once per (name, digest). */
@Entity({ name: 'mlflow_run_inputs' })
export class MlflowRunInputEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ type: 'varchar', length: 500 })
  name: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  digest: string;

  @Column({ name: 'source_type', type: 'varchar', length: 36 })
  sourceType: string;

  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'text', nullable: true })
  schema: string | null;

  @Column({ type: 'text', nullable: true })
  profile: string | null;

  /** The input's tags (e.g. `mlflow.data.context` = `train`). */
  @Column({ type: 'simple-json' })
  tags: KeyValue[];

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
