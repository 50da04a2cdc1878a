// Writes the evaluation run of a job through the tracking services (runs, metrics, artifacts): created RUNNING with
// the settings as params when the job is queued; finished with the result's metrics (and the continuous-evaluation
// mirror on the training run) in the transaction that moves the job to SUCCEEDED; FAILED or KILLED in the one that
// ends it otherwise.
import { Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ArtifactsService } from '../artifacts/artifacts.service';
import type { Identity } from '../auth/roles';
import { Database, type UnitOfWork } from '../database/database';
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

/** The files finish writes (pr_curve.json last): a SUCCEEDED job's run without them needs repair. */
const RESULT_FILES = ['evaluation/result.json', 'evaluation/pr_curve.json'];

@Injectable()
export class EvaluationRunWriter {
  private readonly logger = new Logger('Evaluations');

  constructor(
    private readonly db: Database,
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
   * Records a SUCCEEDED job's result on its evaluation run, in `uow` (the unit of work that moves the job) or its own:
   * the result params, the metrics at step = epoch, their mirror on the training run (while it is active), and the
   * move to FINISHED all commit with the job's SUCCEEDED, or nothing does (a deleted evaluation run refuses them, so
   * the completion fails and the job stays reportable). Each write is idempotent (params are immutable, a metric batch
   * is skipped when its step is logged, only an open run is ended), so repair may run it again. Events go after commit.
   */
  async finish(job: EvaluationJobEntity, result: EvaluationResultData, uow?: UnitOfWork): Promise<void> {
    const runId = job.runId;
    if (!runId) return;
    await this.db.write(async (tx) => {
      const step = job.epoch ?? 0;
      const values = evaluationMetrics(result);
      await this.runs.logParams(runId, resultParams(result), tx);
      if (!(await this.metrics.hasPointAt(tx, runId, 'map50', step)))
        await this.metrics.logMetrics(
          runId,
          values.map((m) => ({ ...m, step })),
          { uow: tx, source: 'evaluation' },
        );
      if (job.mirrorRunId) {
        const mirrorId = job.mirrorRunId;
        const mirrored = mirroredMetrics(job.datasetName, values);
        // The training run is another owner's: a deleted or vanished one simply gets no mirror.
        if ((await this.runs.holdActive(tx, mirrorId)) && !(await this.metrics.hasPointAt(tx, mirrorId, mirrored[0].key, step))) {
          await this.metrics.logMetrics(
            mirrorId,
            mirrored.map((m) => ({ ...m, step })),
            { uow: tx, source: 'evaluation' },
          );
        }
      }
      await this.runs.endIfOpen(tx, runId, RunStatus.FINISHED);
    }, uow);
  }

  /**
   * The result files of a SUCCEEDED job (result.json, then pr_curve.json), written after its commit: files are not
   * transactional. Replaced when written again; a failure is logged, and repairOpenRuns writes what is missing.
   */
  async writeResultFiles(job: EvaluationJobEntity, result: EvaluationResultData, actor: Identity): Promise<void> {
    if (!job.runId) return;
    const runId = job.runId;
    const { prCurve, f1Curve, ...rest } = result;
    await this.step('result.json', () => this.putJson(runId, RESULT_FILES[0], rest, actor));
    await this.step('pr_curve.json', () => this.putJson(runId, RESULT_FILES[1], { prCurve: prCurve ?? null, f1Curve: f1Curve ?? null }, actor));
  }

  /**
   * Ends the evaluation run of a job that ended without a result, in `uow` (the unit of work that ends the job) or its
   * own: KILLED when the job was CANCELLED, else FAILED. Never refuses (a job must always be able to end): a run that
   * is gone, deleted or already ended is left as it is. Its event goes after commit. In its own unit of work (a job
   * whose insert failed; repair) a failure is logged, not thrown.
   */
  async end(job: EvaluationJobEntity, uow?: UnitOfWork): Promise<void> {
    const runId = job.runId;
    if (!runId) return;
    const status = job.status === EvaluationJobStatus.CANCELLED ? RunStatus.KILLED : RunStatus.FAILED;
    const write = () => this.db.write((tx) => this.runs.endIfOpen(tx, runId, status), uow);
    if (uow) await write();
    else await this.step('status', write);
  }

  /**
   * The runs among these ended jobs' that need repair: an active run left RUNNING (by a version that wrote the job and
   * its run in two transactions), or a SUCCEEDED job's run without its result files (the api stopped before them).
   */
  async runsToRepair(jobs: readonly Pick<EvaluationJobEntity, 'runId' | 'status'>[]): Promise<Set<string>> {
    const runs = await this.runs.findRunsByIds(jobs.map((j) => j.runId!));
    const active = new Map(runs.filter((r) => r.lifecycle === 'active').map((r) => [r.id, r]));
    const out = new Set([...active.values()].filter((r) => r.status === RunStatus.RUNNING).map((r) => r.id));
    const succeeded = jobs.filter((j) => j.status === EvaluationJobStatus.SUCCEEDED && active.has(j.runId!) && !out.has(j.runId!)).map((j) => j.runId!);
    const files = await this.artifacts.listByRunIds(succeeded);
    succeeded.forEach((runId, i) => {
      const paths = new Set(files[i].map((a) => a.path));
      if (!RESULT_FILES.every((p) => paths.has(p))) out.add(runId);
    });
    return out;
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
