import { describe, expect, it } from 'vitest';
import { cpus } from 'node:os';
import { defaultDecode, parseWorkerConfig, WorkerConfigError } from './worker-config';

describe('parseWorkerConfig', () => {
  it('applies defaults', () => {
    const config = parseWorkerConfig({});
    expect(config).toMatchObject({ apiUrl: 'http://127.0.0.1:4000', cudaDeviceId: 0, executionProvider: 'AUTO', tensorCacheGb: 20 });
    expect(config.decode).toEqual(defaultDecode(cpus().length));
    expect(config.token).toBeUndefined();
    expect(config.cacheDir).toMatch(/data\/worker-cache$/);
  });

  it('decodes in threads on a small machine and in processes from 8 cores', () => {
    expect(defaultDecode(2)).toEqual({ helpers: 1, kind: 'thread' });
    expect(defaultDecode(4)).toEqual({ helpers: 1, kind: 'thread' });
    expect(defaultDecode(8)).toEqual({ helpers: 4, kind: 'process' });
    expect(defaultDecode(16)).toEqual({ helpers: 8, kind: 'process' });
    expect(defaultDecode(96)).toEqual({ helpers: 16, kind: 'process' });
  });

  it('reads every key', () => {
    const config = parseWorkerConfig({
      PODIUM_API_URL: 'https://podium.example',
      PODIUM_WORKER_TOKEN: 'pdm_w_x',
      PODIUM_WORKER_NAME: 'gpu-7',
      PODIUM_CUDA_DEVICE_ID: '3',
      PODIUM_EXECUTION_PROVIDER: 'cuda',
      PODIUM_WORKER_CACHE_DIR: '/var/cache/podium',
      PODIUM_WORKER_TENSOR_CACHE_GB: '0',
      PODIUM_WORKER_DECODE_MODE: 'process',
      PODIUM_WORKER_DECODE_HELPERS: '12',
    });
    expect(config).toEqual({
      apiUrl: 'https://podium.example',
      token: 'pdm_w_x',
      name: 'gpu-7',
      cudaDeviceId: 3,
      executionProvider: 'CUDA',
      cacheDir: '/var/cache/podium',
      tensorCacheGb: 0,
      decode: { helpers: 12, kind: 'process' },
    });
  });

  it('lists every bad key in one error', () => {
    try {
      parseWorkerConfig({
        PODIUM_API_URL: 'nope',
        PODIUM_CUDA_DEVICE_ID: '-1',
        PODIUM_EXECUTION_PROVIDER: 'TPU',
        PODIUM_WORKER_TENSOR_CACHE_GB: 'lots',
        PODIUM_WORKER_DECODE_MODE: 'fibers',
        PODIUM_WORKER_DECODE_HELPERS: '0',
      });
      throw new Error('expected a WorkerConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(WorkerConfigError);
      expect((error as WorkerConfigError).problems).toEqual([
        'PODIUM_API_URL is not a URL: nope',
        'PODIUM_CUDA_DEVICE_ID must be a non-negative integer, got -1',
        'PODIUM_EXECUTION_PROVIDER must be one of AUTO, CUDA, CPU, got TPU',
        'PODIUM_WORKER_TENSOR_CACHE_GB must be a non-negative number, got lots',
        'PODIUM_WORKER_DECODE_MODE must be thread or process, got fibers',
        'PODIUM_WORKER_DECODE_HELPERS must be an integer in [1, 256], got 0',
      ]);
    }
  });
});
