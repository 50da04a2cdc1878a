// Entity rows → GraphQL types (drops internals, turns epoch ms into dates, non-finite metric values into null).
import type { ModelStage as LibModelStage, MetricSummary, ModelVersionChangedEvent, ModelVersionSnapshot, PromotionDecision, RunSnapshot } from '@podium/registry';
import type { RunEntity } from '../runs/run.entity';
import type { ModelStage } from './dto/model-stage';
import type { TransitionKind } from './dto/model-stage';
import type { ModelVersionChangeType, ModelVersionTransitionType, PromotionDecisionType } from './dto/model-version-transition.type';
import type { ModelVersionMetricType, ModelVersionType } from './dto/model-version.type';
import type { RegisteredModelType } from './dto/registered-model.type';
import { toGateReportType } from './gate-report.mapper';
import type { ModelAliasEntity } from './model-alias.entity';
import type { ModelVersionEntity } from './model-version.entity';
import type { RegisteredModelEntity } from './registered-model.entity';
import type { StageTransitionEntity } from './stage-transition.entity';

export function toRegisteredModelType(e: RegisteredModelEntity): RegisteredModelType {
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    tags: e.tags ?? [],
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    policy: (e.policy as Record<string, unknown> | null) ?? null,
  };
}

export function toModelVersionType(e: ModelVersionEntity, modelName: string): ModelVersionType {
  return {
    id: e.id,
    modelId: e.modelId,
    modelName,
    version: e.version,
    stage: e.stage as ModelStage,
    stageEnteredAt: new Date(e.stageEnteredAt),
    sourceRunId: e.sourceRunId,
    artifactPath: e.artifactPath,
    artifactSha256: e.artifactSha256,
    description: e.description,
    tags: e.tags ?? [],
    createdBy: e.createdBy,
    createdAt: e.createdAt,
  };
}

/** A version as the registry rules read it; `sourceRunMetrics` where the plan copies them into its metrics snapshot. */
export function toVersionSnapshot(v: ModelVersionEntity, aliases: readonly ModelAliasEntity[], sourceRunMetrics?: Readonly<Record<string, MetricSummary>>): ModelVersionSnapshot {
  return {
    version: v.version,
    stage: v.stage as LibModelStage,
    aliases: aliases.filter((a) => a.versionId === v.id).map((a) => a.alias),
    stageEnteredAt: new Date(v.stageEnteredAt),
    sourceRunId: v.sourceRunId,
    sourceRunMetrics,
  };
}

/** A run as the registry rules read it, with its params and metric summaries by key. */
export function toRunSnapshot(r: RunEntity, params: Readonly<Record<string, string>>, metrics: Readonly<Record<string, MetricSummary>>): RunSnapshot {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as RunSnapshot['kind'],
    status: r.status as RunSnapshot['status'],
    params,
    metrics,
    startTime: new Date(r.startTime),
    endTime: r.endTime === null ? null : new Date(r.endTime),
  };
}

const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

export function toModelVersionMetrics(metrics: Readonly<Record<string, MetricSummary>>): ModelVersionMetricType[] {
  return Object.entries(metrics)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, s]) => ({ key, last: finite(s.last), lastStep: s.lastStep, min: finite(s.min), minStep: s.minStep, max: finite(s.max), maxStep: s.maxStep }));
}

function toDecisionType(d: PromotionDecision | null): PromotionDecisionType | null {
  if (!d) return null;
  return {
    justification: d.justification,
    alternatives: d.alternatives ?? null,
    risks: d.risks ?? null,
    nextSteps: d.nextSteps ?? null,
    report: d.report ? { locale: d.report.locale, markdown: d.report.markdown } : null,
  };
}

export function toTransitionType(e: StageTransitionEntity, modelName: string): ModelVersionTransitionType {
  return {
    seq: e.seq,
    modelName,
    version: e.version,
    kind: e.kind as TransitionKind,
    fromStage: e.fromStage as ModelStage,
    toStage: e.toStage as ModelStage,
    alias: e.alias,
    aliasPreviousVersion: e.aliasPreviousVersion,
    actor: e.actor,
    at: new Date(e.at),
    automatic: e.automatic,
    reason: e.reason,
    decision: toDecisionType(e.decision as PromotionDecision | null),
    gates: toGateReportType(e.gates),
    metricsSnapshot: (e.metricsSnapshot as Record<string, unknown>) ?? {},
  };
}

/** The event as published: plain JSON (it may cross Redis), dates as ISO strings. */
export interface ModelVersionChangedPayload {
  modelName: string;
  version: number;
  fromStage: string;
  toStage: string;
  aliasesAdded: string[];
  aliasesRemoved: string[];
  actor: string;
  at: string;
}

export function toChangedPayload(e: ModelVersionChangedEvent): ModelVersionChangedPayload {
  return {
    modelName: e.modelName,
    version: e.version,
    fromStage: e.fromStage,
    toStage: e.toStage,
    aliasesAdded: [...e.aliasesAdded],
    aliasesRemoved: [...e.aliasesRemoved],
    actor: e.actor,
    at: e.at.toISOString(),
  };
}

export function toChangeType(p: ModelVersionChangedPayload): ModelVersionChangeType {
  return { ...p, fromStage: p.fromStage as ModelStage, toStage: p.toStage as ModelStage, at: new Date(p.at) };
}
