import { describe, expect, it } from 'vitest';
import { parseWorkerConfig, WorkerConfigError } from './worker-config';

describe('parseWorkerConfig', () => {
  it('applies defaults', () => {
    const config = parseWorkerConfig({});
    expect(config).toMatchObject({ apiUrl: 'http://127.0.0.1:4000', cudaDeviceId: 0, executionProvider: 'AUTO', decodeCacheMb: 1024 });
    expect(config.token).toBeUndefined();
    expect(config.cacheDir).toMatch(/data\/worker-cache$/);
  });

  it('reads every key', () => {
    const config = parseWorkerConfig({
      PODIUM_API_URL: 'https://podium.example',
      PODIUM_WORKER_TOKEN: 'pdm_w_x',
      PODIUM_WORKER_NAME: 'gpu-7',
      PODIUM_CUDA_DEVICE_ID: '3',
      PODIUM_EXECUTION_PROVIDER: 'cuda',
      PODIUM_WORKER_CACHE_DIR: '/var/cache/podium',
      PODIUM_WORKER_DECODE_CACHE_MB: '0',
    });
    expect(config).toEqual({ apiUrl: 'https://podium.example', token: 'pdm_w_x', name: 'gpu-7', cudaDeviceId: 3, executionProvider: 'CUDA', cacheDir: '/var/cache/podium', decodeCacheMb: 0 });
  });

  it('lists every bad key in one error', () => {
    try {
      parseWorkerConfig({ PODIUM_API_URL: 'nope', PODIUM_CUDA_DEVICE_ID: '-1', PODIUM_EXECUTION_PROVIDER: 'TPU', PODIUM_WORKER_DECODE_CACHE_MB: 'lots' });
      throw new Error('expected a WorkerConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(WorkerConfigError);
      expect((error as WorkerConfigError).problems).toHaveLength(4);
      expect((error as Error).message).toMatch(/PODIUM_API_URL.*\n.*PODIUM_CUDA_DEVICE_ID.*\n.*PODIUM_EXECUTION_PROVIDER.*\n.*PODIUM_WORKER_DECODE_CACHE_MB/s);
    }
  });
});
