import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { EvaluationJobStatus, ExecutionProvider } from '../evaluation-job-status';
import { EvaluationResultType } from './evaluation-result.type';

@ObjectType('JobProgress')
export class JobProgressType {
  @Field(() => Int) done: number;
  @Field(() => Int) total: number;
  @Field(() => Float) imagesPerSecond: number;
  @Field(() => Float) etaSeconds: number;
}

@ObjectType('EvaluationSettings')
export class EvaluationSettingsType {
  @Field(() => Int) imgsz: number;
  @Field(() => Float) conf: number;
  @Field(() => Float) iou: number;
  @Field(() => Int) maxDet: number;
  @Field(() => [Int], { nullable: true, description: 'Absent for a full (unfiltered) evaluation.' }) classes: number[] | null;
  @Field(() => Int, { nullable: true, description: 'Absent: the worker picks.' }) batch: number | null;
  @Field(() => ExecutionProvider, { description: 'As requested; the result says which ran.' }) executionProvider: ExecutionProvider;
}

@ObjectType('EvaluationDatasetRef')
export class EvaluationDatasetRefType {
  @Field() name: string;
  @Field(() => Int) version: number;
  @Field() digest: string;
}

@ObjectType('EvaluationJob', { description: 'One evaluation of a model artifact on a dataset, run by a worker.' })
export class EvaluationJobType {
  @Field(() => ID) id: string;
  @Field(() => EvaluationJobStatus) status: EvaluationJobStatus;
  @Field(() => ID, { nullable: true, description: 'The evaluation run (kind EVALUATION) recording this job.' }) runId: string | null;
  @Field(() => ID, { nullable: true, description: 'The training run whose artifact is evaluated.' }) sourceRunId: string | null;
  @Field() artifactPath: string;
  @Field(() => String, { nullable: true }) modelName: string | null;
  @Field(() => Int, { nullable: true }) modelVersion: number | null;
  @Field(() => EvaluationDatasetRefType) dataset: EvaluationDatasetRefType;
  @Field(() => EvaluationSettingsType) settings: EvaluationSettingsType;
  @Field(() => Int, { nullable: true, description: 'Continuous evaluation: the checkpoint epoch (metric step).' }) epoch: number | null;
  @Field(() => Int, { description: 'Claims so far (1 on the first run).' }) attempt: number;
  @Field(() => Int) maxAttempts: number;
  @Field(() => ID, { nullable: true }) workerId: string | null;
  @Field(() => Date, { nullable: true }) leaseExpiresAt: Date | null;
  @Field() cancelRequested: boolean;
  @Field(() => JobProgressType, { nullable: true }) progress: JobProgressType | null;
  @Field(() => EvaluationResultType, { nullable: true }) result: EvaluationResultType | null;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field(() => String, { nullable: true }) errorCode: string | null;
  @Field(() => String, { nullable: true }) createdBy: string | null;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
}
