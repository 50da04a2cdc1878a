// The heavy part of registering a dataset, run on the intake thread: extract, list, validate, check images, digest, tar.
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { badInput } from '../common/app-error';
import { extractArchive, writeNormalisedTar } from './dataset-archive';
import { datasetDigest } from './dataset-digest';
import type { DatasetLayout } from './dataset-layout';
import { checkImages } from './dataset-images';
import type { DatasetLimits } from './dataset-limits';
import { type DatasetSource, FolderSource } from './dataset-source';
import { validateCoco } from './validate-coco';
import { validateYolo } from './validate-yolo';

export interface IntakeJob {
  /** An uploaded tar/zip to extract under `workDir`, or a server-side folder read in place. */
  source: { archive: string } | { folder: string };
  /** A private folder of this job; the caller removes it whatever happens. */
  workDir: string;
  /** Where the file adapter keeps registered archives (`<digest>.tar`): an existing one is not written again. Unset on
   * object storage: the tar is written and the store skips one it has. */
  archiveDir?: string;
  /** `DatasetFormat` values; plain strings so this thread loads no GraphQL. */
  format: 'YOLO' | 'COCO';
  classNames?: string[];
  limits: DatasetLimits;
}

export interface IntakeResult {
  digest: string;
  layout: DatasetLayout;
  sizeBytes: number;
  /** The normalised tar written under workDir, to move to `<archiveDir>/<digest>.tar`; null when that exists already. */
  tarPath: string | null;
}

export async function runIntake(job: IntakeJob): Promise<IntakeResult> {
  const spool = join(job.workDir, 'spool');
  let source: DatasetSource | undefined;
  try {
    source = 'archive' in job.source ? await extractArchive(job.source.archive, spool, job.limits) : new FolderSource(job.source.folder, job.limits);
    if (!source.files.length) throw badInput('dataset is empty');
    const layout = job.format === 'YOLO' ? validateYolo(source, job.classNames) : validateCoco(source, job.limits.maxFileBytes);
    await checkImages(source);
    const digest = datasetDigest(source);
    const existing = job.archiveDir ? join(job.archiveDir, `${digest}.tar`) : '';
    if (existing && existsSync(existing)) return { digest, layout, sizeBytes: statSync(existing).size, tarPath: null };
    const tarPath = join(job.workDir, `${digest}.tar`);
    return { digest, layout, sizeBytes: writeNormalisedTar(source, tarPath), tarPath };
  } finally {
    source?.close();
    rmSync(spool, { force: true });
  }
}
