import { Field, ID, Int, ObjectType } from 'type-graphql';
import { RunKind, RunStatus } from '../run-kind';

@ObjectType('Run', { description: 'One training or evaluation run. `params`, `tags`, `metrics`, `experiment` and `artifacts` are resolved in batches.' })
export class RunType {
  @Field(() => ID, { description: "The run's full id (a UUID)." })
  id: string;

  @Field({ description: 'The first 8 hex characters of the id; `run(id:)` accepts any unique prefix.' })
  shortId: string;

  @Field(() => ID, { description: 'The experiment the run belongs to.' })
  experimentId: string;

  @Field({ description: 'Display name (run-<shortId> unless given).' })
  name: string;

  @Field(() => RunKind, { description: 'TRAINING or EVALUATION.' })
  kind: RunKind;

  @Field(() => RunStatus, { description: 'QUEUED, RUNNING, FINISHED, FAILED or KILLED.' })
  status: RunStatus;

  @Field({ description: 'When the run was created.' })
  startTime: Date;

  @Field(() => Date, { nullable: true, description: 'Set when the run reaches FINISHED, FAILED or KILLED.' })
  endTime: Date | null;

  @Field(() => ID, { nullable: true, description: 'The parent run (a grid or sweep), when any.' })
  parentRunId: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the identity that created it.' })
  createdBy: string | null;

  @Field({ description: 'true after deleteRun, until restoreRun.' })
  deleted: boolean;

  @Field(() => String, { nullable: true, description: 'Continuous evaluation: dataset every epoch checkpoint is evaluated on.' })
  evaluationDataset: string | null;

  @Field(() => Int, { description: 'Sequence of the last metric point logged (0 = none): subscribe with afterSequence to get only newer points.' })
  lastSequence: number;

  @Field(() => Int, { description: 'Distinct metric keys the run has: `metrics` returns them in pages of `first` (after a key).' })
  metricKeyCount: number;
}
