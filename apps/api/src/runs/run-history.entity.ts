import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from './epoch-ms.transformer';
import type { RunStatus } from './run-kind';

export type RunHistoryChange = 'STATUS_CHANGED' | 'RESUMED';

/** One status move of a run (who, when, from, to), append-only; `seq` counts 1, 2, … per run in commit order. */
@Entity({ name: 'run_history' })
export class RunHistoryEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 16 })
  change: RunHistoryChange;

  @Column({ name: 'from_status', type: 'varchar', length: 16 })
  fromStatus: RunStatus;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus: RunStatus;

  /** Identity name of the caller (`system` for a run ended by its evaluation job). */
  @Column({ type: 'varchar', length: 128 })
  actor: string;

  @Column({ type: 'bigint', transformer: epochMs })
  at: number;
}
