import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One tag of a run; unlike params, tags may be overwritten. */
@Entity({ name: 'run_tags' })
export class RunTagEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ type: 'varchar', length: 250 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
