// Artifacts on SQLite: files stored under a run in the artifact store (docs/data-model.md, `artifacts`).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Artifacts1795690000000 implements MigrationInterface {
  name = 'Artifacts1795690000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "artifacts" (
      "run_id" varchar(36) NOT NULL REFERENCES "runs" ("id") ON DELETE CASCADE,
      "path" varchar(1024) NOT NULL,
      "size" integer NOT NULL,
      "sha256" varchar(64) NOT NULL,
      "epoch" integer,
      "content_type" varchar(255) NOT NULL,
      "created_by" varchar(128),
      "created_at" integer NOT NULL,
      PRIMARY KEY ("run_id", "path"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "artifacts"`);
  }
}
