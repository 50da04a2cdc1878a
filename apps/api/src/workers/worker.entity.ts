import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../runs/epoch-ms.transformer';

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

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'last_heartbeat_at', type: 'bigint', transformer: epochMs })
  lastHeartbeatAt: number;
}
