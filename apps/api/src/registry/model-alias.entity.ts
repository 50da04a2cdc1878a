import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An alias (`champion`, …) names one version of a model: pk (model_id, alias) makes it unique per model. */
@Entity({ name: 'model_aliases' })
export class ModelAliasEntity {
  @PrimaryColumn({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  alias: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId: string;
}
