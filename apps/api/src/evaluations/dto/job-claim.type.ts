import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DatasetFormat } from '../../datasets/dataset-format';
import { EvaluationJobType } from './evaluation-job.type';

@ObjectType('ClaimedDataset', { description: 'Where and how a worker fetches the dataset (cache it by digest).' })
export class ClaimedDatasetType {
  @Field({ description: 'Dataset name.' }) name: string;
  @Field(() => Int, { description: 'Dataset version.' }) version: number;
  @Field({ description: "sha256 of the dataset's files: the key to cache the download under." }) digest: string;
  @Field(() => DatasetFormat, { description: 'YOLO or COCO: how to read the labels.' }) format: DatasetFormat;
  @Field(() => [String], { description: 'Class names in index order.' }) classNames: string[];
  @Field({ description: 'HTTP GET path of the tar (same bearer token).' }) archiveUrl: string;
  @Field({ description: 'Relative path of the images folder inside the archive.' }) imagesDir: string;
  @Field(() => String, { nullable: true, description: 'YOLO: relative path of the label files inside the archive.' }) labelsDir: string | null;
  @Field(() => String, { nullable: true, description: 'COCO: relative path of the instances json inside the archive.' }) annotationsPath: string | null;
}

@ObjectType('JobClaim', { description: 'A leased job: report with this attempt; heartbeat before leaseExpiresAt.' })
export class JobClaimType {
  @Field(() => EvaluationJobType, { description: 'The job as it is now (RUNNING, leased to this worker).' }) job: EvaluationJobType;
  @Field(() => Int, { description: 'The attempt this claim holds: every report (heartbeat, complete, fail, release) must carry it.' }) attempt: number;
  @Field({ description: 'The lease ends here unless heartbeatEvaluationJob extends it.' }) leaseExpiresAt: Date;
  @Field({ description: 'HTTP GET path of the ONNX model, e.g. /artifacts/<runId>/<path>.' }) modelUrl: string;
  @Field({ description: 'sha256 of the ONNX file: check it after the download.' }) modelSha256: string;
  @Field(() => ClaimedDatasetType, { description: 'The dataset to evaluate on and where to fetch it.' }) dataset: ClaimedDatasetType;
}

@ObjectType('JobLease', { description: 'Worker protocol: the lease after a heartbeat.' })
export class JobLeaseType {
  @Field({ description: 'The new end of the lease.' }) leaseExpiresAt: Date;
  @Field({ description: 'The job was cancelled: stop, then failEvaluationJob with code CANCELLED.' }) cancelRequested: boolean;
}

@ObjectType('JobQueuedSignal', { description: 'Wakes idle workers; they claim (and poll as a fallback).' })
export class JobQueuedSignalType {
  @Field(() => ID, { description: 'The job that became claimable.' }) jobId: string;
}
