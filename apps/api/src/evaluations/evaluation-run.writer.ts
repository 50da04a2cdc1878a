// Writes the evaluation run of a job through the tracking services (runs, metrics, artifacts): created RUNNING with
// the settings as params when the job is queued; finished with the result's metrics (and the continuous-evaluation
// mirror on the training run) when the job succeeds; FAILED or KILLED otherwise.
import { Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ArtifactsService } from '../artifacts/artifacts.service';
import type { Identity } from '../auth/roles';
import { ExperimentsService } from '../experiments/experiments.service';
import { MetricsService } from '../metrics/metrics.service';
import { RunKind, RunStatus } from '../runs/run-kind';
import type { RunEntity } from '../runs/run.entity';
import { RunsService } from '../runs/runs.service';
import { type EvaluationResultData, evaluationMetrics, evaluationRunName, evaluationRunParams, mirroredMetrics, resultParams, type RunParamsSource } from './evaluation-contract';
import type { EvaluationJobEntity } from './evaluation-job.entity';

/** Experiment of evaluation runs whose source run is gone (deleted) or unknown. */
export const EVALUATIONS_EXPERIMENT = 'evaluations';

@Injectable()
export class EvaluationRunWriter {
  private readonly logger = new Logger('Evaluations');

  constructor(
    private readonly runs: RunsService,
    private readonly metrics: MetricsService,
    private readonly experiments: ExperimentsService,
    private readonly artifacts: ArtifactsService,
  ) {}

  async create(p: RunParamsSource, source: RunEntity | null, actor: Identity): Promise<RunEntity> {
    const experimentId = source && source.lifecycle === 'active' ? source.experimentId : await this.fallbackExperiment(actor);
    return this.runs.createRun(
      {
        experimentId,
        name: evaluationRunName({ ...p }),
        kind: RunKind.EVALUATION,
        status: RunStatus.RUNNING,
        params: evaluationRunParams(p),
        parentRunId: source?.id ?? null,
      },
      actor,
    );
  }

  /**
   * Called once per job, by the one completion that moved it to SUCCEEDED (a conditional update keyed by attempt), so
   * the metrics are written exactly once. The tracking services own their transactions, so these writes follow the
   * job's commit rather than share it; each step is logged if it fails and the others still run.
   */
  async finish(job: EvaluationJobEntity, result: EvaluationResultData, actor: Identity): Promise<void> {
    if (!job.runId) return;
    const runId = job.runId;
    const step = job.epoch ?? 0;
    const values = evaluationMetrics(result);
    await this.step('params', () => this.runs.logParams(runId, resultParams(result)));
    await this.step('metrics', () => this.metrics.logMetrics(runId, values.map((m) => ({ ...m, step })), actor));
    if (job.mirrorRunId) {
      const mirrorId = job.mirrorRunId;
      await this.step('mirror', () => this.metrics.logMetrics(mirrorId, mirroredMetrics(job.datasetName, values).map((m) => ({ ...m, step })), actor));
    }
    const { prCurve, f1Curve, ...rest } = result;
    await this.step('result.json', () => this.putJson(runId, 'evaluation/result.json', rest, actor));
    await this.step('pr_curve.json', () => this.putJson(runId, 'evaluation/pr_curve.json', { prCurve: prCurve ?? null, f1Curve: f1Curve ?? null }, actor));
    await this.step('status', () => this.runs.updateRun({ id: runId, status: RunStatus.FINISHED }, actor));
  }

  async end(job: EvaluationJobEntity, status: RunStatus.FAILED | RunStatus.KILLED, actor: Identity): Promise<void> {
    if (!job.runId) return;
    const runId = job.runId;
    await this.step('status', () => this.runs.updateRun({ id: runId, status }, actor));
  }

  private async putJson(runId: string, path: string, value: unknown, actor: Identity): Promise<void> {
    const bytes = Buffer.from(JSON.stringify(value));
    await this.artifacts.put(runId, path, Readable.from([bytes]), { actor: actor.name, contentType: 'application/json', declaredSize: bytes.length });
  }

  private async fallbackExperiment(actor: Identity): Promise<string> {
    try {
      return (await this.experiments.get(EVALUATIONS_EXPERIMENT)).id;
    } catch {
      try {
        return (await this.experiments.create({ name: EVALUATIONS_EXPERIMENT, description: 'Evaluation runs of registered models whose source run is gone.' }, actor)).id;
      } catch {
        return (await this.experiments.get(EVALUATIONS_EXPERIMENT)).id; // created concurrently
      }
    }
  }

  private async step(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (e) {
      this.logger.error(`evaluation run ${what} failed: ${(e as Error).message}`, (e as Error).stack);
    }
  }
}
