import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiTokens1795683400000 implements MigrationInterface {
  name = 'ApiTokens1795683400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_tokens" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "name" varchar(128) NOT NULL,
      "role" varchar(16) NOT NULL,
      "token_hash" varchar(64) NOT NULL,
      "prefix" varchar(16) NOT NULL,
      "created_by" varchar(128),
      "created_at" integer NOT NULL,
      "expires_at" integer,
      "revoked_at" integer,
      "revoked_by" varchar(128),
      "last_used_at" integer
    )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_api_tokens_token_hash" ON "api_tokens" ("token_hash")`);
    // A name is unique among tokens that are not revoked, so a revoked name can be reused.
    await q.query(`CREATE UNIQUE INDEX "UQ_api_tokens_active_name" ON "api_tokens" ("name") WHERE "revoked_at" IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "api_tokens"`);
  }
}
