// createRun racing deleteExperiment on a real database (SQLite file and PostgreSQL): a run is never inserted into an
// experiment whose deletion has already committed.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/auth/roles';
import type { Database } from '../../src/database/database';
import { ExperimentsRepository } from '../../src/experiments/experiments.repository';
import { ExperimentsService } from '../../src/experiments/experiments.service';
import { createPodiumPubSub } from '../../src/graphql/pubsub';
import { RunsRepository } from '../../src/runs/runs.repository';
import { RunsService } from '../../src/runs/runs.service';
import { createTestDatabase, DIALECTS, type TestDatabase, openDatabase } from '../support/databases';

const actor = { name: 'tester', role: Role.EDITOR };
const ROUNDS = 50;

// Test-only triggers that log, in statement order, each run insert and each experiment deletion of the suite's
// database: a run logged after its experiment's deletion was inserted into an already deleted experiment.
const RACE_LOG: Record<'sqlite' | 'postgres', string[]> = {
  sqlite: [
    `CREATE TABLE race_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT NOT NULL, experiment_id TEXT NOT NULL)`,
    `CREATE TRIGGER race_log_run AFTER INSERT ON runs BEGIN INSERT INTO race_log (what, experiment_id) VALUES ('run', NEW.experiment_id); END`,
    `CREATE TRIGGER race_log_delete AFTER UPDATE ON experiments WHEN OLD.lifecycle <> 'deleted' AND NEW.lifecycle = 'deleted'
       BEGIN INSERT INTO race_log (what, experiment_id) VALUES ('delete', NEW.id); END`,
  ],
  postgres: [
    `CREATE TABLE race_log (seq bigserial PRIMARY KEY, what text NOT NULL, experiment_id uuid NOT NULL)`,
    `CREATE FUNCTION race_log_run() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO race_log (what, experiment_id) VALUES ('run', NEW.experiment_id); RETURN NULL; END $$`,
    `CREATE TRIGGER race_log_run AFTER INSERT ON runs FOR EACH ROW EXECUTE FUNCTION race_log_run()`,
    `CREATE FUNCTION race_log_delete() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO race_log (what, experiment_id) VALUES ('delete', NEW.id); RETURN NULL; END $$`,
    `CREATE TRIGGER race_log_delete AFTER UPDATE ON experiments FOR EACH ROW
       WHEN (OLD.lifecycle <> 'deleted' AND NEW.lifecycle = 'deleted') EXECUTE FUNCTION race_log_delete()`,
  ],
};

describe.each(DIALECTS)('createRun against deleteExperiment on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database;
  let experiments: ExperimentsService;
  let runs: RunsService;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
    experiments = new ExperimentsService(db, new ExperimentsRepository(db));
    runs = new RunsService(db, new RunsRepository(db), experiments, createPodiumPubSub());
    await db.write(async (tx) => {
      for (const sql of RACE_LOG[dialect]) await tx.query(sql);
    });
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');

  it(`never inserts a run after its experiment's deletion committed (${ROUNDS} rounds)`, async (ctx) => {
    if (!tdb) return ctx.skip();
    const refused: string[] = [];
    let created = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const exp = await experiments.create({ name: `race-${round}` }, actor);
      // Started in turn one before the other, so that both outcomes come up.
      const create = () => runs.createRun({ experimentId: exp.id, name: `r${round}` }, actor);
      const remove = () => experiments.softDelete(exp.id);
      const [run, deleted] = round % 2 ? await Promise.allSettled([create(), remove()]) : await Promise.allSettled([remove(), create()]).then(([d, r]) => [r, d] as const);
      expect(deleted).toMatchObject({ status: 'fulfilled', value: { lifecycle: 'deleted' } });
      const stored: { id: string; lifecycle: string }[] = await db.read.query(`SELECT id, lifecycle FROM runs WHERE experiment_id = ${p(1)}`, [exp.id]);
      if (run.status === 'rejected') {
        // The typed refusal of createRun for a deleted experiment, and nothing stored.
        expect(run.reason).toMatchObject({ code: 'FAILED_PRECONDITION', message: `experiment "race-${round}" is deleted; restore it before adding runs` });
        expect(stored).toEqual([]);
        refused.push(exp.id);
        continue;
      }
      created++;
      expect(stored).toEqual([{ id: run.value.id, lifecycle: 'active' }]);
      // It succeeded, so it must have been inserted before the deletion (which then waited for it).
      const log: { what: string }[] = await db.read.query(`SELECT what FROM race_log WHERE experiment_id = ${p(1)} ORDER BY seq`, [exp.id]);
      expect(log.map((l) => l.what)).toEqual(['run', 'delete']);
    }
    // Both outcomes are legal; the counts only say what this machine's timing gave.
    expect(created + refused.length).toBe(ROUNDS);
  });

  it('refuses the run when the deletion commits while createRun is between its check and its insert (PostgreSQL)', async (ctx) => {
    if (!tdb || dialect !== 'postgres') return ctx.skip();
    const exp = await experiments.create({ name: 'held' }, actor);
    // Another session holds the experiment row; createRun queues behind it (at its check now, at the run's foreign key
    // check before the fix), then that session deletes the experiment and commits.
    const other = db.writer.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await other.query(`SELECT id FROM experiments WHERE id = $1 FOR UPDATE`, [exp.id]);
      const create = runs.createRun({ experimentId: exp.id }, actor).then(
        (r) => ({ ok: true as const, id: r.id }),
        (e: unknown) => ({ ok: false as const, error: e }),
      );
      await waitForLockWaiter();
      await other.query(`UPDATE experiments SET lifecycle = 'deleted' WHERE id = $1`, [exp.id]);
      await other.commitTransaction();
      const outcome = await create;
      expect(outcome).toMatchObject({ ok: false, error: { code: 'FAILED_PRECONDITION', message: 'experiment "held" is deleted; restore it before adding runs' } });
      expect(await db.read.query(`SELECT id FROM runs WHERE experiment_id = $1`, [exp.id])).toEqual([]);
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
  });

  /** Until some session of this database waits on a row lock (createRun queued behind the held row). */
  async function waitForLockWaiter(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const [{ n }] = await db.read.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      if (n > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('createRun never waited on the held experiment row');
  }
});
