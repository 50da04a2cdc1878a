// promotionReport: gathers the tracked data a decision rests on (the version's source run, its experiment's grid,
// the version's evaluation with its operating points, the source run's per-epoch history, the policy's gates) and
// lets @podium/registry write the report.
import { Injectable } from '@nestjs/common';
import {
  type Aggregation,
  byRecency,
  type EpochHistory,
  evaluateGates,
  findMetricSummary,
  type GridAnalysis,
  gridAnalysis,
  isUnfilteredClasses,
  type ModelStage,
  type OperatingPoint,
  type PromotionDecision,
  type PromotionPolicy,
  type PromotionReport,
  promotionReport,
  type ReportEvaluation,
  type ReportLocale,
  type RunSnapshot,
  targetPolicyFor,
} from '@podium/registry';
import { notFound } from '../common/app-error';
import { Database } from '../database/database';
import { ExperimentsService } from '../experiments/experiments.service';
import { EvidenceRepository } from './evidence.repository';
import { toVersionSnapshot } from './registry.mapper';
import { RegistryRepository } from './registry.repository';
import { MAX_GRID_RUNS } from './run-analysis.service';
import { TrackedRunsLoader } from './tracked-runs.loader';

export interface ReportRequest {
  name: string;
  version: number;
  locale: ReportLocale;
  /** Grid metric and aggregation (default map50, MAX: the best epoch, as best.pt is chosen). */
  metric?: string | null;
  aggregation?: Aggregation | null;
  /** The decision being taken (promotion with useReport); default: the last decision recorded for the version. */
  decision?: PromotionDecision | null;
  stage?: ModelStage | null;
}

const KEY_PARAMS = ['imgsz', 'lr0', 'epochs', 'batch', 'seed', 'model', 'data', 'optimizer'];
const METRIC_KEYS = ['map50', 'map50_95', 'precision', 'recall'];

function last(run: RunSnapshot, key: string): number | null {
  const s = findMetricSummary(run.metrics, key);
  return s && Number.isFinite(s.last) ? s.last : null;
}

function point(confidence: number | null, precision: number | null, recall: number | null, f1: number | null): OperatingPoint | null {
  if (precision === null || recall === null) return null;
  const f = f1 ?? (precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0);
  return { confidence: confidence ?? Number.NaN, precision, recall, f1: f };
}

/** P/R at the evaluation's own conf (precision_at_conf/recall_at_conf) and at the F1-optimal confidence (precision/recall/f1). */
export function reportEvaluationOf(run: RunSnapshot): ReportEvaluation | null {
  const conf = run.params.conf !== undefined && run.params.conf.trim() !== '' ? Number(run.params.conf) : null;
  const atConf = point(conf, last(run, 'precision_at_conf'), last(run, 'recall_at_conf'), null);
  const optimal = point(last(run, 'best_confidence'), last(run, 'precision'), last(run, 'recall'), last(run, 'f1'));
  if (!atConf && !optimal) return null;
  return atConf ? { run, operatingPoint: atConf, f1Optimal: optimal } : { run, operatingPoint: optimal!, f1Optimal: null };
}

@Injectable()
export class PromotionReportService {
  constructor(
    private readonly db: Database,
    private readonly repo: RegistryRepository,
    private readonly evidence: EvidenceRepository,
    private readonly tracked: TrackedRunsLoader,
    private readonly experiments: ExperimentsService,
  ) {}

  async report(req: ReportRequest): Promise<PromotionReport> {
    const em = this.db.read;
    const [model] = await this.repo.findModelsByNames(em, [req.name]);
    if (!model) throw notFound('Registered model', req.name);
    const versions = await this.repo.findVersionsByModelIds(em, [model.id]);
    const version = versions.find((v) => v.version === req.version);
    if (!version) throw notFound('Model version', `${req.name}/${req.version}`);
    if (!version.sourceRunId) throw notFound('Source run of model version', `${req.name}/${req.version}`);
    const [candidate] = await this.tracked.snapshots([version.sourceRunId]);
    if (!candidate) throw notFound('Source run of model version', `${req.name}/${req.version}`);
    const experimentId = (await this.tracked.experimentIdOf(candidate.id))!;
    const experiment = (await this.experiments.findByIds([experimentId]))[0];

    const metric = req.metric ?? 'map50';
    const policy = (model.policy as PromotionPolicy | null) ?? null;
    const grid = await this.gridOf(experimentId, metric, req.aggregation ?? 'MAX');
    const values = await this.tracked.epochValues(candidate.id, metric);
    const histories: EpochHistory[] = values.length ? [{ runId: candidate.id, metric, values }] : [];

    const holder = versions.find((v) => v.stage === 'PRODUCTION' && v.version !== version.version) ?? null;
    const evalIds = await this.evidence.findEvaluationRunIds(em, model.name, holder ? [version.version, holder.version] : [version.version]);
    const candidateEvaluations = await this.tracked.snapshots(evalIds.get(version.version) ?? []);
    const holderEvaluations = holder ? await this.tracked.snapshots(evalIds.get(holder.version) ?? []) : [];
    const stage = req.stage ?? 'PRODUCTION';
    const target = { kind: 'STAGE', stage } as const;
    const aliases = await this.repo.findAliasesByModelIds(em, [model.id]);
    const gates = policy
      ? evaluateGates(
          policy,
          {
            modelName: model.name,
            candidate: toVersionSnapshot(version, aliases),
            target,
            productionHolder: holder ? toVersionSnapshot(holder, aliases) : null,
            candidateEvaluations,
            holderEvaluations,
          },
          new Date(),
        )
      : null;
    const evaluation = this.chooseEvaluation(candidateEvaluations, targetPolicyFor(policy, target)?.requireEvaluation?.dataset);
    const decision = req.decision !== undefined ? req.decision : await this.lastDecision(model.id, version.version);

    return promotionReport(
      {
        modelName: model.name,
        version: version.version,
        stage,
        objective: experiment?.description ?? null,
        policy,
        candidate,
        keyParams: KEY_PARAMS.filter((k) => candidate.params[k] !== undefined),
        metricKeys: METRIC_KEYS,
        evaluation,
        grid,
        histories,
        gates,
        decision,
      },
      req.locale,
    );
  }

  private async gridOf(experimentId: string, metric: string, aggregation: Aggregation): Promise<GridAnalysis | null> {
    const ids = await this.tracked.trainingRunIds(experimentId, MAX_GRID_RUNS);
    if (ids === null) return null;
    // The grid metric only: up to 1,000 runs, each with up to PODIUM_MAX_METRIC_KEYS_PER_RUN keys.
    const runs = await this.tracked.snapshots(ids, [metric]);
    if (runs.filter((r) => findMetricSummary(r.metrics, metric)).length < 2) return null;
    return gridAnalysis(runs, metric, aggregation);
  }

  /** The most recent finished evaluation, preferring one the target's gate would read (its dataset, unfiltered). */
  private chooseEvaluation(runs: readonly RunSnapshot[], dataset: string | undefined): ReportEvaluation | null {
    const finished = runs.filter((r) => r.status === 'FINISHED').sort(byRecency);
    const preferred = dataset ? finished.filter((r) => r.params.dataset === dataset && isUnfilteredClasses(r.params.classes)) : [];
    for (const run of [...preferred, ...finished]) {
      const e = reportEvaluationOf(run);
      if (e) return e;
    }
    return null;
  }

  private async lastDecision(modelId: string, version: number): Promise<PromotionDecision | null> {
    const t = await this.repo.findLastDecision(this.db.read, modelId, version);
    return (t?.decision as PromotionDecision | null) ?? null;
  }
}
