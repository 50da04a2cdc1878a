import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/app-config';
import { datasetLimitsOf } from './dataset-limits';

describe('dataset limits in the config', () => {
  it('has sane defaults: 200,000 entries, 64 MiB a file, 50× ratio, 4× the upload limit in all', () => {
    expect(datasetLimitsOf(loadConfig({}))).toEqual({ maxEntries: 200_000, maxFileBytes: 64 * 1024 ** 2, maxImageBytes: 64 * 1024 ** 2, maxExtractedBytes: 8 * 1024 ** 3, maxRatio: 50 });
    expect(loadConfig({ PODIUM_ARTIFACT_MAX_BYTES: '1000' }).datasetMaxExtractedBytes).toBe(4000);
  });

  it('reads each from its variable and lists every bad one at boot', () => {
    const env = {
      PODIUM_DATASET_MAX_ENTRIES: '10',
      PODIUM_DATASET_MAX_FILE_BYTES: '11',
      PODIUM_DATASET_MAX_IMAGE_BYTES: '12',
      PODIUM_DATASET_MAX_EXTRACTED_BYTES: '13',
      PODIUM_DATASET_MAX_RATIO: '14',
    };
    expect(datasetLimitsOf(loadConfig(env))).toEqual({ maxEntries: 10, maxFileBytes: 11, maxImageBytes: 12, maxExtractedBytes: 13, maxRatio: 14 });
    let error: ConfigError | undefined;
    try {
      loadConfig({ PODIUM_DATASET_MAX_ENTRIES: '0', PODIUM_DATASET_MAX_RATIO: 'lots' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      `PODIUM_DATASET_MAX_ENTRIES must be an integer in [1, ${Number.MAX_SAFE_INTEGER}], got "0"`,
      `PODIUM_DATASET_MAX_RATIO must be an integer in [1, ${Number.MAX_SAFE_INTEGER}], got "lots"`,
    ]);
  });
});
