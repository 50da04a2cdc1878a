// Plain snapshots the api loads (inside its transaction) and hands to the pure rules; no entity or ORM types here.
import type { ModelStage } from './stages';

export type RunKind = 'TRAINING' | 'EVALUATION';
export type RunStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

/**
 * A run's per-key metric summary, as the api maintains it (docs/data-model.md, metric_summaries): `last` is the value
 * at the highest step (NaN allowed), `min`/`max` ignore NaN and are null when every point is NaN.
 */
export interface MetricSummary {
  readonly last: number;
  readonly lastStep: number;
  readonly min: number | null;
  readonly minStep: number | null;
  readonly max: number | null;
  readonly maxStep: number | null;
}

export interface RunSnapshot {
  readonly id: string;
  readonly name: string;
  readonly kind?: RunKind;
  readonly status?: RunStatus;
  /** Params are strings, as logged (MLflow semantics). */
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, MetricSummary>>;
  /** Used to pick the most recent evaluation; any monotonic time works. */
  readonly endTime?: Date | null;
  readonly startTime?: Date | null;
}

export interface ModelVersionSnapshot {
  readonly version: number;
  readonly stage: ModelStage;
  readonly aliases: readonly string[];
  /** When the version entered its current stage (creation time for NONE). */
  readonly stageEnteredAt: Date;
  readonly sourceRunId?: string | null;
  /** The source run's metric summaries, copied into the transition's metrics snapshot. */
  readonly sourceRunMetrics?: Readonly<Record<string, MetricSummary>>;
}

export interface RegisteredModelSnapshot {
  readonly name: string;
  readonly versions: readonly ModelVersionSnapshot[];
}

/** The short id shown to people: the first 8 hex characters of the uuid. */
export const shortRunId = (id: string): string => id.replace(/-/g, '').slice(0, 8);
