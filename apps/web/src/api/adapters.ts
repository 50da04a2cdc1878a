// The one place where the page reads the api's JSONObject fields (gate reports, grid analysis sections, per-class
// results, an evaluation's raw result with its curves, metrics snapshots, policies) and gives them types. Each reader
// checks what it takes and drops what does not fit, so a malformed document renders as "missing", never as a crash.
// When the schema types these fields, the readers become pass-throughs of the generated types. Over 300 lines: one
// small reader per document kind, kept together so that the page's trust boundary is one file.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && !Number.isNaN(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strOrNull = (v: unknown): string | null => (v === null ? null : str(v));
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

// ---------------------------------------------------------------- gates (ModelVersionTransition.gates, unmetGates)

export interface GateEvidence {
  evaluationRunId: string;
  evaluationRunName: string;
  modelVersion: number | null;
  dataset: string | null;
  datasetDigest: string | null;
  settings: Record<string, string | null>;
  metric: string | null;
  value: number | null;
  step: number | null;
}

export interface GateResult {
  name: string;
  passed: boolean;
  required: {
    source: string;
    comparator: string;
    threshold: number | null;
    metric: string | null;
    holderVersion: number | null;
    holderEvidence: GateEvidence | null;
  };
  observed: number | null;
  evidence: GateEvidence | null;
  rejected: { evaluationRunId: string; evaluationRunName: string; reasons: string[] }[];
  message: string;
}

export interface GateReport {
  passed: boolean;
  target: string;
  gates: GateResult[];
}

function readEvidence(v: unknown): GateEvidence | null {
  if (!isObject(v) || typeof v.evaluationRunId !== 'string') return null;
  return {
    evaluationRunId: v.evaluationRunId,
    evaluationRunName: str(v.evaluationRunName) ?? v.evaluationRunId,
    modelVersion: num(v.modelVersion),
    dataset: str(v.dataset),
    datasetDigest: str(v.datasetDigest),
    settings: stringMap(v.settings),
    metric: str(v.metric),
    value: num(v.value),
    step: num(v.step),
  };
}

