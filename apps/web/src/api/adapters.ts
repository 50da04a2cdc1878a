// The one place where the page reads the api's JSON: the fields the schema still leaves as JSONObject (an evaluation's
// raw worker result with its curves, a transition's metrics snapshot, a model's policy) and a refused promotion's
// extensions.unmetGates. Each reader checks what it takes and drops what does not fit, so a malformed document renders
// as "missing", never as a crash. What the schema types (GateReport, GridAnalysis, PerClassResult, report sections)
// the page reads as generated (src/graphql/generated.ts), with no reader.

import type { TransitionFieldsFragment } from '../graphql/generated';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && !Number.isNaN(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const numArray = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
/** A params map from the api's `[ParamSetting]` lists ({key, value}) or from a plain JSON object. */
const stringMap = (v: unknown): Record<string, string | null> => {
  const out: Record<string, string | null> = {};
  const put = (k: string, x: unknown) => (out[k] = typeof x === 'string' ? x : x === null || x === undefined ? null : String(x));
  if (Array.isArray(v)) {
    for (const e of v.filter(isObject)) if (typeof e.key === 'string') put(e.key, e.value);
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) put(k, x);
  }
  return out;
};

// ---------------------------------------------------------------- gates (a refused promotion's extensions.unmetGates)

/** A transition's gates as the schema types them (GateReport); a refusal's unmetGates are read into the same shape. */
export type GateReport = NonNullable<TransitionFieldsFragment['gates']>;
export type GateResult = GateReport['gates'][number];
export type GateEvidence = NonNullable<GateResult['evidence']>;

function readEvidence(v: unknown): GateEvidence | null {
  if (!isObject(v) || typeof v.evaluationRunId !== 'string') return null;
  return {
    evaluationRunId: v.evaluationRunId,
    evaluationRunName: str(v.evaluationRunName) ?? v.evaluationRunId,
    modelVersion: num(v.modelVersion),
    dataset: str(v.dataset),
    settings: Object.entries(stringMap(v.settings)).map(([key, value]) => ({ key, value })),
    metric: str(v.metric),
    value: num(v.value),
  };
}

function readGateResult(v: unknown): GateResult | null {
  if (!isObject(v) || typeof v.name !== 'string') return null;
  const r = isObject(v.required) ? v.required : {};
  return {
    name: v.name,
    passed: v.passed === true,
    required: { source: str(r.source) ?? 'UNKNOWN', comparator: str(r.comparator) ?? '>=', threshold: num(r.threshold), metric: str(r.metric), holderVersion: num(r.holderVersion) },
    observed: num(v.observed),
    evidence: readEvidence(v.evidence),
    rejected: objects(v.rejected).map((x) => ({
      evaluationRunId: str(x.evaluationRunId) ?? '?',
      evaluationRunName: str(x.evaluationRunName) ?? str(x.evaluationRunId) ?? '?',
      reasons: Array.isArray(x.reasons) ? x.reasons.filter((s): s is string => typeof s === 'string') : [],
    })),
    message: str(v.message) ?? '',
  };
}

/** A refused promotion's `extensions.unmetGates` (error extensions are JSON, not typed by the schema). */
export function readUnmetGates(extensions: Record<string, unknown> | null | undefined): GateResult[] {
  const list = extensions?.unmetGates;
  return Array.isArray(list) ? list.map(readGateResult).filter((g): g is GateResult => g !== null) : [];
}

// ---------------------------------------------------------------- evaluation results

export interface Curve {
  /** Recall for the PR curve, confidence for the P/R/F1 curves. */
  x: number[];
  mean: number[];
  perClass: number[][];
}

export interface ConfusionMatrix {
  classIds: number[];
  /** matrix[predicted][true]; the last row and column are background. */
  matrix: number[][];
  conf: number | null;
  iou: number | null;
}

export interface EvaluationCurves {
  prCurve: Curve | null;
  f1Curve: Curve | null;
  pCurve: Curve | null;
  rCurve: Curve | null;
  confusionMatrix: ConfusionMatrix | null;
  operatingPointAtConf: { conf: number; precision: number; recall: number; f1: number } | null;
  cocoStats: Record<string, number>;
}

