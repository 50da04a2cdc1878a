// Lib results → GraphQL types: non-finite numbers become null (GraphQL Float refuses NaN and ±Infinity).
import type { GridAnalysis, MetricSummary, PromotionReport, RunComparison } from '@podium/registry';
import type { GridAggregation, GridAnalysisType, GridGoal, PromotionReportType, ReportLocale, RunComparisonType, RunMetricStatsType } from './dto/run-analysis.type';

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

const plain = <T>(v: T): Record<string, unknown> => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;

export function toGridAnalysisType(g: GridAnalysis): GridAnalysisType {
  return {
    metric: g.metric,
    aggregation: g.aggregation as GridAggregation,
    goal: g.goal as GridGoal,
    runCount: g.runs.length,
    runs: g.runs.map(plain),
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
      groups: g.noise.groups.map(plain),
    },
    holes: g.holes.map(plain),
    outsideGrid: g.outsideGrid.map(plain),
    best: plain(g.best),
  };
}

export function toPromotionReportType(r: PromotionReport): PromotionReportType {
  return { locale: r.locale as ReportLocale, markdown: r.markdown, sections: plain(r.sections) };
}