export function readGateResult(v: unknown): GateResult | null {
  if (!isObject(v) || typeof v.name !== 'string') return null;
  const r = isObject(v.required) ? v.required : {};
  return {
    name: v.name,
    passed: v.passed === true,
    required: {
      source: str(r.source) ?? 'UNKNOWN',
      comparator: str(r.comparator) ?? '>=',
      threshold: num(r.threshold),
      metric: str(r.metric),
      holderVersion: num(r.holderVersion),
      holderEvidence: readEvidence(r.holderEvidence),
    },
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

/** A transition's `gates` document ({target, passed, gates}); null when the target had none. */
export function readGateReport(v: unknown): GateReport | null {
  if (!isObject(v)) return null;
  const t = isObject(v.target) ? v.target : {};
  const target = t.kind === 'ALIAS' ? `alias ${str(t.alias) ?? '?'}` : (str(t.stage) ?? '?');
  return { passed: v.passed === true, target, gates: (Array.isArray(v.gates) ? v.gates : []).map(readGateResult).filter((g): g is GateResult => g !== null) };
}

/** A refused promotion's `extensions.unmetGates`. */
export function readUnmetGates(extensions: Record<string, unknown> | null | undefined): GateResult[] {
  const list = extensions?.unmetGates;
  return Array.isArray(list) ? list.map(readGateResult).filter((g): g is GateResult => g !== null) : [];
}

// ---------------------------------------------------------------- grid analysis

export interface GridChange {
  from: string | null;
  to: string | null;
  meanFrom: number | null;
  meanTo: number | null;
  difference: number | null;
  relativeChange: number | null;
  significant: boolean | null;
}

export interface GridParamAnalysis {
  key: string;
  isRepeat: boolean;
  best: string | null;
  values: { value: string | null; mean: number | null; std: number | null; n: number; runIds: string[] }[];
  changes: GridChange[];
}

export interface GridRun {
  runId: string;
  runName: string;
  value: number | null;
  step: number | null;
  params: Record<string, string | null>;
}

export interface GridAnalysisView {
  metric: string;
  aggregation: string;
  goal: string;
  runCount: number;
  params: GridParamAnalysis[];
  best: GridRun | null;
  runs: GridRun[];
  holes: Record<string, string | null>[];
  outsideGrid: { runId: string; runName: string; value: number | null; reasons: { param: string; value: string | null }[] }[];
  noise: {
    std: number | null;
    significanceThreshold: number | null;
    meanRelativeRange: number | null;
    maxRelativeRange: number | null;
    degreesOfFreedom: number;
    repeatParams: string[];
    groups: { params: Record<string, string | null>; runIds: string[]; n: number; mean: number | null; std: number | null; range: number | null; relativeRange: number | null }[];
  };
}

/** The typed part of the query as generated, plus the JSONObject parts it carries. */
export interface GridAnalysisWire {
  metric: string;
  aggregation: string;
  goal: string;
  runCount: number;
  best: unknown;
  holes: unknown[];
  outsideGrid: unknown[];
  runs: unknown[];
  params: {
    key: string;
    isRepeat: boolean;
    best?: string | null;
    values: { value?: string | null; mean?: number | null; std?: number | null; n: number; runIds: string[] }[];
    changes: { from?: string | null; to?: string | null; meanFrom?: number | null; meanTo?: number | null; difference?: number | null; relativeChange?: number | null; significant?: boolean | null }[];
  }[];
  noise: {
    std?: number | null;
    significanceThreshold?: number | null;
    meanRelativeRange?: number | null;
    maxRelativeRange?: number | null;
    degreesOfFreedom: number;
    repeatParams: string[];
    groups: unknown[];
  };
}

function readGridRun(v: unknown): GridRun | null {
  if (!isObject(v) || typeof v.runId !== 'string') return null;
  return { runId: v.runId, runName: str(v.runName) ?? v.runId, value: num(v.value), step: num(v.step), params: stringMap(v.params) };
}

export function readGridAnalysis(g: GridAnalysisWire): GridAnalysisView {
  return {
    metric: g.metric,
    aggregation: g.aggregation,
    goal: g.goal,
    runCount: g.runCount,
    params: g.params.map((p) => ({
      key: p.key,
      isRepeat: p.isRepeat,
      best: p.best ?? null,
      values: p.values.map((v) => ({ value: v.value ?? null, mean: v.mean ?? null, std: v.std ?? null, n: v.n, runIds: v.runIds })),
      changes: p.changes.map((c) => ({
        from: c.from ?? null,
        to: c.to ?? null,
        meanFrom: c.meanFrom ?? null,
        meanTo: c.meanTo ?? null,
        difference: c.difference ?? null,
        relativeChange: c.relativeChange ?? null,
        significant: c.significant ?? null,
      })),
    })),
    best: readGridRun(g.best),
    runs: g.runs.map(readGridRun).filter((r): r is GridRun => r !== null),
    holes: g.holes.map((h) => stringMap(isObject(h) && Array.isArray(h.params) ? h.params : h)),
    outsideGrid: objects(g.outsideGrid).map((o) => ({
      runId: str(o.runId) ?? '?',
      runName: str(o.runName) ?? str(o.runId) ?? '?',
      value: num(o.value),
      reasons: objects(o.reasons).map((r) => ({ param: str(r.key) ?? str(r.param) ?? '?', value: strOrNull(r.value) })),
    })),
    noise: {
      std: g.noise.std ?? null,
      significanceThreshold: g.noise.significanceThreshold ?? null,
      meanRelativeRange: g.noise.meanRelativeRange ?? null,
      maxRelativeRange: g.noise.maxRelativeRange ?? null,
      degreesOfFreedom: g.noise.degreesOfFreedom,
      repeatParams: g.noise.repeatParams,
      groups: objects(g.noise.groups).map((x) => ({
        params: stringMap(x.params),
        runIds: Array.isArray(x.runIds) ? x.runIds.filter((s): s is string => typeof s === 'string') : [],
        n: num(x.n) ?? 0,
        mean: num(x.mean),
        std: num(x.std),
        range: num(x.range),
        relativeRange: num(x.relativeRange),
      })),
    },
  };
}

// ---------------------------------------------------------------- evaluation results

export interface PerClassRow {
  classId: number;
  name: string;
  nLabels: number | null;
  nPredictions: number | null;
  ap50: number | null;
  ap50_95: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export function readPerClass(list: readonly unknown[]): PerClassRow[] {
  return objects(list).flatMap((c) => {
    const classId = num(c.classId);
    if (classId === null) return [];
    return [
      {
        classId,
        name: str(c.name) ?? String(classId),
        nLabels: num(c.nLabels),
        nPredictions: num(c.nPredictions),
        ap50: num(c.ap50),
        ap50_95: num(c.ap50_95),
        precision: num(c.precision),
        recall: num(c.recall),
        f1: num(c.f1),
      },
    ];
  });
}

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
