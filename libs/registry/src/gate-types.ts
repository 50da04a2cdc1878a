// The shape of a gate outcome: what was required, what was observed, and the evidence (or why evidence was refused).
import type { SettingKey } from './policy';
import type { ModelStage } from './stages';

export type GateName = 'EVALUATION' | 'MIN_TIME_IN_STAGING';

export type PromotionTarget = { readonly kind: 'STAGE'; readonly stage: ModelStage } | { readonly kind: 'ALIAS'; readonly alias: string };

/** One evaluation run used as evidence; `value` is the metric's LAST value (an evaluation run logs one point). */
export interface GateEvidence {
  readonly evaluationRunId: string;
  readonly evaluationRunName: string;
  readonly modelVersion: number;
  readonly dataset: string;
  readonly datasetDigest: string | null;
  readonly settings: Readonly<Record<SettingKey, string | null>>;
  readonly metric: string;
  readonly aggregation: 'LAST';
  readonly value: number;
  readonly step: number | null;
}

/** An evaluation run that was looked at and not accepted, with every reason. */
export interface RejectedEvidence {
  readonly evaluationRunId: string;
  readonly evaluationRunName: string;
  readonly reasons: readonly string[];
}

export interface GateRequirement {
  /** PRODUCTION_HOLDER: ≥ the holder's comparable evaluation; FLOOR: ≥ the policy floor; EXISTENCE: any usable
   *  evaluation; MIN_SECONDS: time in STAGING ≥ threshold seconds. */
  readonly source: 'PRODUCTION_HOLDER' | 'FLOOR' | 'EXISTENCE' | 'MIN_SECONDS';
  readonly comparator: '>=';
  readonly threshold: number | null;
  readonly metric: string | null;
  readonly holderVersion: number | null;
  readonly holderEvidence: GateEvidence | null;
}

export interface GateResult {
  readonly name: GateName;
  readonly passed: boolean;
  readonly required: GateRequirement;
  /** The metric value, or the seconds spent in STAGING; null when there was nothing to observe. */
  readonly observed: number | null;
  readonly evidence: GateEvidence | null;
  readonly rejected: readonly RejectedEvidence[];
  readonly message: string;
}

export interface GateReport {
  readonly target: PromotionTarget;
  readonly passed: boolean;
  readonly gates: readonly GateResult[];
}
