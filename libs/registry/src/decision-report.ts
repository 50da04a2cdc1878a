// promotionReport: the decision document, written only from tracked data (runs, grid analysis, evaluation, gates,
// decision) in the seed's shape — objective and constraints, candidate, comparison per parameter, observations,
// risks and mitigations, decision and next steps — as Markdown and as the same content in structured fields.
// Over 300 lines on purpose: one document's structure and its en/fr wording, read together.
import type { GateReport } from './gate-types';
import { targetPolicyFor } from './gates';
import type { GridAnalysis, ParamChange } from './grid-analysis';
import { findMetricSummary } from './metric-value';
import type { PromotionPolicy } from './policy';
import { formatNumber, formatPercent, REPORT_LOCALES, REPORT_WORDS, type ReportLocale, type ReportWords } from './report-i18n';
import { RegistryError } from './registry-error';
import type { RunSnapshot } from './snapshots';
import { shortRunId } from './snapshots';
import type { ModelStage } from './stages';
import { mean } from './stats';
import type { PromotionDecision } from './transition-plan';

export interface OperatingPoint {
  readonly confidence: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** A metric's value per epoch (index = epoch) for one run, e.g. map50 over the 3 epochs of a training run. */
export interface EpochHistory {
  readonly runId: string;
  readonly metric: string;
  readonly values: readonly number[];
}

export interface ReportEvaluation {
  readonly run: RunSnapshot;
  /** P/R/F1 at the evaluation's own confidence threshold (the `conf` param). */
  readonly operatingPoint: OperatingPoint;
  /** The F1-optimal point of the threshold sweep. */
  readonly f1Optimal?: OperatingPoint | null;
}

export interface PromotionReportInput {
  readonly modelName: string;
  readonly version: number;
  readonly stage?: ModelStage;
  /** The experiment's stated objective (its description); a neutral sentence is written when absent. */
  readonly objective?: string | null;
  /** Stated constraints; the policy's gates are added as constraints. */
  readonly constraints?: readonly string[];
  readonly policy?: PromotionPolicy | null;
  /** The version's source (training) run. */
  readonly candidate: RunSnapshot;
  readonly keyParams?: readonly string[];
  readonly metricKeys?: readonly string[];
  readonly evaluation?: ReportEvaluation | null;
  readonly grid?: GridAnalysis | null;
  readonly histories?: readonly EpochHistory[];
  readonly gates?: GateReport | null;
  readonly decision?: PromotionDecision | null;
}

export type ObservationKind = 'SEED_VARIANCE' | 'NO_REPEATS' | 'WITHIN_NOISE' | 'CONVERGENCE' | 'LOW_PRECISION_THRESHOLD' | 'LOW_PRECISION' | 'CANDIDATE_RANK';
export interface Observation {
  readonly kind: ObservationKind;
  readonly text: string;
  readonly data: Readonly<Record<string, number | string | boolean | null>>;
}

export type RiskKind = 'WITHIN_NOISE' | 'FEW_REPEATS' | 'UNDERTRAINED' | 'THRESHOLD' | 'TRAIN_EQUALS_EVAL' | 'STATED';
export interface Risk {
  readonly kind: RiskKind;
  readonly risk: string;
  readonly mitigation: string | null;
}

export interface ComparedParamSection {
  readonly key: string;
  readonly isRepeat: boolean;
  readonly values: readonly { readonly value: string | null; readonly mean: number; readonly std: number | null; readonly n: number }[];
  readonly changes: readonly (ParamChange & { readonly text: string })[];
  readonly best: string | null;
}

export interface PromotionReport {
  readonly locale: ReportLocale;
  readonly markdown: string;
  readonly sections: {
    readonly objective: { readonly title: string; readonly text: string; readonly markdown: string };
    readonly constraints: { readonly title: string; readonly items: readonly string[]; readonly markdown: string };
    readonly candidate: {
      readonly title: string;
      readonly runId: string;
      readonly shortId: string;
      readonly runName: string;
      readonly version: number;
      readonly keyParams: readonly { readonly key: string; readonly value: string }[];
      readonly metrics: readonly { readonly key: string; readonly last: number; readonly lastStep: number; readonly max: number | null; readonly maxStep: number | null }[];
      readonly evaluation: {
        readonly runId: string;
        readonly shortId: string;
        readonly runName: string;
        readonly dataset: string | null;
        readonly datasetDigest: string | null;
        readonly settings: Readonly<Record<string, string | null>>;
        readonly metrics: readonly { readonly key: string; readonly value: number }[];
        readonly operatingPoint: OperatingPoint;
        readonly f1Optimal: OperatingPoint | null;
      } | null;
      readonly markdown: string;
    };
    readonly comparison: {
      readonly title: string;
      readonly metric: string | null;
      readonly aggregation: string | null;
      readonly runCount: number;
      readonly noiseStd: number | null;
      readonly significanceThreshold: number | null;
      readonly params: readonly ComparedParamSection[];
      readonly outsideGrid: GridAnalysis['outsideGrid'];
      readonly holes: GridAnalysis['holes'];
      readonly markdown: string;
    };
    readonly observations: { readonly title: string; readonly items: readonly Observation[]; readonly markdown: string };
    readonly risks: { readonly title: string; readonly items: readonly Risk[]; readonly markdown: string };
    readonly decision: {
      readonly title: string;
      readonly verdict: 'PROMOTE' | 'BLOCKED' | 'NO_GATES';
      readonly verdictText: string;
      readonly justification: string | null;
      readonly alternatives: string | null;
      readonly gates: readonly { readonly name: string; readonly passed: boolean; readonly message: string }[];
      readonly markdown: string;
    };
    readonly nextSteps: { readonly title: string; readonly items: readonly string[]; readonly markdown: string };
  };
}

/** Precision below this at the evaluation threshold is "low". */
export const LOW_PRECISION = 0.1;
/** "Much higher" at the F1-optimal threshold: at least twice as high and at least this much higher in absolute terms. */
export const PRECISION_RECOVERY_ABS = 0.2;
/** Without a noise estimate, a last-epoch gain above this fraction of the previous value means "still improving". */
export const CONVERGENCE_REL = 0.01;

const DEFAULT_METRICS = ['map50', 'map50_95', 'precision', 'recall'];
const DEFAULT_KEY_PARAMS = ['model', 'data', 'epochs', 'imgsz', 'batch', 'lr0', 'seed'];
const SETTINGS = ['imgsz', 'conf', 'iou'];

const bullets = (items: readonly string[], w: ReportWords): string => (items.length ? items.map((i) => `- ${i}`).join('\n') : w.none);
const datasetBase = (data: string | undefined): string | null => (data ? (data.split('/').pop() ?? data).replace(/\.(ya?ml|json)$/i, '') : null);

interface Ctx {
  readonly w: ReportWords;
  readonly locale: ReportLocale;
  readonly n: (v: number) => string;
  readonly pct: (v: number | null) => string;
  readonly input: PromotionReportInput;
  readonly stage: ModelStage;
}

function objectiveSection(c: Ctx) {
  const metric = c.input.grid?.metric ?? 'map50';
  const text = c.input.objective?.trim() || c.w.defaultObjective(c.input.modelName, c.stage, metric);
  return { title: c.w.headings.objective, text, markdown: text };
}

function constraintsSection(c: Ctx) {
  const items = [...(c.input.constraints ?? [])];
  const target = targetPolicyFor(c.input.policy, { kind: 'STAGE', stage: c.stage });
  const req = target?.requireEvaluation;
  if (req) items.push(c.w.policyEvaluation(req.dataset, req.metric, req.compareWithProduction, req.floor === undefined ? null : c.n(req.floor), req.settingsMustMatch.join(', ')));
  if (target?.minTimeInStagingSeconds !== undefined) items.push(c.w.policyMinStaging(formatNumber(target.minTimeInStagingSeconds / 3600, c.locale, 1)));
  return { title: c.w.headings.constraints, items, markdown: bullets(items, c.w) };
}

function candidateSection(c: Ctx) {
  const { candidate, grid, evaluation } = c.input;
  const keys = c.input.keyParams ?? [...new Set([...(grid?.gridParams.map((p) => p.key) ?? []), ...DEFAULT_KEY_PARAMS])];
  const keyParams = keys.filter((k) => candidate.params[k] !== undefined).map((key) => ({ key, value: candidate.params[key] }));
  const metricKeys = c.input.metricKeys ?? DEFAULT_METRICS;
  const metrics = metricKeys.flatMap((key) => {
    const s = findMetricSummary(candidate.metrics, key);
    return s ? [{ key, last: s.last, lastStep: s.lastStep, max: s.max, maxStep: s.maxStep }] : [];
  });
  const lines = [c.w.candidateRun(candidate.name, shortRunId(candidate.id), c.input.version), '', `${c.w.keyParams} ${keyParams.map((p) => `${p.key}=${p.value}`).join(', ') || '—'}`];
  if (metrics.length) {
    lines.push('', c.w.metricTableHeader, '|---|---:|---:|---:|---:|');
    for (const m of metrics) lines.push(`| ${m.key} | ${c.n(m.last)} | ${m.lastStep} | ${m.max === null ? '—' : c.n(m.max)} | ${m.maxStep ?? '—'} |`);
  }
  let evalSection: PromotionReport['sections']['candidate']['evaluation'] = null;
  lines.push('');
  if (evaluation) {
    const run = evaluation.run;
    const settings = Object.fromEntries(SETTINGS.map((k) => [k, run.params[k] ?? null]));
    const evalMetrics = metricKeys.flatMap((key) => {
      const s = findMetricSummary(run.metrics, key);
      return s ? [{ key, value: s.last }] : [];
    });
    evalSection = {
      runId: run.id,
      shortId: shortRunId(run.id),
      runName: run.name,
      dataset: run.params.dataset ?? null,
      datasetDigest: run.params.dataset_digest ?? null,
      settings,
      metrics: evalMetrics,
      operatingPoint: evaluation.operatingPoint,
      f1Optimal: evaluation.f1Optimal ?? null,
    };
    const settingsText = SETTINGS.map((k) => `${k}=${settings[k] ?? '—'}`).join(', ');
    lines.push(
      c.w.evaluationLine(evalSection.shortId, run.name, evalSection.dataset ?? '—', evalSection.datasetDigest ?? '—', settingsText, evalMetrics.map((m) => `${m.key} ${c.n(m.value)}`).join(', ')),
    );
    const op = evaluation.operatingPoint;
    lines.push(`- ${c.w.operatingPoint(c.n(op.confidence), c.n(op.precision), c.n(op.recall), c.n(op.f1))}`);
    const f = evaluation.f1Optimal;
    if (f) lines.push(`- ${c.w.f1Optimal(c.n(f.confidence), c.n(f.precision), c.n(f.recall), c.n(f.f1))}`);
  } else {
    lines.push(c.w.noEvaluation);
  }
  return {
    title: c.w.headings.candidate,
    runId: candidate.id,
    shortId: shortRunId(candidate.id),
    runName: candidate.name,
    version: c.input.version,
    keyParams,
    metrics,
    evaluation: evalSection,
    markdown: lines.join('\n'),
  };
}

function valueLabel(v: string | null, w: ReportWords): string {
  return v === null ? w.notSet : v;
}

function comparisonSection(c: Ctx) {
  const g = c.input.grid;
  if (!g) {
    return { title: c.w.headings.comparison, metric: null, aggregation: null, runCount: 0, noiseStd: null, significanceThreshold: null, params: [], outsideGrid: [], holes: [], markdown: c.w.noGrid };
  }
  const threshold = g.noise.significanceThreshold;
  const params: ComparedParamSection[] = g.params.map((p) => ({
    key: p.key,
    isRepeat: p.isRepeat,
    values: p.values.map((v) => ({ value: v.value, mean: v.mean, std: v.std, n: v.n })),
    best: p.best,
    changes: p.changes.map((ch) => {
      const head = c.w.change(p.key, valueLabel(ch.to, c.w), valueLabel(ch.from, c.w), c.pct(ch.relativeChange), c.n(ch.meanTo), c.n(ch.meanFrom));
      const verdict = p.isRepeat
        ? c.w.repeatParam(p.key)
        : ch.significant === null || threshold === null
          ? c.w.noNoiseEstimate
          : ch.significant
            ? c.w.significant(c.n(threshold))
            : c.w.notSignificant(c.n(threshold));
      return { ...ch, text: `${head}, ${verdict}` };
    }),
  }));
  const lines = [c.w.gridIntro(g.metric, g.aggregation, g.runs.length, g.noise.std === null ? null : c.n(g.noise.std)), '', c.w.paramTableHeader, '|---|---|---:|---:|---:|'];
  for (const p of params) for (const v of p.values) lines.push(`| ${p.key} | ${valueLabel(v.value, c.w)} | ${c.n(v.mean)} | ${v.std === null ? '—' : c.n(v.std)} | ${v.n} |`);
  lines.push('');
  for (const p of params) {
    const best = p.best === null ? '' : ` (${c.w.bestValue(valueLabel(p.best, c.w))})`;
    for (const ch of p.changes) lines.push(`- ${ch.text}${best}`);
  }
  lines.push('');
  if (g.outsideGrid.length) {
    const runs = g.outsideGrid
      .map((o) => `${o.runName} (${g.metric} ${c.n(o.value)} — ${o.reasons.map((r) => (r.value === null ? c.w.offGridMissing(r.param) : c.w.offGridValue(r.param, r.value))).join(', ')})`)
      .join('; ');
    lines.push(c.w.outsideGrid(runs));
  }
  lines.push(
    g.holes.length
      ? c.w.holes(
          g.holes
            .map((h) =>
              Object.entries(h)
                .map(([k, v]) => `${k}=${valueLabel(v, c.w)}`)
                .join(' '),
            )
            .join('; '),
        )
      : c.w.noHoles,
  );
  return {
    title: c.w.headings.comparison,
    metric: g.metric,
    aggregation: g.aggregation,
    runCount: g.runs.length,
    noiseStd: g.noise.std,
    significanceThreshold: threshold,
    params,
    outsideGrid: g.outsideGrid,
    holes: g.holes,
    markdown: lines.join('\n'),
  };
}

interface Findings {
  readonly withinNoise: readonly { key: string; text: string }[];
  readonly stillImproving: boolean;
  readonly lowPrecisionExplained: OperatingPoint | null;
  readonly trainEqualsEval: string | null;
}

function observations(c: Ctx, comparison: ReturnType<typeof comparisonSection>): { items: Observation[]; findings: Findings } {
  const { grid, histories, evaluation, candidate } = c.input;
  const items: Observation[] = [];
  const withinNoise: { key: string; text: string }[] = [];
  if (grid) {
    const nz = grid.noise;
    if (nz.std !== null && nz.significanceThreshold !== null) {
      items.push({
        kind: 'SEED_VARIANCE',
        text: c.w.seedVariance(c.n(nz.std), nz.groups.length, c.pct(nz.maxRelativeRange).replace(/^\+/, ''), c.n(nz.significanceThreshold)),
        data: {
          std: nz.std,
          groups: nz.groups.length,
          degreesOfFreedom: nz.degreesOfFreedom,
          meanRelativeRange: nz.meanRelativeRange,
          maxRelativeRange: nz.maxRelativeRange,
          threshold: nz.significanceThreshold,
        },
      });
      for (const p of comparison.params) {
        for (const ch of p.changes) {
          if (ch.significant === false) withinNoise.push({ key: p.key, text: `${p.key} ${valueLabel(ch.to, c.w)} ${c.w.vs} ${valueLabel(ch.from, c.w)} (${c.pct(ch.relativeChange)})` });
        }
      }
      if (withinNoise.length)
        items.push({ kind: 'WITHIN_NOISE', text: c.w.withinNoise(withinNoise.map((x) => x.text).join('; ')), data: { params: [...new Set(withinNoise.map((x) => x.key))].join(',') } });
    } else {
      items.push({ kind: 'NO_REPEATS', text: c.w.noRepeats, data: {} });
    }
    const own = grid.runs.find((r) => r.runId === candidate.id);
    if (own) {
      const isBest = own.runId === grid.best.runId;
      items.push({
        kind: 'CANDIDATE_RANK',
        text: isBest ? c.w.candidateIsBest(grid.metric, c.n(own.value)) : c.w.candidateNotBest(grid.best.runName, c.n(grid.best.value), c.n(own.value)),
        data: { isBest, candidateValue: own.value, bestRunId: grid.best.runId, bestValue: grid.best.value },
      });
    }
  }

  let stillImproving = false;
  // One metric only (the grid's, else the first given), so that the noise std is a fair yardstick for the gains.
  const historyMetric = grid?.metric ?? histories?.[0]?.metric;
  const usable = (histories ?? []).filter((h) => h.metric === historyMetric && h.values.length >= 2 && h.values.every(Number.isFinite));
  if (usable.length) {
    const noise = grid?.noise.std ?? null;
    const deltas = usable.map((h) => {
      const last = h.values[h.values.length - 1];
      const prev = h.values[h.values.length - 2];
      const limit = noise ?? CONVERGENCE_REL * Math.abs(prev);
      return { rising: last - prev > limit, rel: prev === 0 ? null : (last - prev) / prev };
    });
    const rising = deltas.filter((d) => d.rising).length;
    const rels = deltas.map((d) => d.rel).filter((x): x is number => x !== null);
    const meanRel = rels.length ? mean(rels) : null;
    stillImproving = rising > 0;
    items.push({
      kind: 'CONVERGENCE',
      text: stillImproving ? c.w.stillImproving(rising, usable.length, c.pct(meanRel)) : c.w.converged(usable.length, c.pct(meanRel)),
      data: {
        metric: historyMetric ?? null,
        rising,
        runs: usable.length,
        meanLastEpochRelativeChange: meanRel,
        threshold: noise ?? CONVERGENCE_REL,
        thresholdKind: noise === null ? 'relative' : 'noise_std',
      },
    });
  }

  let lowPrecisionExplained: OperatingPoint | null = null;
  if (evaluation && evaluation.operatingPoint.precision < LOW_PRECISION) {
    const op = evaluation.operatingPoint;
    const f = evaluation.f1Optimal;
    if (f && f.precision >= 2 * op.precision && f.precision - op.precision >= PRECISION_RECOVERY_ABS) {
      lowPrecisionExplained = f;
      items.push({
        kind: 'LOW_PRECISION_THRESHOLD',
        text: c.w.lowPrecisionExplained(c.n(op.precision), c.n(op.confidence), c.n(f.confidence), c.n(f.precision), c.n(f.recall), c.n(f.f1)),
        data: { precision: op.precision, confidence: op.confidence, optimalConfidence: f.confidence, optimalPrecision: f.precision, optimalRecall: f.recall, optimalF1: f.f1 },
      });
    } else {
      items.push({ kind: 'LOW_PRECISION', text: c.w.lowPrecisionUnexplained(c.n(op.precision), c.n(op.confidence)), data: { precision: op.precision, confidence: op.confidence } });
    }
  }
  const evalDataset = evaluation?.run.params.dataset ?? null;
  const trainEqualsEval = evalDataset !== null && datasetBase(candidate.params.data) === evalDataset ? evalDataset : null;
  return { items, findings: { withinNoise, stillImproving, lowPrecisionExplained, trainEqualsEval } };
}

function risks(c: Ctx, f: Findings): Risk[] {
  const out: Risk[] = [];
  const noisy = [...new Set(f.withinNoise.map((x) => x.key))];
  if (noisy.length) {
    const choice = noisy.map((k) => `${k}=${c.input.candidate.params[k] ?? '—'}`).join(', ');
    out.push({ kind: 'WITHIN_NOISE', risk: c.w.riskWithinNoise(choice), mitigation: c.w.mitigationMoreSeeds });
  }
  const df = c.input.grid?.noise.degreesOfFreedom ?? 0;
  if (c.input.grid && df > 0 && df < 3) out.push({ kind: 'FEW_REPEATS', risk: c.w.riskFewRepeats(df), mitigation: c.w.mitigationFewRepeats });
  if (f.stillImproving) out.push({ kind: 'UNDERTRAINED', risk: c.w.riskUndertrained, mitigation: c.w.mitigationUndertrained });
  if (f.lowPrecisionExplained && c.input.evaluation) {
    out.push({ kind: 'THRESHOLD', risk: c.w.riskThreshold(c.n(c.input.evaluation.operatingPoint.confidence)), mitigation: c.w.mitigationThreshold(c.n(f.lowPrecisionExplained.confidence)) });
  }
  if (f.trainEqualsEval) out.push({ kind: 'TRAIN_EQUALS_EVAL', risk: c.w.riskTrainEqualsEval(f.trainEqualsEval), mitigation: c.w.mitigationTrainEqualsEval });
  const stated = c.input.decision?.risks?.trim();
  if (stated) out.push({ kind: 'STATED', risk: stated, mitigation: null });
  return out;
}

function decisionSection(c: Ctx) {
  const gates = c.input.gates;
  const verdict: 'PROMOTE' | 'BLOCKED' | 'NO_GATES' = !gates || gates.gates.length === 0 ? 'NO_GATES' : gates.passed ? 'PROMOTE' : 'BLOCKED';
  const verdictText =
    verdict === 'PROMOTE' ? c.w.verdictPromote(c.input.version, c.stage) : verdict === 'BLOCKED' ? c.w.verdictBlocked(c.input.version, c.stage) : c.w.verdictNoGates(c.input.version, c.stage);
  const gateItems = (gates?.gates ?? []).map((g) => ({ name: g.name, passed: g.passed, message: g.message }));
  const d = c.input.decision;
  const lines = [`**${verdictText}**`, ''];
  if (d?.justification?.trim()) lines.push(`${c.w.justification} ${d.justification.trim()}`);
  else lines.push(c.w.noDecision);
  if (d?.alternatives?.trim()) lines.push('', `${c.w.alternatives} ${d.alternatives.trim()}`);
  if (gateItems.length) {
    lines.push('', c.w.gatesHeader);
    // Gate messages come from the gates in English (they are also the API's error text); only the frame is localised.
    for (const g of gateItems) lines.push(`- ${c.w.gateLine(g.name, g.passed ? c.w.gatePassed : c.w.gateFailed, g.message)}`);
  }
  return {
    title: c.w.headings.decision,
    verdict,
    verdictText,
    justification: d?.justification?.trim() || null,
    alternatives: d?.alternatives?.trim() || null,
    gates: gateItems,
    markdown: lines.join('\n'),
  };
}

function nextSteps(c: Ctx, f: Findings): string[] {
  const items = (c.input.decision?.nextSteps ?? '')
    .split('\n')
    .map((s) => s.replace(/^\s*[-*]\s*/, '').trim())
    .filter((s) => s !== '');
  if (f.lowPrecisionExplained) items.push(c.w.nextSetThreshold(c.n(f.lowPrecisionExplained.confidence)));
  if (f.stillImproving) items.push(c.w.nextTrainLonger);
  const noisy = [...new Set(f.withinNoise.map((x) => x.key))];
  if (noisy.length) items.push(c.w.nextMoreSeeds(noisy.join(', ')));
  if (f.trainEqualsEval) items.push(c.w.nextHeldOut);
  return items;
}

export function promotionReport(input: PromotionReportInput, locale: ReportLocale): PromotionReport {
  if (!(REPORT_LOCALES as readonly string[]).includes(locale)) throw new RegistryError('INVALID_INPUT', `Unknown report locale "${String(locale)}" (use en or fr).`);
  const w = REPORT_WORDS[locale];
  const c: Ctx = { w, locale, input, stage: input.stage ?? 'PRODUCTION', n: (v) => formatNumber(v, locale), pct: (v) => formatPercent(v, locale) };
  const objective = objectiveSection(c);
  const constraints = constraintsSection(c);
  const candidate = candidateSection(c);
  const comparison = comparisonSection(c);
  const obs = observations(c, comparison);
  const riskItems = risks(c, obs.findings);
  const decision = decisionSection(c);
  const steps = nextSteps(c, obs.findings);
  const sections = {
    objective,
    constraints,
    candidate,
    comparison,
    observations: {
      title: w.headings.observations,
      items: obs.items,
      markdown: bullets(
        obs.items.map((o) => o.text),
        w,
      ),
    },
    risks: {
      title: w.headings.risks,
      items: riskItems,
      markdown: riskItems.length ? [w.riskHeader, '|---|---|', ...riskItems.map((r) => `| ${r.risk.replace(/\|/g, '\\|').replace(/\n/g, ' ')} | ${r.mitigation ?? '—'} |`)].join('\n') : w.none,
    },
    decision,
    nextSteps: { title: w.headings.nextSteps, items: steps, markdown: bullets(steps, w) },
  };
  const order = [sections.objective, sections.constraints, sections.candidate, sections.comparison, sections.observations, sections.risks, sections.decision, sections.nextSteps];
  const markdown = [`# ${w.title(input.modelName, input.version, c.stage)}`, ...order.map((s) => `## ${s.title}\n\n${s.markdown}`)].join('\n\n') + '\n';
  return { locale, markdown, sections };
}
