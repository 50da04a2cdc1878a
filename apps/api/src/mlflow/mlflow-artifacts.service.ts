// MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/<experiment_id>/<run_id>/artifacts/<path>`) and the
// tracking API's artifacts/list, over Podium's artifact store: the same files, sizes and sha256 as
// `PUT /artifacts/{runId}/{path}`. A run's artifact_uri is `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`.
import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Identity } from '../auth/roles';
import { badInput, notFound } from '../common/app-error';
import { artifactPathFromUrl, validateArtifactPath } from '../artifacts/artifact-path';
import type { ArtifactRow } from '../artifacts/artifact.entity';
import { ArtifactsService } from '../artifacts/artifacts.service';
import type { RunEntity } from '../runs/run.entity';
import { RunsService } from '../runs/runs.service';
import type { MlflowParams } from './mlflow-params';
import { requireRunId } from './mlflow-runs.service';
import { artifactUriOf } from './mlflow.mapper';

export interface MlflowFileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** The run's artifacts folder segment of a proxy path: `<experiment_id>/<run_id>/artifacts/…`. */
const ARTIFACTS_SEGMENT = 'artifacts';

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badInput(`Artifact path segment "${raw}" is not valid percent-encoding`);
  }
}

/** The direct children of `dir` ('' for the root) among a run's artifacts: files with their size, then folders. */
export function childrenOf(rows: readonly Pick<ArtifactRow, 'path' | 'size'>[], dir: string, prefix = ''): MlflowFileInfo[] {
  const under = dir === '' ? '' : `${dir}/`;
  const files = new Map<string, MlflowFileInfo>();
  for (const row of rows) {
    if (!row.path.startsWith(under)) continue;
    const rest = row.path.slice(under.length);
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    if (files.has(name)) continue;
    files.set(name, slash < 0 ? { path: prefix + name, is_dir: false, file_size: row.size } : { path: prefix + name, is_dir: true });
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

@Injectable()
export class MlflowArtifactsService {
  constructor(
    private readonly artifacts: ArtifactsService,
    private readonly runs: RunsService,
  ) {}

  /** PUT of the proxy: stores the body as the run's artifact. */
  async put(rawPath: string, body: Readable, caller: Identity, contentType: string | undefined, declaredSize: number | undefined): Promise<object> {
    const { run, path } = await this.fileTarget(rawPath);
    await this.artifacts.put(run.id, path, body, { actor: caller.name, contentType, declaredSize });
    return {};
  }

  /** GET of the proxy: the stored row and a stream of its bytes. */
  async open(rawPath: string): Promise<{ row: ArtifactRow; stream: Readable }> {
    const { run, path } = await this.fileTarget(rawPath);
    return this.artifacts.open(run.id, path);
  }

  /** GET `/mlflow-artifacts/artifacts?path=<experiment_id>/<run_id>/artifacts/<dir>`: the folder's direct children, by name. */
  async listProxy(p: MlflowParams): Promise<object> {
    const given = p.string('path', 2048) ?? '';
    const segments = given === '' ? [] : validateArtifactPath(given.replace(/\/+$/, '')).split('/');
    if (segments.length < 2) return { files: [] };
    const run = await this.runIn(segments[0], segments[1]);
    if (segments.length === 2) return { files: [{ path: ARTIFACTS_SEGMENT, is_dir: true }] };
    if (segments[2] !== ARTIFACTS_SEGMENT) return { files: [] };
    const [rows] = await this.artifacts.listByRunIds([run.id]);
    return { files: childrenOf(rows, segments.slice(3).join('/')) };
  }

  /** artifacts/list of the tracking API: a run folder's direct children, with paths from the run's root. */
  async listTracking(p: MlflowParams): Promise<object> {
    const run = await this.runs.getRun(requireRunId(p.runId()));
    const given = (p.string('path', 2048) ?? '').replace(/\/+$/, '');
    const dir = given === '' ? '' : validateArtifactPath(given);
    const [rows] = await this.artifacts.listByRunIds([run.id]);
    return { root_uri: artifactUriOf(run), files: childrenOf(rows, dir, dir === '' ? '' : `${dir}/`) };
  }

  /** `<experiment_id>/<run_id>/artifacts/<path>` (still percent-encoded) → the run and the decoded artifact path. */
  private async fileTarget(rawPath: string): Promise<{ run: RunEntity; path: string }> {
    const [experimentId, runId, folder, ...rest] = rawPath.split('/');
    if (runId === undefined || folder !== ARTIFACTS_SEGMENT || rest.length === 0) {
      throw badInput(`Expected an artifact path <experiment_id>/<run_id>/${ARTIFACTS_SEGMENT}/<path>, got "${rawPath}"`);
    }
    const run = await this.runIn(decodeSegment(experimentId), decodeSegment(runId));
    return { run, path: artifactPathFromUrl(rest.join('/')) };
  }

  /** The run, which must belong to the experiment its path names. */
  private async runIn(experimentId: string, runId: string): Promise<RunEntity> {
    const run = await this.runs.getRun(requireRunId(runId));
    if (run.experimentId !== experimentId.toLowerCase()) throw notFound('Run', `${runId} in experiment ${experimentId}`);
    return run;
  }
}
