// What an evaluation job evaluates: a run's artifact, or a registered model version (resolved to its source run's
// artifact through the registry). The artifact must exist when the job is queued.
import { Injectable } from '@nestjs/common';
import { ArtifactsService } from '../artifacts/artifacts.service';
import { badInput, failedPrecondition, notFound } from '../common/app-error';
import { ModelRegistryService } from '../registry/model-registry.service';
import type { RunEntity } from '../runs/run.entity';
import { RunsService } from '../runs/runs.service';

export interface ModelSource {
  sourceRun: RunEntity | null;
  artifactPath: string;
  modelName: string | null;
  modelVersion: number | null;
}

export interface ModelRequest {
  runId?: string | null;
  artifactPath?: string | null;
  modelName?: string | null;
  version?: number | null;
}

@Injectable()
export class ModelSourceLookup {
  constructor(
    private readonly runs: RunsService,
    private readonly artifacts: ArtifactsService,
    private readonly registry: ModelRegistryService,
  ) {}

  /** runId + artifactPath, or modelName + version (the registry names the source run and artifact). */
  async resolve(req: ModelRequest): Promise<ModelSource> {
    const byRun = req.runId != null || req.artifactPath != null;
    const byModel = req.modelName != null || req.version != null;
    if (byRun === byModel) throw badInput('give either runId and artifactPath, or modelName and version');
    if (byModel) {
      if (req.modelName == null || req.version == null) throw badInput('modelName and version go together');
      const { version } = await this.registry.getVersion(req.modelName, req.version);
      const sourceRun = version.sourceRunId ? ((await this.runs.findRunsByIds([version.sourceRunId]))[0] ?? null) : null;
      if (!sourceRun) throw failedPrecondition(`model ${req.modelName} version ${req.version} has no source run holding its artifact`);
      await this.requireArtifact(sourceRun.id, version.artifactPath);
      return { sourceRun, artifactPath: version.artifactPath, modelName: req.modelName, modelVersion: req.version };
    }
    if (req.runId == null || req.artifactPath == null) throw badInput('runId and artifactPath go together');
    const sourceRun = await this.runs.getRun(req.runId);
    await this.requireArtifact(sourceRun.id, req.artifactPath);
    return { sourceRun, artifactPath: req.artifactPath, modelName: null, modelVersion: null };
  }

  private async requireArtifact(runId: string, path: string): Promise<void> {
    const [rows] = await this.artifacts.listByRunIds([runId]);
    if (!rows.some((a) => a.path === path)) throw notFound('Artifact', `${runId}/${path}`);
  }
}
