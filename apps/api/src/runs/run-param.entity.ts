import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One immutable parameter of a run (MLflow semantics: same value again is a no-op, a different one a conflict). */
@Entity({ name: 'run_params' })
export class RunParamEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ type: 'varchar', length: 250 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
