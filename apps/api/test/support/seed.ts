// Rows a medium suite needs before the code under test runs, written straight through the entities.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/database/database';
import { ExperimentEntity } from '../../src/experiments/experiment.entity';
import { RunKind, RunStatus } from '../../src/runs/run-kind';
import { RunEntity } from '../../src/runs/run.entity';

/** A live experiment holding one RUNNING training run; returns their ids. */
export async function seedTrainingRun(db: Database, experimentName: string): Promise<{ experimentId: string; runId: string }> {
  const experimentId = randomUUID();
  const runId = randomUUID();
  await db.write(async (tx) => {
    await tx.insert(ExperimentEntity, { id: experimentId, name: experimentName, description: null, tags: [], lifecycle: 'active', createdBy: 'tester' });
    await tx.insert(RunEntity, {
      id: runId,
      experimentId,
      name: 'r',
      kind: RunKind.TRAINING,
      status: RunStatus.RUNNING,
      startTime: Date.now(),
      endTime: null,
      parentRunId: null,
      createdBy: 'tester',
      lifecycle: 'active',
      nextSequence: 0,
      evaluationDataset: null,
    });
  });
  return { experimentId, runId };
}
