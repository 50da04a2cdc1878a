// The MLflow-compatible tracking API (issue 12) on PostgreSQL: the run's status history (who resumed or ended it, when),
// the metric keys an MLflow client logged under another name than the canonical one, and the dataset inputs of runs.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MlflowTracking1795700400000 implements MigrationInterface {
  name = 'MlflowTracking1795700400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "run_history" (
      "run_id" uuid NOT NULL REFERENCES "runs" ("id") ON DELETE CASCADE,
      "seq" integer NOT NULL,
      "change" varchar(16) NOT NULL,
      "from_status" varchar(16) NOT NULL,
      "to_status" varchar(16) NOT NULL,
      "actor" varchar(128) NOT NULL,
      "at" bigint NOT NULL,
      PRIMARY KEY ("run_id", "seq"))`);
    await q.query(`CREATE TABLE "mlflow_metric_keys" (
      "run_id" uuid NOT NULL REFERENCES "runs" ("id") ON DELETE CASCADE,
      "logged_key" varchar(250) NOT NULL,
      "canonical_key" varchar(250) NOT NULL,
      PRIMARY KEY ("run_id", "logged_key"))`);
    await q.query(`CREATE TABLE "mlflow_run_inputs" (
      "run_id" uuid NOT NULL REFERENCES "runs" ("id") ON DELETE CASCADE,
      "name" varchar(500) NOT NULL,
      "digest" varchar(36) NOT NULL,
      "source_type" varchar(36) NOT NULL,
      "source" text NOT NULL,
      "schema" text,
      "profile" text,
      "tags" text NOT NULL DEFAULT '[]',
      "created_at" bigint NOT NULL,
      PRIMARY KEY ("run_id", "name", "digest"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['mlflow_run_inputs', 'mlflow_metric_keys', 'run_history']) await q.query(`DROP TABLE "${t}"`);
  }
}
