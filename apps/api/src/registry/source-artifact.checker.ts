// What a new model version points at: the source run (full id or short id) and the artifact under it, which must exist.
import { Injectable } from '@nestjs/common';
import { ArtifactsService } from '../artifacts/artifacts.service';
import { notFound } from '../common/app-error';
import { RunsService } from '../runs/runs.service';

export interface ResolvedSource {
  runId: string;
  sha256: string;
}

@Injectable()
export class SourceArtifactChecker {
  constructor(
    private readonly runs: RunsService,
    private readonly artifacts: ArtifactsService,
  ) {}

  async resolve(runIdOrPrefix: string, artifactPath: string): Promise<ResolvedSource> {
    const run = await this.runs.getRun(runIdOrPrefix);
    if (run.lifecycle !== 'active') throw notFound('Run', runIdOrPrefix);
    const [stored] = await this.artifacts.listByRunIds([run.id]);
    const artifact = stored.find((a) => a.path === artifactPath);
    if (!artifact) throw notFound('Artifact', `${run.id}/${artifactPath}`);
    return { runId: run.id, sha256: artifact.sha256 };
  }
}
