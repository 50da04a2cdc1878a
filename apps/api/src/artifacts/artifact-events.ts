// The event of a stored artifact: published on the PubSub after commit, and handed to in-process listeners
// (continuous evaluation queues a job when an epoch checkpoint arrives).
import type { ArtifactRow } from './artifact.entity';

export const ARTIFACT_UPLOADED = 'ARTIFACT_UPLOADED';

export interface ArtifactUploadedEvent {
  runId: string;
  path: string;
  size: number;
  sha256: string;
  epoch: number | null;
  contentType: string;
  createdBy: string | null;
}

export type ArtifactListener = (artifact: ArtifactRow) => void | Promise<void>;

export function uploadedEvent(row: ArtifactRow): ArtifactUploadedEvent {
  return { runId: row.runId, path: row.path, size: row.size, sha256: row.sha256, epoch: row.epoch, contentType: row.contentType, createdBy: row.createdBy };
}
