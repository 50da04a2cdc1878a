// The bounds every dataset intake works within (archive upload, admin folder import, demo seeder): from the config.
import type { AppConfig } from '../config/app-config';

export interface DatasetLimits {
  /** Entries of an archive (files and folders) or files of a folder. */
  maxEntries: number;
  /** Largest label, annotation or other non-image file. */
  maxFileBytes: number;
  /** Largest image file. */
  maxImageBytes: number;
  /** Largest total of the files. */
  maxExtractedBytes: number;
  /** Largest ratio of extracted bytes to the archive's own bytes, past RATIO_ALLOWANCE_BYTES. */
  maxRatio: number;
}

/** Any archive may extract to this much whatever its ratio: a tiny archive of a few text files is no bomb. */
export const RATIO_ALLOWANCE_BYTES = 1024 * 1024;

/** How many problems (bad rows, bad images) an error names; the rest are counted. */
export const MAX_REPORTED_PROBLEMS = 20;

export function datasetLimitsOf(config: AppConfig): DatasetLimits {
  return {
    maxEntries: config.datasetMaxEntries,
    maxFileBytes: config.datasetMaxFileBytes,
    maxImageBytes: config.datasetMaxImageBytes,
    maxExtractedBytes: config.datasetMaxExtractedBytes,
    maxRatio: config.datasetMaxRatio,
  };
}
