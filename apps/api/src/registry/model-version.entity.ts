import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';
import type { ModelTag } from './registered-model.entity';

@Entity({ name: 'model_versions' })
export class ModelVersionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  /** 1, 2, … per model; unique (model_id, version). */
  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'source_run_id', type: 'uuid', nullable: true })
  sourceRunId: string | null;

  @Column({ name: 'artifact_path', type: 'varchar', length: 1024 })
  artifactPath: string;

  @Column({ name: 'artifact_sha256', type: 'varchar', length: 64, nullable: true })
  artifactSha256: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'simple-json' })
  tags: ModelTag[];

  @Column({ type: 'varchar', length: 16 })
  stage: string;

  /** Epoch ms: the minimum-time-in-STAGING gate needs sub-second precision on SQLite too. */
  @Column({ name: 'stage_entered_at', type: 'bigint', transformer: epochMs })
  stageEnteredAt: number;

  @Column({ name: 'created_by', type: 'varchar', length: 128, nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
