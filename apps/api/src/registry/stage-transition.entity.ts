import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';

/** One row of a model's history: a stage move or an alias move, with the decision and the gates that allowed it. */
@Entity({ name: 'stage_transitions' })
export class StageTransitionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Column({ type: 'integer' })
  version: number;

  /** 1, 2, … per model in commit order; unique (model_id, seq). Time alone cannot order (SQLite precision). */
  @Column({ type: 'integer' })
  seq: number;

  /** STAGE or ALIAS. */
  @Column({ type: 'varchar', length: 8 })
  kind: string;

  @Column({ name: 'from_stage', type: 'varchar', length: 16 })
  fromStage: string;

  @Column({ name: 'to_stage', type: 'varchar', length: 16 })
  toStage: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  alias: string | null;

  @Column({ name: 'alias_previous_version', type: 'integer', nullable: true })
  aliasPreviousVersion: number | null;

  @Column({ type: 'varchar', length: 128 })
  actor: string;

  @Column({ type: 'bigint', transformer: epochMs })
  at: number;

  @Column({ type: 'boolean' })
  automatic: boolean;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'simple-json', nullable: true })
  decision: object | null;

  @Column({ type: 'simple-json', nullable: true })
  gates: object | null;

  @Column({ name: 'metrics_snapshot', type: 'simple-json' })
  metricsSnapshot: object;
}
