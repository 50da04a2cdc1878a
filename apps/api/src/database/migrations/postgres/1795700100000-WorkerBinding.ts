// Jobs bound to their claimant, workers to the api token that owns their name, and the ADMIN's worker states, on PostgreSQL.
// Existing workers are owned by the active token whose name registered them (token names are unique among active
// tokens); a running job is bound to its worker's token, so it can still be reported on after the upgrade.
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WorkerBinding1795700100000 implements MigrationInterface {
  name = 'WorkerBinding1795700100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "workers" ADD COLUMN "token_id" uuid`);
    await q.query(`ALTER TABLE "workers" ADD COLUMN "token_name" varchar(128)`);
    await q.query(`ALTER TABLE "workers" ADD COLUMN "state" varchar(16) NOT NULL DEFAULT 'ACTIVE'`);
    await q.query(`ALTER TABLE "workers" ADD COLUMN "state_changed_at" bigint`);
    await q.query(`ALTER TABLE "workers" ADD COLUMN "state_changed_by" varchar(128)`);
    await q.query(`ALTER TABLE "workers" ADD COLUMN "state_reason" varchar(1000)`);
    await q.query(`ALTER TABLE "evaluation_jobs" ADD COLUMN "claim_token_id" uuid`);
    await q.query(
      `UPDATE "workers" SET "token_name" = "created_by",
        "token_id" = (SELECT t."id" FROM "api_tokens" t WHERE t."name" = "workers"."created_by" AND t."revoked_at" IS NULL)`,
    );
    await q.query(
      `UPDATE "evaluation_jobs" SET "claim_token_id" = (SELECT w."token_id" FROM "workers" w WHERE w."id" = "evaluation_jobs"."worker_id")
        WHERE "status" = 'RUNNING'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "evaluation_jobs" DROP COLUMN "claim_token_id"`);
    for (const c of ['state_reason', 'state_changed_by', 'state_changed_at', 'state', 'token_name', 'token_id']) await q.query(`ALTER TABLE "workers" DROP COLUMN "${c}"`);
  }
}
