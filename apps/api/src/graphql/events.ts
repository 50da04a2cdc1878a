// Every topic of the events bus and its payload, in one map (CONTRIBUTING.md rule 7): `publish` and `subscribe` are
// checked against it by the compiler, in memory and over Redis alike. A topic routed by an id takes [id, payload].
import type { ArtifactUploadedEvent } from '../artifacts/artifact-events';
import type { TokenRevokedEvent } from '../auth/connection-registry';
import type { EvaluationJobType } from '../evaluations/dto/evaluation-job.type';
import type { MetricLoggedEvent } from '../metrics/metric-events';
import type { ModelVersionChangedPayload } from '../registry/registry.mapper';
import type { RunUpdatedEvent } from '../runs/run-events';

export type PodiumEvents = {
  /** One committed metric batch of a run. */
  METRIC_LOGGED: [runId: string, event: MetricLoggedEvent];
  /** A run of the experiment was created, renamed, moved, deleted or restored. */
  RUN_UPDATED: [experimentId: string, event: RunUpdatedEvent];
  /** A stored artifact (no subscription reads it yet; counted on the bus). */
  ARTIFACT_UPLOADED: [event: ArtifactUploadedEvent];
  /** Stage and alias changes of one registered model's versions. */
  MODEL_VERSION_CHANGED: [modelName: string, payload: ModelVersionChangedPayload];
  /** One evaluation job's new state. */
  EVALUATION_JOB_UPDATED: [jobId: string, job: EvaluationJobType];
  /** A job became claimable: idle workers wake. */
  EVALUATION_JOB_QUEUED: [signal: { jobId: string }];
  /** An api token was revoked: every replica closes its graphql-ws connections. */
  TOKEN_REVOKED: [event: TokenRevokedEvent];
};

export type PodiumTopic = keyof PodiumEvents;
