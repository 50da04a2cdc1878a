// Covering indexes for searchRuns on SQLite (bench/search-runs.ts): SQLite secondary indexes point at the rowid, so
// without these every probe reads the table row too. run_params/run_tags get (key, value) so a param or tag term
// seeks instead of scanning. PostgreSQL needs none of them (hash joins; and a btree on an unbounded text value
// would refuse long values).
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SearchIndexes1795690100000 implements MigrationInterface {
  name = 'SearchIndexes1795690100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_runs_search_cover" ON "runs" ("id", "experiment_id", "lifecycle")`);
    await q.query(`CREATE INDEX "idx_metric_summaries_key_last_run" ON "metric_summaries" ("key", "last_value", "run_id")`);
    await q.query(`CREATE INDEX "idx_run_params_key_value" ON "run_params" ("key", "value", "run_id")`);
    await q.query(`CREATE INDEX "idx_run_tags_key_value" ON "run_tags" ("key", "value", "run_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of ['idx_run_tags_key_value', 'idx_run_params_key_value', 'idx_metric_summaries_key_last_run', 'idx_runs_search_cover']) await q.query(`DROP INDEX "${i}"`);
  }
}
