import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDecode, parseWorkerConfig, WorkerConfigError } from './worker-config';

describe('parseWorkerConfig', () => {
  it('applies defaults', () => {
    const config = parseWorkerConfig({});
    expect(config).toMatchObject({ apiUrl: 'http://127.0.0.1:4000', cudaDeviceId: 0, executionProvider: 'AUTO', tensorCacheGb: 20, logLevel: 'info', logFormat: 'auto', healthHost: '127.0.0.1' });
    expect(config.decode).toEqual(defaultDecode(cpus().length));
    expect(config.token).toBeUndefined();
    expect(config.healthPort).toBeUndefined();
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
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      PODIUM_WORKER_HEALTH_PORT: '9465',
      PODIUM_WORKER_HEALTH_HOST: '0.0.0.0',
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
      logLevel: 'warn',
      logFormat: 'json',
      healthPort: 9465,
      healthHost: '0.0.0.0',
    });
  });

  it('reads the token from PODIUM_WORKER_TOKEN_FILE when PODIUM_WORKER_TOKEN is unset', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'podium-wc-')), 'worker-token');
    writeFileSync(file, 'pod_from_file\n');
    expect(parseWorkerConfig({ PODIUM_WORKER_TOKEN_FILE: file }).token).toBe('pod_from_file');
    expect(parseWorkerConfig({ PODIUM_WORKER_TOKEN_FILE: file, PODIUM_WORKER_TOKEN: 'pod_env' }).token).toBe('pod_env');
    expect(() => parseWorkerConfig({ PODIUM_WORKER_TOKEN_FILE: join(file, 'missing') })).toThrow(/PODIUM_WORKER_TOKEN_FILE .*missing cannot be read: ENOTDIR/);
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
        LOG_LEVEL: 'chatty',
        PODIUM_WORKER_HEALTH_PORT: '0',
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
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got chatty',
        'PODIUM_WORKER_HEALTH_PORT must be a port number (1-65535), got 0',
      ]);
    }
  });
});
