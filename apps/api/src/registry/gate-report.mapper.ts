// A stored gate report (a transition's `gates` JSON, written from @podium/registry's GateReport) → GraphQL types.
// Read defensively: a field of an unexpected type becomes null (or is left out), never a failed query.
import type { GateEvidenceType, GateReportType, GateResultType } from './dto/gate-report.type';
import type { ModelStage, TransitionKind } from './dto/model-stage';
import type { ParamSettingType } from './dto/run-analysis.type';

type Json = Record<string, unknown>;
const STAGES = ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED'];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v: unknown): number | null => (Number.isInteger(v) ? (v as number) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

function settings(v: unknown): ParamSettingType[] {
  if (!isObject(v)) return [];
  return Object.keys(v)
    .sort()
    .map((key) => ({ key, value: v[key] === null || v[key] === undefined ? null : String(v[key]) }));
}

function evidence(v: unknown): GateEvidenceType | null {
  if (!isObject(v) || typeof v.evaluationRunId !== 'string') return null;
  return {
    evaluationRunId: v.evaluationRunId,
    evaluationRunName: str(v.evaluationRunName) ?? v.evaluationRunId,
    modelVersion: int(v.modelVersion),
    dataset: str(v.dataset),
    datasetDigest: str(v.datasetDigest),
    settings: settings(v.settings),
    metric: str(v.metric),
    value: num(v.value),
    step: int(v.step),
  };
}

export function toGateResultType(v: Json): GateResultType {
  const r = isObject(v.required) ? v.required : {};
  return {
    name: str(v.name) ?? 'UNKNOWN',
    passed: v.passed === true,
    required: {
      source: str(r.source) ?? 'UNKNOWN',
      comparator: str(r.comparator) ?? '>=',
      threshold: num(r.threshold),
      metric: str(r.metric),
      holderVersion: int(r.holderVersion),
      holderEvidence: evidence(r.holderEvidence),
    },
    observed: num(v.observed),
    evidence: evidence(v.evidence),
    rejected: objects(v.rejected).map((x) => ({
      evaluationRunId: str(x.evaluationRunId) ?? '',
      evaluationRunName: str(x.evaluationRunName) ?? str(x.evaluationRunId) ?? '',
      reasons: Array.isArray(x.reasons) ? x.reasons.filter((s): s is string => typeof s === 'string') : [],
    })),
    message: str(v.message) ?? '',
  };
}

export function toGateReportType(v: unknown): GateReportType | null {
  if (!isObject(v)) return null;
  const t = isObject(v.target) ? v.target : {};
  return {
    target: { kind: (t.kind === 'ALIAS' ? 'ALIAS' : 'STAGE') as TransitionKind, stage: STAGES.includes(t.stage as string) ? (t.stage as ModelStage) : null, alias: str(t.alias) },
    passed: v.passed === true,
    gates: objects(v.gates).map(toGateResultType),
  };
}
