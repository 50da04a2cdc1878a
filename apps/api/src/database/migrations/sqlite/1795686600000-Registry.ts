// Model registry tables on SQLite: models, versions, aliases and the transition history (docs/data-model.md).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Registry1795686600000 implements MigrationInterface {
  name = 'Registry1795686600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "registered_models" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "name" varchar(256) NOT NULL,
      "description" text,
      "tags" text NOT NULL DEFAULT '[]',
      "created_by" varchar(128),
      "created_at" datetime NOT NULL DEFAULT (datetime('now')),
      "updated_at" datetime NOT NULL DEFAULT (datetime('now')),
      "policy" text)`);
    await q.query(`CREATE UNIQUE INDEX "uq_registered_models_name" ON "registered_models" ("name")`);
    // No foreign key to runs: a version outlives its source run (the registry keeps the artifact path and sha256).
    await q.query(`CREATE TABLE "model_versions" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "model_id" varchar(36) NOT NULL REFERENCES "registered_models" ("id") ON DELETE CASCADE,
      "version" integer NOT NULL,
      "source_run_id" varchar(36),
      "artifact_path" varchar(1024) NOT NULL,
      "artifact_sha256" varchar(64),
      "description" text,
      "tags" text NOT NULL DEFAULT '[]',
      "stage" varchar(16) NOT NULL DEFAULT 'NONE',
      "stage_entered_at" integer NOT NULL,
      "created_by" varchar(128),
      "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
    await q.query(`CREATE UNIQUE INDEX "uq_model_versions_model_version" ON "model_versions" ("model_id", "version")`);
    await q.query(`CREATE INDEX "idx_model_versions_source_run" ON "model_versions" ("source_run_id")`);
    // Second line of defence behind the promotion transaction: one PRODUCTION per model.
    await q.query(`CREATE UNIQUE INDEX "uq_model_versions_one_production" ON "model_versions" ("model_id") WHERE "stage" = 'PRODUCTION'`);
    await q.query(`CREATE TABLE "model_aliases" (
      "model_id" varchar(36) NOT NULL REFERENCES "registered_models" ("id") ON DELETE CASCADE,
      "alias" varchar(64) NOT NULL,
      "version_id" varchar(36) NOT NULL REFERENCES "model_versions" ("id") ON DELETE CASCADE,
      PRIMARY KEY ("model_id", "alias"))`);
    await q.query(`CREATE TABLE "stage_transitions" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "model_id" varchar(36) NOT NULL REFERENCES "registered_models" ("id") ON DELETE CASCADE,
      "version" integer NOT NULL,
      "seq" integer NOT NULL,
      "kind" varchar(8) NOT NULL,
      "from_stage" varchar(16) NOT NULL,
      "to_stage" varchar(16) NOT NULL,
      "alias" varchar(64),
      "alias_previous_version" integer,
      "actor" varchar(128) NOT NULL,
      "at" integer NOT NULL,
      "automatic" boolean NOT NULL DEFAULT 0,
      "reason" text,
      "decision" text,
      "gates" text,
      "metrics_snapshot" text NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "uq_stage_transitions_model_seq" ON "stage_transitions" ("model_id", "seq")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['stage_transitions', 'model_aliases', 'model_versions', 'registered_models']) await q.query(`DROP TABLE "${t}"`);
  }
}
