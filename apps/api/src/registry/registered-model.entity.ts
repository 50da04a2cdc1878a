import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export interface ModelTag {
  key: string;
  value: string;
}

@Entity({ name: 'registered_models' })
export class RegisteredModelEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 256 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'simple-json' })
  tags: ModelTag[];

  @Column({ name: 'created_by', type: 'varchar', length: 128, nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;

  /** The promotion policy as validated by @podium/registry's validatePolicy (null = no gates). */
  @Column({ type: 'simple-json', nullable: true })
  policy: object | null;
}
