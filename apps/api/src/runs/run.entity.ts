import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Lifecycle } from '../experiments/experiment.entity';
import { epochMs } from './epoch-ms.transformer';
import type { RunKind, RunStatus } from './run-kind';

@Entity({ name: 'runs' })
export class RunEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'experiment_id', type: 'uuid' })
  experimentId: string;

  @Column({ type: 'varchar', length: 256 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: RunKind;

  @Column({ type: 'varchar', length: 16 })
  status: RunStatus;

  @Column({ name: 'start_time', type: 'bigint', transformer: epochMs })
  startTime: number;

  @Column({ name: 'end_time', type: 'bigint', nullable: true, transformer: epochMs })
  endTime: number | null;

  @Column({ name: 'parent_run_id', type: 'uuid', nullable: true })
  parentRunId: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 128, nullable: true })
  createdBy: string | null;

  @Column({ type: 'varchar', length: 16 })
  lifecycle: Lifecycle;

  /** The last metric sequence handed out in this run (0 = none yet). */
  @Column({ name: 'next_sequence', type: 'integer' })
  nextSequence: number;

  /** Distinct metric keys the run has (its metric_summaries rows), kept by the ingest transaction for the key limit. */
  @Column({ name: 'metric_key_count', type: 'integer', default: 0 })
  metricKeyCount: number;

  @Column({ name: 'evaluation_dataset', type: 'varchar', length: 256, nullable: true })
  evaluationDataset: string | null;
}

/** The short id shown to people: the first 8 hex characters of the uuid. */
export const shortIdOf = (id: string): string => id.replace(/-/g, '').slice(0, 8);
