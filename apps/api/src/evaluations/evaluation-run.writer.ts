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
import { EvaluationJobStatus } from './evaluation-job-status';

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
   * Called by the one completion that moved the job to SUCCEEDED (a conditional update keyed by attempt). The tracking
   * services own their transactions, so these writes follow the job's commit rather than share it. Each step is
   * idempotent (params are immutable, a metric batch is skipped when its step is already logged, artifacts are
   * replaced, the status move comes last), so the lease sweeper can finish a run that a crash left RUNNING without
   * duplicating a metric step. A failed step is logged and the others still run.
   */
  async finish(job: EvaluationJobEntity, result: EvaluationResultData, actor: Identity): Promise<void> {
    if (!job.runId) return;
    const runId = job.runId;
    const step = job.epoch ?? 0;
    const values = evaluationMetrics(result);
    await this.step('params', () => this.runs.logParams(runId, resultParams(result)));
    await this.step('metrics', async () => {
      if (!(await this.hasPointAt(runId, 'map50', step))) await this.metrics.logMetrics(runId, values.map((m) => ({ ...m, step })), actor);
    });
    if (job.mirrorRunId) {
      const mirrorId = job.mirrorRunId;
      const mirrored = mirroredMetrics(job.datasetName, values);
      await this.step('mirror', async () => {
        if (!(await this.hasPointAt(mirrorId, mirrored[0].key, step))) await this.metrics.logMetrics(mirrorId, mirrored.map((m) => ({ ...m, step })), actor);
      });
    }
    const { prCurve, f1Curve, ...rest } = result;
    await this.step('result.json', () => this.putJson(runId, 'evaluation/result.json', rest, actor));
    await this.step('pr_curve.json', () => this.putJson(runId, 'evaluation/pr_curve.json', { prCurve: prCurve ?? null, f1Curve: f1Curve ?? null }, actor));
    await this.step('status', async () => {
      const [run] = await this.runs.findRunsByIds([runId]);
      if (run?.status === RunStatus.RUNNING) await this.runs.updateRun({ id: runId, status: RunStatus.FINISHED }, actor);
    });
  }

  /** A job that ends without a result: its run is KILLED when the job was CANCELLED, else FAILED. */
  async end(job: EvaluationJobEntity, actor: Identity): Promise<void> {
    if (!job.runId) return;
    const runId = job.runId;
    const status = job.status === EvaluationJobStatus.CANCELLED ? RunStatus.KILLED : RunStatus.FAILED;
    await this.step('status', () => this.runs.updateRun({ id: runId, status }, actor));
  }

  /** The evaluation run's status for each job's run (finished jobs whose run is still RUNNING need repair). */
  async openRunIds(runIds: string[]): Promise<Set<string>> {
    const runs = await this.runs.findRunsByIds(runIds);
    return new Set(runs.filter((r) => r.status === RunStatus.RUNNING).map((r) => r.id));
  }

  /** One batch holds every key, so its first key at `step` tells whether the batch was logged. */
  private async hasPointAt(runId: string, key: string, step: number): Promise<boolean> {
    for (let after: string | null = null; ; ) {
      const page = await this.metrics.history(runId, key, 1000, after);
      if (page.nodes.some((p) => p.step === step)) return true;
      if (!page.hasNextPage) return false;
      after = page.endCursor;
    }
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
