// Tracking tables on PostgreSQL: experiments, runs, params, tags, metric history and summaries (docs/data-model.md).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TrackingCore1795683300000 implements MigrationInterface {
  name = 'TrackingCore1795683300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "experiments" (
      "id" uuid PRIMARY KEY NOT NULL,
      "name" varchar(256) NOT NULL,
      "description" text,
      "tags" text NOT NULL DEFAULT '[]',
      "lifecycle" varchar(16) NOT NULL DEFAULT 'active',
      "created_by" varchar(128),
      "created_at" timestamp NOT NULL DEFAULT now(),
      "updated_at" timestamp NOT NULL DEFAULT now())`);
    await q.query(`CREATE UNIQUE INDEX "uq_experiments_name" ON "experiments" ("name")`);
    await q.query(`CREATE TABLE "runs" (
      "id" uuid PRIMARY KEY NOT NULL,
      "experiment_id" uuid NOT NULL REFERENCES "experiments" ("id"),
      "name" varchar(256) NOT NULL,
      "kind" varchar(16) NOT NULL,
      "status" varchar(16) NOT NULL,
      "start_time" bigint NOT NULL,
      "end_time" bigint,
      "parent_run_id" uuid,
      "created_by" varchar(128),
      "lifecycle" varchar(16) NOT NULL DEFAULT 'active',
      "next_sequence" integer NOT NULL DEFAULT 0,
      "evaluation_dataset" varchar(256))`);
    await q.query(`CREATE INDEX "idx_runs_experiment_start" ON "runs" ("experiment_id", "start_time")`);
    await q.query(`CREATE TABLE "run_params" (
      "run_id" uuid NOT NULL REFERENCES "runs" ("id") ON DELETE CASCADE,
      "key" varchar(250) NOT NULL,
      "value" text NOT NULL,
      PRIMARY KEY ("run_id", "key"))`);
    await q.query(`CREATE TABLE "run_tags" (
      "run_id" uuid NOT NULL REFERENCES "runs" ("id") ON DELETE CASCADE,
      "key" varchar(250) NOT NULL,
      "value" text NOT NULL,
      PRIMARY KEY ("run_id", "key"))`);
    // No foreign key on the metric tables: the ingest transaction already holds the run row (SELECT … FOR UPDATE),
    // and a per-row FK check would cost ingest throughput.
    await q.query(`CREATE TABLE "metric_points" (
      "run_id" uuid NOT NULL,
      "sequence" integer NOT NULL,
      "key" varchar(250) NOT NULL,
      "value" double precision,
      "is_nan" boolean NOT NULL DEFAULT false,
      "step" integer NOT NULL,
      "timestamp" bigint NOT NULL,
      PRIMARY KEY ("run_id", "sequence"))`);
    await q.query(`CREATE INDEX "idx_metric_points_run_key_step" ON "metric_points" ("run_id", "key", "step", "sequence")`);
    await q.query(`CREATE TABLE "metric_summaries" (
      "run_id" uuid NOT NULL,
      "key" varchar(250) NOT NULL,
      "last_value" double precision,
      "last_is_nan" boolean NOT NULL DEFAULT false,
      "last_step" integer NOT NULL,
      "last_timestamp" bigint NOT NULL,
      "last_sequence" integer NOT NULL,
      "min_value" double precision,
      "min_step" integer,
      "max_value" double precision,
      "max_step" integer,
      "count" integer NOT NULL,
      PRIMARY KEY ("run_id", "key"))`);
    await q.query(`CREATE INDEX "idx_metric_summaries_key_last" ON "metric_summaries" ("key", "last_value")`);
    await q.query(`CREATE INDEX "idx_metric_summaries_key_max" ON "metric_summaries" ("key", "max_value")`);
    await q.query(`CREATE INDEX "idx_metric_summaries_key_min" ON "metric_summaries" ("key", "min_value")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['metric_summaries', 'metric_points', 'run_tags', 'run_params', 'runs', 'experiments']) await q.query(`DROP TABLE "${t}"`);
  }
}
