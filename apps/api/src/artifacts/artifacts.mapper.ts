import type { ArtifactRow } from './artifact.entity';
import type { ArtifactType } from './dto/artifact.type';

export function artifactDownloadUrl(runId: string, path: string): string {
  return `/artifacts/${encodeURIComponent(runId)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function toArtifactType(row: ArtifactRow): ArtifactType {
  return {
    path: row.path,
    size: row.size,
    sha256: row.sha256,
    epoch: row.epoch,
    contentType: row.contentType,
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt),
    downloadUrl: artifactDownloadUrl(row.runId, row.path),
  };
}
