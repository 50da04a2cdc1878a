import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DatasetFormat } from '../../datasets/dataset-format';
import { EvaluationJobType } from './evaluation-job.type';

@ObjectType('ClaimedDataset', { description: 'Where and how a worker fetches the dataset (cache it by digest).' })
export class ClaimedDatasetType {
  @Field() name: string;
  @Field(() => Int) version: number;
  @Field() digest: string;
  @Field(() => DatasetFormat) format: DatasetFormat;
  @Field(() => [String]) classNames: string[];
  @Field({ description: 'HTTP GET path of the tar (same bearer token).' }) archiveUrl: string;
  @Field() imagesDir: string;
  @Field(() => String, { nullable: true }) labelsDir: string | null;
  @Field(() => String, { nullable: true }) annotationsPath: string | null;
}

@ObjectType('JobClaim', { description: 'A leased job: report with this attempt; heartbeat before leaseExpiresAt.' })
export class JobClaimType {
  @Field(() => EvaluationJobType) job: EvaluationJobType;
  @Field(() => Int) attempt: number;
  @Field() leaseExpiresAt: Date;
  @Field({ description: 'HTTP GET path of the ONNX model, e.g. /artifacts/<runId>/<path>.' }) modelUrl: string;
  @Field() modelSha256: string;
  @Field(() => ClaimedDatasetType) dataset: ClaimedDatasetType;
}

@ObjectType('JobLease')
export class JobLeaseType {
  @Field() leaseExpiresAt: Date;
  @Field({ description: 'The job was cancelled: stop, then failEvaluationJob with code CANCELLED.' }) cancelRequested: boolean;
}

@ObjectType('JobQueuedSignal', { description: 'Wakes idle workers; they claim (and poll as a fallback).' })
export class JobQueuedSignalType {
  @Field(() => ID) jobId: string;
}
