// The job protocol's operations, as the api exposes them to WORKER tokens. Every report (heartbeat, complete, fail,
// release) carries the job, the attempt and this worker's id: the api refuses it from anyone but the attempt's claimant.
import type { JobSettings } from '@podium/contracts';
export const REGISTER_WORKER = /* GraphQL */ `
  mutation RegisterWorker($input: RegisterWorkerInput!) {
    registerWorker(input: $input) {
      id
      name
      state
      stateReason
    }
  }
`;

export const CLAIM_JOB = /* GraphQL */ `
  mutation ClaimEvaluationJob($input: ClaimEvaluationJobInput!) {
    claimEvaluationJob(input: $input) {
      attempt
      leaseExpiresAt
      modelUrl
      modelSha256
      job {
        id
        epoch
        settings {
          imgsz
          conf
          iou
          maxDet
          classes
          batch
          executionProvider
        }
      }
      dataset {
        name
        version
        digest
        format
        classNames
        archiveUrl
        imagesDir
        labelsDir
        annotationsPath
      }
    }
  }
`;

export const HEARTBEAT = /* GraphQL */ `
  mutation HeartbeatEvaluationJob($input: HeartbeatEvaluationJobInput!) {
    heartbeatEvaluationJob(input: $input) {
      leaseExpiresAt
      cancelRequested
    }
  }
`;

export const COMPLETE = /* GraphQL */ `
  mutation CompleteEvaluationJob($input: CompleteEvaluationJobInput!) {
    completeEvaluationJob(input: $input) {
      id
      status
    }
  }
`;

export const FAIL = /* GraphQL */ `
  mutation FailEvaluationJob($input: FailEvaluationJobInput!) {
    failEvaluationJob(input: $input) {
      id
      status
    }
  }
`;

export const RELEASE = /* GraphQL */ `
  mutation ReleaseEvaluationJob($input: ReleaseEvaluationJobInput!) {
    releaseEvaluationJob(input: $input) {
      id
      status
    }
  }
`;

export const JOB_QUEUED = /* GraphQL */ `
  subscription {
    evaluationJobQueued {
      jobId
    }
  }
`;

/** How the api tells a worker that an ADMIN changed its state (`extensions.reason` of the refusal). */
export const WORKER_DRAINING = 'WORKER_DRAINING';
export const WORKER_REMOVED = 'WORKER_REMOVED';

export interface JobClaim {
  attempt: number;
  leaseExpiresAt: string;
  modelUrl: string;
  modelSha256: string;
  job: {
    id: string;
    epoch: number | null;
    settings: JobSettings;
  };
  dataset: {
    name: string;
    version: number;
    digest: string;
    format: 'YOLO' | 'COCO';
    classNames: string[];
    archiveUrl: string;
    imagesDir: string;
    labelsDir: string | null;
    annotationsPath: string | null;
  };
}
