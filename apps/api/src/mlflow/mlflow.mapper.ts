// Podium's experiments, runs, metrics and artifacts as MLflow's JSON entities (protos/service.proto): ids as strings,
// times and steps as JSON numbers, NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity" (proto3 JSON).
import type { ExperimentEntity, KeyValue } from '../experiments/experiment.entity';
import { RunStatus } from '../runs/run-kind';
import type { RunEntity } from '../runs/run.entity';
import type { MlflowRunInputEntity } from './mlflow-run-input.entity';

export const RUN_NAME_TAG = 'mlflow.runName';
export const USER_TAG = 'mlflow.user';
/** MLflow keeps an experiment's description in this tag. */
export const NOTE_TAG = 'mlflow.note.content';

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  last_update_time: number;
  creation_time: number;
  tags: KeyValue[];
}

export interface MlflowRunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: MlflowRunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: 'active' | 'deleted';
}

export interface MlflowMetric {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}

export interface MlflowRun {
  info: MlflowRunInfo;
  data: { metrics: MlflowMetric[]; params: KeyValue[]; tags: KeyValue[] };
  inputs: { dataset_inputs: { tags: KeyValue[]; dataset: Record<string, string> }[] };
}

export function toMlflowExperiment(e: ExperimentEntity): MlflowExperiment {
  const tags = e.tags.filter((t) => t.key !== NOTE_TAG);
  if (e.description != null) tags.push({ key: NOTE_TAG, value: e.description });
  return {
    experiment_id: e.id,
    name: e.name,
    artifact_location: `mlflow-artifacts:/${e.id}`,
    lifecycle_stage: e.lifecycle,
    last_update_time: e.updatedAt.getTime(),
    creation_time: e.createdAt.getTime(),
    tags,
  };
}

/** Where an MLflow client sends a run's files: resolved against the tracking URI to the artifact proxy. */
export const artifactUriOf = (run: Pick<RunEntity, 'id' | 'experimentId'>): string => `mlflow-artifacts:/${run.experimentId}/${run.id}/artifacts`;

export const mlflowStatusOf = (s: RunStatus): MlflowRunStatus => (s === RunStatus.QUEUED ? 'SCHEDULED' : s);

export const podiumStatusOf = (s: MlflowRunStatus): RunStatus => (s === 'SCHEDULED' ? RunStatus.QUEUED : (s as RunStatus));

/** The run's MLflow user: the `mlflow.user` tag its client sent, else the identity that created it. */
export const userOf = (run: RunEntity, tags: readonly KeyValue[]): string => tags.find((t) => t.key === USER_TAG)?.value ?? run.createdBy ?? '';

export function toRunInfo(run: RunEntity, tags: readonly KeyValue[]): MlflowRunInfo {
  const info: MlflowRunInfo = {
    run_id: run.id,
    run_uuid: run.id,
    run_name: run.name,
    experiment_id: run.experimentId,
    user_id: userOf(run, tags),
    status: mlflowStatusOf(run.status),
    start_time: run.startTime,
    artifact_uri: artifactUriOf(run),
    lifecycle_stage: run.lifecycle,
  };
  if (run.endTime !== null) info.end_time = run.endTime;
  return info;
}

/** A metric value on MLflow's wire. */
export function metricValueOut(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  return v;
}

export const toMlflowMetric = (key: string, value: number, timestamp: number, step: number): MlflowMetric => ({ key, value: metricValueOut(value), timestamp, step });

/** The run's tags as MLflow shows them: the stored ones and `mlflow.runName` (the run's name), by key. */
export function runTagsOut(run: RunEntity, tags: readonly KeyValue[]): KeyValue[] {
  return [...tags.filter((t) => t.key !== RUN_NAME_TAG), { key: RUN_NAME_TAG, value: run.name }].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A whole run: info, its data (metrics already named as the client logged them) and its dataset inputs. */
export function toMlflowRun(run: RunEntity, d: { tags: readonly KeyValue[]; params: KeyValue[]; metrics: MlflowMetric[]; inputs: readonly MlflowRunInputEntity[] }): MlflowRun {
  return {
    info: toRunInfo(run, d.tags),
    data: { metrics: d.metrics, params: d.params, tags: runTagsOut(run, d.tags) },
    inputs: { dataset_inputs: d.inputs.map(toDatasetInput) },
  };
}

export function toDatasetInput(i: MlflowRunInputEntity): MlflowRun['inputs']['dataset_inputs'][number] {
  const dataset: Record<string, string> = { name: i.name, digest: i.digest, source_type: i.sourceType, source: i.source };
  if (i.schema !== null) dataset.schema = i.schema;
  if (i.profile !== null) dataset.profile = i.profile;
  return { tags: i.tags, dataset };
}
