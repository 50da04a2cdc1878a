import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A metric key an MLflow client logged under another name than the canonical one (`metrics/mAP50B` → `map50`), per
 * run: MLflow reads give the point back under the key it was logged with, GraphQL under the canonical key.
 */
@Entity({ name: 'mlflow_metric_keys' })
export class MlflowMetricKeyEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ name: 'logged_key', type: 'varchar', length: 250 })
  loggedKey: string;

  @Column({ name: 'canonical_key', type: 'varchar', length: 250 })
  canonicalKey: string;
}
