import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';

/** One logged metric point (append-only). NaN is stored as value NULL + is_nan, because SQLite turns a bound NaN into NULL. */
@Entity({ name: 'metric_points' })
@Index('idx_metric_points_run_key_step', ['runId', 'key', 'step', 'sequence'])
export class MetricPointEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ type: 'integer' })
  sequence: number;

  @Column({ type: 'varchar', length: 250 })
  key: string;

  @Column({ type: 'double precision', nullable: true })
  value: number | null;

  @Column({ name: 'is_nan', type: 'boolean' })
  isNan: boolean;

  @Column({ type: 'integer' })
  step: number;

  @Column({ type: 'bigint', transformer: epochMs })
  timestamp: number;
}
