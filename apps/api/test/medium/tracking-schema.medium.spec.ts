import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database/database';
import { ExperimentEntity } from '../../src/experiments/experiment.entity';
import { MetricPointEntity } from '../../src/metrics/metric-point.entity';
import { RunKind, RunStatus } from '../../src/runs/run-kind';
import { RunEntity } from '../../src/runs/run.entity';
import { createTestDatabase, DIALECTS, type TestDatabase, openDatabase } from '../support/databases';

describe.each(DIALECTS)('tracking tables on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    db = await openDatabase(tdb.config);
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('round-trips an experiment, a run (epoch-ms times as numbers) and a NaN point through the migrated schema', async (ctx) => {
    if (!db) return ctx.skip();
    const expId = randomUUID();
    const runId = randomUUID();
    const start = 1_795_683_300_123;
    await db.write(async (tx) => {
      await tx.insert(ExperimentEntity, { id: expId, name: 'yolo', description: null, tags: [{ key: 'k', value: 'v' }], lifecycle: 'active', createdBy: 'local' });
      await tx.insert(RunEntity, {
        id: runId,
        experimentId: expId,
        name: 'r',
        kind: RunKind.TRAINING,
        status: RunStatus.RUNNING,
        startTime: start,
        endTime: null,
        parentRunId: null,
        createdBy: 'local',
        lifecycle: 'active',
        nextSequence: 0,
        evaluationDataset: null,
      });
      await tx.insert(MetricPointEntity, { runId, sequence: 1, key: 'map50', value: null, isNan: true, step: 0, timestamp: start });
    });
    const run = await db.read.findOneByOrFail(RunEntity, { id: runId });
    expect(run.startTime).toBe(start);
    const exp = await db.read.findOneByOrFail(ExperimentEntity, { id: expId });
    expect(exp.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect(exp.createdAt).toBeInstanceOf(Date);
    const p = await db.read.findOneByOrFail(MetricPointEntity, { runId, sequence: 1 });
    expect(p).toMatchObject({ value: null, isNan: true, timestamp: start });
  });
});
