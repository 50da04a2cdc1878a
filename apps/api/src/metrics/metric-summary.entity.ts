import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';

/** Per (run, key) summary maintained on write, so lists, search and sort never scan metric history. */
@Entity({ name: 'metric_summaries' })
@Index('idx_metric_summaries_key_last', ['key', 'lastValue'])
@Index('idx_metric_summaries_key_max', ['key', 'maxValue'])
@Index('idx_metric_summaries_key_min', ['key', 'minValue'])
export class MetricSummaryEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ type: 'varchar', length: 250 })
  key: string;

  /** Value of the point with the highest step, then latest timestamp, then highest sequence; NULL when NaN. */
  @Column({ name: 'last_value', type: 'double precision', nullable: true })
  lastValue: number | null;

  @Column({ name: 'last_is_nan', type: 'boolean' })
  lastIsNan: boolean;

  @Column({ name: 'last_step', type: 'integer' })
  lastStep: number;

  @Column({ name: 'last_timestamp', type: 'bigint', transformer: epochMs })
  lastTimestamp: number;

  /** Highest sequence among the points at (last_step, last_timestamp): the tie-breaker for "last". */
  @Column({ name: 'last_sequence', type: 'integer' })
  lastSequence: number;

  @Column({ name: 'min_value', type: 'double precision', nullable: true })
  minValue: number | null;

  @Column({ name: 'min_step', type: 'integer', nullable: true })
  minStep: number | null;

  @Column({ name: 'max_value', type: 'double precision', nullable: true })
  maxValue: number | null;

  @Column({ name: 'max_step', type: 'integer', nullable: true })
  maxStep: number | null;

  @Column({ type: 'integer' })
  count: number;
}
