// Datasets, evaluation jobs (queue + lease) and workers on SQLite.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DatasetsEvaluations1795685000000 implements MigrationInterface {
  name = 'DatasetsEvaluations1795685000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "datasets" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "name" varchar(256) NOT NULL,
      "version" integer NOT NULL,
      "digest" varchar(64) NOT NULL,
      "format" varchar(8) NOT NULL,
      "class_names" text NOT NULL,
      "counts" text NOT NULL,
      "images_dir" varchar(1024) NOT NULL,
      "labels_dir" varchar(1024),
      "annotations_path" varchar(1024),
      "size_bytes" integer NOT NULL,
      "created_by" varchar(128),
      "created_at" integer NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "uq_datasets_name_version" ON "datasets" ("name", "version")`);
    await q.query(`CREATE INDEX "idx_datasets_digest" ON "datasets" ("digest")`);
    await q.query(`CREATE TABLE "workers" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "name" varchar(128) NOT NULL,
      "execution_providers" text NOT NULL,
      "gpu_name" varchar(256),
      "gpu_memory_mb" integer,
      "cpu_cores" integer NOT NULL,
      "cpu_model" varchar(256),
      "version" varchar(64),
      "created_by" varchar(128),
      "created_at" integer NOT NULL,
      "last_heartbeat_at" integer NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "uq_workers_name" ON "workers" ("name")`);
    await q.query(`CREATE TABLE "evaluation_jobs" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "status" varchar(16) NOT NULL,
      "run_id" varchar(36),
      "source_run_id" varchar(36),
      "artifact_path" varchar(1024) NOT NULL,
      "model_name" varchar(256),
      "model_version" integer,
      "dataset_id" varchar(36) NOT NULL,
      "dataset_name" varchar(256) NOT NULL,
      "dataset_version" integer NOT NULL,
      "dataset_digest" varchar(64) NOT NULL,
      "settings" text NOT NULL,
      "epoch" integer,
      "mirror_run_id" varchar(36),
      "attempt" integer NOT NULL DEFAULT 0,
      "max_attempts" integer NOT NULL DEFAULT 3,
      "lease_expiries" integer NOT NULL DEFAULT 0,
      "worker_id" varchar(36),
      "lease_seconds" integer NOT NULL DEFAULT 60,
      "lease_expires_at" integer,
      "cancel_requested" boolean NOT NULL DEFAULT 0,
      "progress" text,
      "result" text,
      "error" text,
      "error_code" varchar(64),
      "created_by" varchar(128),
      "created_at" integer NOT NULL,
      "updated_at" integer NOT NULL,
      "started_at" integer,
      "finished_at" integer)`);
    await q.query(`CREATE INDEX "idx_evaluation_jobs_status_created" ON "evaluation_jobs" ("status", "created_at", "id")`);
    await q.query(`CREATE INDEX "idx_evaluation_jobs_source_run" ON "evaluation_jobs" ("source_run_id")`);
    await q.query(`CREATE INDEX "idx_evaluation_jobs_run" ON "evaluation_jobs" ("run_id")`);
    await q.query(`CREATE INDEX "idx_evaluation_jobs_model" ON "evaluation_jobs" ("model_name", "model_version")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['evaluation_jobs', 'workers', 'datasets']) await q.query(`DROP TABLE "${t}"`);
  }
}
