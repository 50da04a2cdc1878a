// Continuous evaluation: an ONNX checkpoint stored with an epoch on a run that names an evaluation dataset queues a
// job (epoch = step; imgsz from the run's `imgsz` param, else 640) whose results are mirrored onto that run.
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ArtifactRow } from '../artifacts/artifact.entity';
import { ArtifactsService } from '../artifacts/artifacts.service';
import { Role } from '../auth/roles';
import { DatasetsService } from '../datasets/datasets.service';
import { RunsService } from '../runs/runs.service';
import { isValidImgsz, validateSettings } from './evaluation-contract';
import { EvaluationJobsService } from './evaluation-jobs.service';

@Injectable()
export class ContinuousEvaluationListener implements OnModuleInit {
  private readonly logger = new Logger('Evaluations');

  constructor(
    private readonly artifacts: ArtifactsService,
    private readonly runs: RunsService,
    private readonly datasets: DatasetsService,
    private readonly jobs: EvaluationJobsService,
  ) {}

  onModuleInit(): void {
    this.artifacts.onArtifactStored((row) => this.onStored(row));
  }

  async onStored(row: ArtifactRow): Promise<void> {
    if (row.epoch === null || !row.path.toLowerCase().endsWith('.onnx')) return;
    const run = await this.runs.getRun(row.runId);
    if (!run.evaluationDataset) return;
    const dataset = await this.datasets.get(run.evaluationDataset);
    if (!dataset) {
      this.logger.warn(`run ${run.id}: evaluation dataset "${run.evaluationDataset}" is not registered; epoch ${row.epoch} not evaluated`);
      return;
    }
    const params = (await this.runs.paramsByRunIds([run.id])).get(run.id) ?? [];
    const imgsz = Number(params.find((p) => p.key === 'imgsz')?.value);
    const settings = validateSettings({ imgsz: isValidImgsz(imgsz) ? imgsz : 640 }, dataset.classNames.length);
    const actor = { name: row.createdBy ?? 'system', role: Role.EDITOR };
    const job = await this.jobs.enqueue({ source: { sourceRun: run, artifactPath: row.path, modelName: null, modelVersion: null }, dataset, settings, epoch: row.epoch, mirrorRunId: run.id }, actor);
    this.logger.log(`continuous evaluation: queued job ${job.id} for ${run.id}/${row.path} (epoch ${row.epoch}) on ${dataset.name}`);
  }
}
