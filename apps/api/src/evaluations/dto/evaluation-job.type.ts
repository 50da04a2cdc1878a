import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { EvaluationJobStatus, ExecutionProvider } from '../evaluation-job-status';
import { EvaluationResultType } from './evaluation-result.type';

@ObjectType('JobProgress', { description: 'How far a RUNNING job is, as its worker last reported.' })
export class JobProgressType {
  @Field(() => Int, { description: 'Images evaluated so far.' }) done: number;
  @Field(() => Int, { description: 'Images to evaluate in all.' }) total: number;
  @Field(() => Float, { description: 'Throughput at the last heartbeat.' }) imagesPerSecond: number;
  @Field(() => Float, { description: 'Estimated seconds until the end.' }) etaSeconds: number;
}

@ObjectType('EvaluationSettings', { description: 'The settings the job was queued with.' })
export class EvaluationSettingsType {
  @Field(() => Int, { description: 'Inference size in pixels (a multiple of 32).' }) imgsz: number;
  @Field(() => Float, { description: 'Confidence threshold of the detections kept.' }) conf: number;
  @Field(() => Float, { description: 'NMS IoU threshold.' }) iou: number;
  @Field(() => Int, { description: 'Detections kept per image at most.' }) maxDet: number;
  @Field(() => [Int], { nullable: true, description: 'Absent for a full (unfiltered) evaluation.' }) classes: number[] | null;
  @Field(() => Int, { nullable: true, description: 'Absent: the worker picks.' }) batch: number | null;
  @Field(() => ExecutionProvider, { description: 'As requested; the result says which ran.' }) executionProvider: ExecutionProvider;
}

@ObjectType('EvaluationDatasetRef', { description: 'The dataset version a job evaluates on.' })
export class EvaluationDatasetRefType {
  @Field({ description: 'Dataset name.' }) name: string;
  @Field(() => Int, { description: 'Dataset version.' }) version: number;
  @Field({ description: "sha256 of the dataset's files when the job was queued." }) digest: string;
}

@ObjectType('EvaluationJob', { description: 'One evaluation of a model artifact on a dataset, run by a worker.' })
export class EvaluationJobType {
  @Field(() => ID, { description: "The job's id." }) id: string;
  @Field(() => EvaluationJobStatus, { description: 'Where the job is: QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED.' }) status: EvaluationJobStatus;
  @Field(() => ID, { nullable: true, description: 'The evaluation run (kind EVALUATION) recording this job.' }) runId: string | null;
  @Field(() => ID, { nullable: true, description: 'The training run whose artifact is evaluated.' }) sourceRunId: string | null;
  @Field({ description: 'Path of the evaluated ONNX artifact under the source run.' }) artifactPath: string;
  @Field(() => String, { nullable: true, description: 'The registered model evaluated, when queued by model name.' }) modelName: string | null;
  @Field(() => Int, { nullable: true, description: 'The version of modelName evaluated.' }) modelVersion: number | null;
  @Field(() => EvaluationDatasetRefType, { description: 'The dataset version evaluated on.' }) dataset: EvaluationDatasetRefType;
  @Field(() => EvaluationSettingsType, { description: 'Inference settings (size, thresholds, provider).' }) settings: EvaluationSettingsType;
  @Field(() => Int, { nullable: true, description: 'Continuous evaluation: the checkpoint epoch (metric step).' }) epoch: number | null;
  @Field(() => Int, { description: 'Claims so far (1 on the first run).' }) attempt: number;
  @Field(() => Int, { description: 'Claims allowed before the job ends FAILED.' }) maxAttempts: number;
  @Field(() => ID, { nullable: true, description: 'The worker holding (or that last held) the job.' }) workerId: string | null;
  @Field(() => Date, { nullable: true, description: 'While RUNNING: when the lease ends unless heartbeated.' }) leaseExpiresAt: Date | null;
  @Field({ description: 'A cancel was asked while RUNNING; the worker stops and the job ends CANCELLED.' }) cancelRequested: boolean;
  @Field(() => JobProgressType, { nullable: true, description: 'Progress last reported by the worker (null before the first heartbeat).' }) progress: JobProgressType | null;
  @Field(() => EvaluationResultType, { nullable: true, description: 'The result once SUCCEEDED.' }) result: EvaluationResultType | null;
  @Field(() => String, { nullable: true, description: 'The error message once FAILED.' }) error: string | null;
  @Field(() => String, { nullable: true, description: "The worker's error code once FAILED (MODEL_INVALID, …)." }) errorCode: string | null;
  @Field(() => String, { nullable: true, description: 'Name of the identity that queued it.' }) createdBy: string | null;
  @Field({ description: 'When it was queued.' }) createdAt: Date;
  @Field({ description: 'Last change of any kind.' }) updatedAt: Date;
  @Field(() => Date, { nullable: true, description: 'When the current attempt was claimed.' }) startedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it reached SUCCEEDED, FAILED or CANCELLED.' }) finishedAt: Date | null;
}
