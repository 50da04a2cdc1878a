import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';

/** One stored file under a run (docs/data-model.md, `artifacts`). */
@Entity({ name: 'artifacts' })
export class ArtifactEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ type: 'varchar', length: 1024 })
  path: string;

  @Column({ type: 'bigint', transformer: epochMs })
  size: number;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'integer', nullable: true })
  epoch: number | null;

  @Column({ name: 'content_type', type: 'varchar', length: 255 })
  contentType: string;

  @Column({ name: 'created_by', type: 'varchar', length: 128, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}

/** What the service hands out: the row as stored. */
export type ArtifactRow = ArtifactEntity;