function readCurve(v: unknown): Curve | null {
  if (!isObject(v)) return null;
  const x = numArray(v.x);
  const mean = numArray(v.mean);
  if (!x || !mean || x.length !== mean.length) return null;
  const perClass = Array.isArray(v.perClass) ? v.perClass.map(numArray).filter((r): r is number[] => r !== null && r.length === x.length) : [];
  return { x, mean, perClass };
}

function readMatrix(v: unknown): ConfusionMatrix | null {
  if (!isObject(v)) return null;
  const classIds = numArray(v.classIds);
  if (!classIds || !Array.isArray(v.matrix)) return null;
  const n = classIds.length + 1;
  const rows = v.matrix.map(numArray);
  if (rows.length !== n || rows.some((r) => !r || r.length !== n)) return null;
  return { classIds, matrix: rows as number[][], conf: num(v.conf), iou: num(v.iou) };
}

/** The curves and extras of `EvaluationResult.raw` (the worker's full report). */
export function readEvaluationRaw(raw: unknown): EvaluationCurves {
  const r = isObject(raw) ? raw : {};
  const op = isObject(r.operatingPointAtConf) ? r.operatingPointAtConf : null;
  const stats: Record<string, number> = {};
  if (isObject(r.coco) && isObject(r.coco.stats)) for (const [k, v] of Object.entries(r.coco.stats)) if (typeof v === 'number') stats[k] = v;
  return {
    prCurve: readCurve(r.prCurve),
    f1Curve: readCurve(r.f1Curve),
    pCurve: readCurve(r.pCurve),
    rCurve: readCurve(r.rCurve),
    confusionMatrix: readMatrix(r.confusionMatrix),
    operatingPointAtConf: op && num(op.conf) !== null ? { conf: num(op.conf)!, precision: num(op.precision) ?? NaN, recall: num(op.recall) ?? NaN, f1: num(op.f1) ?? NaN } : null,
    cocoStats: stats,
  };
}

// ---------------------------------------------------------------- registry documents

/** A transition's metrics snapshot: the source run's summaries and the evaluation used as evidence. */
export function readMetricsSnapshot(v: unknown): { sourceRunId: string | null; sourceRun: Record<string, number | null>; evaluation: { runId: string | null; value: number | null } | null } {
  const o = isObject(v) ? v : {};
  const source: Record<string, number | null> = {};
  if (isObject(o.sourceRun)) for (const [k, s] of Object.entries(o.sourceRun)) source[k] = isObject(s) ? (num(s.last) ?? num(s.lastValue) ?? num(s.value)) : num(s);
  const e = isObject(o.evaluation) ? o.evaluation : null;
  return { sourceRunId: str(o.sourceRunId), sourceRun: source, evaluation: e ? { runId: str(e.evaluationRunId) ?? str(e.runId), value: num(e.value) } : null };
}

/** The promotion policy as a list of "target: requirement" lines, for display. */
export function describePolicy(v: unknown): string[] {
  if (!isObject(v)) return [];
  const lines: string[] = [];
  for (const [target, p] of Object.entries(v)) {
    if (!isObject(p)) continue;
    const e = isObject(p.requireEvaluation) ? p.requireEvaluation : null;
    if (e) {
      const floor = num(e.floor);
      const parts = [`${str(e.metric) ?? 'metric'} on ${str(e.dataset) ?? 'a dataset'}`];
      if (floor !== null) parts.push(`≥ ${floor}`);
      if (e.compareWithProduction === true) parts.push('≥ the PRODUCTION holder');
      if (Array.isArray(e.settingsMustMatch) && e.settingsMustMatch.length) parts.push(`same ${e.settingsMustMatch.join(', ')}`);
      lines.push(`${target}: evaluation ${parts.join(', ')}`);
    }
    const min = num(p.minTimeInStagingSeconds);
    if (min !== null) lines.push(`${target}: ≥ ${min} s in STAGING`);
  }
  return lines;
}
