// Lib results → GraphQL types: non-finite numbers become null (GraphQL Float refuses NaN and ±Infinity).
import type { GridAnalysis, MetricSummary, PromotionReport, RunComparison } from '@podium/registry';
import type { GridAggregation, GridAnalysisType, GridGoal, GridRunType, ParamSettingType, PromotionReportType, ReportLocale, RunComparisonType, RunMetricStatsType } from './dto/run-analysis.type';

const f = (v: number | null | undefined): number | null => (v !== null && v !== undefined && Number.isFinite(v) ? v : null);

function stats(s: MetricSummary | null): RunMetricStatsType | null {
  return s && { last: f(s.last), lastStep: s.lastStep, min: f(s.min), minStep: s.minStep, max: f(s.max), maxStep: s.maxStep };
}

export function toRunComparisonType(c: RunComparison): RunComparisonType {
  return {
    runs: c.runs.map((r) => ({ ...r })),
    params: c.params.map((p) => ({ key: p.key, values: [...p.values], differs: p.differs })),
    metrics: c.metrics.map((m) => ({ key: m.key, summaries: m.summaries.map(stats) })),
  };
}

/** A params record as a list by key (GraphQL has no map type). */
export const settings = (params: Readonly<Record<string, string | null>>): ParamSettingType[] =>
  Object.keys(params)
    .sort()
    .map((key) => ({ key, value: params[key] ?? null }));

const gridRun = (r: GridAnalysis['best']): GridRunType => ({ runId: r.runId, runName: r.runName, value: f(r.value), step: r.step, params: settings(r.params) });

export function toGridAnalysisType(g: GridAnalysis): GridAnalysisType {
  return {
    metric: g.metric,
    aggregation: g.aggregation as GridAggregation,
    goal: g.goal as GridGoal,
    runCount: g.runs.length,
    runs: g.runs.map(gridRun),
    params: g.params.map((p) => ({
      key: p.key,
      isRepeat: p.isRepeat,
      best: p.best,
      values: p.values.map((v) => ({ value: v.value, mean: f(v.mean), std: f(v.std), n: v.n, runIds: [...v.runIds] })),
      changes: p.changes.map((c) => ({
        from: c.from,
        to: c.to,
        meanFrom: f(c.meanFrom),
        meanTo: f(c.meanTo),
        difference: f(c.difference),
        relativeChange: f(c.relativeChange),
        significant: c.significant,
      })),
    })),
    noise: {
      repeatParams: [...g.noise.repeatParams],
      std: f(g.noise.std),
      degreesOfFreedom: g.noise.degreesOfFreedom,
      meanRelativeRange: f(g.noise.meanRelativeRange),
      maxRelativeRange: f(g.noise.maxRelativeRange),
      significanceThreshold: f(g.noise.significanceThreshold),
      groups: g.noise.groups.map((x) => ({
        params: settings(x.params),
        runIds: [...x.runIds],
        values: x.values.filter((v) => Number.isFinite(v)),
        n: x.n,
        mean: f(x.mean),
        std: f(x.std),
        range: f(x.range),
        relativeRange: f(x.relativeRange),
      })),
    },
    holes: g.holes.map((h) => ({ params: settings(h) })),
    outsideGrid: g.outsideGrid.map((o) => ({ runId: o.runId, runName: o.runName, value: f(o.value), reasons: o.reasons.map((r) => ({ key: r.param, value: r.value })) })),
    best: gridRun(g.best),
  };
}

const op = (o: { confidence: number; precision: number; recall: number; f1: number }) => ({ confidence: f(o.confidence), precision: f(o.precision), recall: f(o.recall), f1: f(o.f1) });

export function toPromotionReportType(r: PromotionReport): PromotionReportType {
  const s = r.sections;
  const c = s.candidate;
  const e = c.evaluation;
  return {
    locale: r.locale as ReportLocale,
    markdown: r.markdown,
    sections: {
      objective: { ...s.objective },
      constraints: { ...s.constraints, items: [...s.constraints.items] },
      candidate: {
        title: c.title,
        runId: c.runId,
        shortId: c.shortId,
        runName: c.runName,
        version: c.version,
        keyParams: c.keyParams.map((p) => ({ key: p.key, value: p.value })),
        metrics: c.metrics.map((m) => ({ key: m.key, last: f(m.last), lastStep: m.lastStep, max: f(m.max), maxStep: m.maxStep })),
        evaluation: e && {
          runId: e.runId,
          shortId: e.shortId,
          runName: e.runName,
          dataset: e.dataset,
          datasetDigest: e.datasetDigest,
          settings: settings(e.settings),
          metrics: e.metrics.map((m) => ({ key: m.key, value: f(m.value) })),
          operatingPoint: op(e.operatingPoint),
          f1Optimal: e.f1Optimal && op(e.f1Optimal),
        },
        markdown: c.markdown,
      },
      comparison: {
        ...s.comparison,
        noiseStd: f(s.comparison.noiseStd),
        significanceThreshold: f(s.comparison.significanceThreshold),
        params: s.comparison.params.map((p) => ({
          key: p.key,
          isRepeat: p.isRepeat,
          best: p.best,
          values: p.values.map((v) => ({ value: v.value, mean: f(v.mean), std: f(v.std), n: v.n })),
          changes: p.changes.map((x) => ({
            from: x.from,
            to: x.to,
            meanFrom: f(x.meanFrom),
            meanTo: f(x.meanTo),
            difference: f(x.difference),
            relativeChange: f(x.relativeChange),
            significant: x.significant,
            text: x.text,
          })),
        })),
        outsideGrid: s.comparison.outsideGrid.map((o) => ({ runId: o.runId, runName: o.runName, value: f(o.value), reasons: o.reasons.map((x) => ({ key: x.param, value: x.value })) })),
        holes: s.comparison.holes.map((h) => ({ params: settings(h) })),
      },
      observations: {
        ...s.observations,
        items: s.observations.items.map((o) => ({
          kind: o.kind,
          text: o.text,
          data: Object.keys(o.data)
            .sort()
            .map((key) => ({ key, value: o.data[key] === null ? null : String(o.data[key]) })),
        })),
      },
      risks: { ...s.risks, items: s.risks.items.map((x) => ({ ...x })) },
      decision: { ...s.decision, gates: s.decision.gates.map((g) => ({ ...g })) },
      nextSteps: { ...s.nextSteps, items: [...s.nextSteps.items] },
    },
  };
}
