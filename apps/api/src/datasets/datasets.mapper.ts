import type { DatasetEntity } from './dataset.entity';
import type { DatasetType } from './dto/dataset.type';

export const datasetArchiveUrl = (digest: string): string => `/datasets/${digest}.tar`;

export function toDatasetType(e: DatasetEntity): DatasetType {
  return {
    id: e.id,
    name: e.name,
    version: e.version,
    format: e.format,
    digest: e.digest,
    classNames: e.classNames,
    counts: { missingImages: null, crowd: null, ...e.counts },
    archiveUrl: datasetArchiveUrl(e.digest),
    sizeBytes: e.sizeBytes,
    imagesDir: e.imagesDir,
    labelsDir: e.labelsDir,
    annotationsPath: e.annotationsPath,
    createdBy: e.createdBy,
    createdAt: new Date(e.createdAt),
  };
}
