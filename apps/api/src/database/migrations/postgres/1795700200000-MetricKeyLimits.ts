// Bounded metric reads and idempotent batches (issue 10): a per-run count of distinct metric keys, kept by the ingest
// transaction so the key limit costs no count per batch, and the receipts of idempotent logMetrics batches.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MetricKeyLimits1795700200000 implements MigrationInterface {
  name = 'MetricKeyLimits1795700200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "runs" ADD COLUMN "metric_key_count" integer NOT NULL DEFAULT 0`);
    await q.query(`UPDATE "runs" SET "metric_key_count" = (SELECT count(*) FROM "metric_summaries" s WHERE s."run_id" = "runs"."id")`);
    await q.query(`CREATE TABLE "metric_batch_receipts" (
      "run_id" uuid NOT NULL,
      "idempotency_key" varchar(128) NOT NULL,
      "fingerprint" varchar(64) NOT NULL,
      "count" integer NOT NULL,
      "first_sequence" integer NOT NULL,
      "last_sequence" integer NOT NULL,
      "created_at" bigint NOT NULL,
      PRIMARY KEY ("run_id", "idempotency_key"))`);
    await q.query(`CREATE INDEX "idx_metric_batch_receipts_created" ON "metric_batch_receipts" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "metric_batch_receipts"`);
    await q.query(`ALTER TABLE "runs" DROP COLUMN "metric_key_count"`);
  }
}
