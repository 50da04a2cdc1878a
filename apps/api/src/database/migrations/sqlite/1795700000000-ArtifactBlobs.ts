// Artifacts on SQLite: bytes are content-addressed blobs named by the row's sha256; the sweep and every
// removal ask whether any row still references a blob (docs/data-model.md, `artifacts`; docs/artifacts.md).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ArtifactBlobs1795700000000 implements MigrationInterface {
  name = 'ArtifactBlobs1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_artifacts_sha256" ON "artifacts" ("sha256")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_artifacts_sha256"`);
  }
}
