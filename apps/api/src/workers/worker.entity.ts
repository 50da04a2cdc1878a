import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';
import type { WorkerState } from './worker-rules';

/** A registered gpu-worker and the capabilities it reported (providers that really load, GPU, CPU). */
@Entity({ name: 'workers' })
export class WorkerEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ name: 'execution_providers', type: 'simple-json' })
  executionProviders: string[];

  @Column({ name: 'gpu_name', type: 'varchar', length: 256, nullable: true })
  gpuName: string | null;

  @Column({ name: 'gpu_memory_mb', type: 'integer', nullable: true })
  gpuMemoryMb: number | null;

  @Column({ name: 'cpu_cores', type: 'integer' })
  cpuCores: number;

  @Column({ name: 'cpu_model', type: 'varchar', length: 256, nullable: true })
  cpuModel: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  version: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 128, nullable: true })
  createdBy: string | null;

  /** The api token that owns the name (worker-rules.ts); null for the tokenless local admin. */
  @Column({ name: 'token_id', type: 'uuid', nullable: true })
  tokenId: string | null;

  @Column({ name: 'token_name', type: 'varchar', length: 128, nullable: true })
  tokenName: string | null;

  @Column({ type: 'varchar', length: 16 })
  state: WorkerState;

  @Column({ name: 'state_changed_at', type: 'bigint', nullable: true, transformer: epochMs })
  stateChangedAt: number | null;

  @Column({ name: 'state_changed_by', type: 'varchar', length: 128, nullable: true })
  stateChangedBy: string | null;

  @Column({ name: 'state_reason', type: 'varchar', length: 1000, nullable: true })
  stateReason: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'last_heartbeat_at', type: 'bigint', transformer: epochMs })
  lastHeartbeatAt: number;
}
