import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig: operations keys', () => {
  it('has defaults: info logs in auto format, a 60 s database wait, no metrics port, 10 s shutdown grace', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ logLevel: 'info', logFormat: 'auto', dbWaitSeconds: 60, metricsHost: '127.0.0.1', shutdownGraceSeconds: 10 });
    expect(config.metricsPort).toBeUndefined();
    expect(config.sharedWorkerTokenFile).toBeUndefined();
  });

  it('reads every key', () => {
    const config = loadConfig({
      LOG_LEVEL: 'Debug',
      LOG_FORMAT: 'json',
      PODIUM_DB_WAIT_SECONDS: '0',
      PODIUM_METRICS_PORT: '9464',
      PODIUM_METRICS_HOST: '0.0.0.0',
      PODIUM_SHUTDOWN_GRACE_SECONDS: '30',
      PODIUM_SHARED_WORKER_TOKEN_FILE: '/enroll/worker-token',
    });
    expect(config).toMatchObject({
      logLevel: 'debug',
      logFormat: 'json',
      dbWaitSeconds: 0,
      metricsPort: 9464,
      metricsHost: '0.0.0.0',
      shutdownGraceSeconds: 30,
      sharedWorkerTokenFile: '/enroll/worker-token',
    });
  });

  it('lists every bad key in one error', () => {
    let error: unknown;
    try {
      loadConfig({ LOG_LEVEL: 'loud', LOG_FORMAT: 'xml', PODIUM_DB_WAIT_SECONDS: '-1', PODIUM_METRICS_PORT: '70000', PODIUM_METRICS_HOST: 'metrics.example', PODIUM_SHUTDOWN_GRACE_SECONDS: 'soon' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'LOG_FORMAT must be one of auto, json, pretty, got "xml"',
      'PODIUM_DB_WAIT_SECONDS must be an integer in [0, 3600], got "-1"',
      'PODIUM_METRICS_PORT must be an integer in [1, 65535], got "70000"',
      'PODIUM_METRICS_HOST must be an IP address or localhost, got "metrics.example"',
      'PODIUM_SHUTDOWN_GRACE_SECONDS must be an integer in [0, 3600], got "soon"',
    ]);
  });
});

describe('loadConfig: the artifact store', () => {
  it('is the data folder by default, an S3 bucket with a prefix and endpoint when asked', () => {
    expect(loadConfig({}).artifactStore).toEqual({ kind: 'file' });
    expect(loadConfig({ PODIUM_ARTIFACT_STORE: 's3://podium-artifacts/team/a/', PODIUM_S3_ENDPOINT: 'http://minio:9000' }).artifactStore).toEqual({
      kind: 's3',
      bucket: 'podium-artifacts',
      prefix: 'team/a',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
    });
    expect(loadConfig({ PODIUM_ARTIFACT_STORE: 's3://bucket' }).artifactStore).toEqual({ kind: 's3', bucket: 'bucket', prefix: '', endpoint: undefined, forcePathStyle: false });
  });

  it('refuses a bad URL, a bad endpoint and an endpoint without a bucket, in one error', () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ PODIUM_ARTIFACT_STORE: 's3://Bad_Bucket/x' })).toEqual([
      'PODIUM_ARTIFACT_STORE must be "file" or s3://bucket[/prefix] (a valid bucket name, a relative prefix), got "s3://Bad_Bucket/x"',
    ]);
    expect(problems({ PODIUM_ARTIFACT_STORE: 's3://bucket/a/../b' })).toHaveLength(1);
    expect(problems({ PODIUM_ARTIFACT_STORE: 's3://bucket', PODIUM_S3_ENDPOINT: 'minio:9000', PODIUM_S3_FORCE_PATH_STYLE: 'maybe' })).toEqual([
      'PODIUM_S3_ENDPOINT must be an http(s):// URL, got "minio:9000"',
      'PODIUM_S3_FORCE_PATH_STYLE must be a boolean (true/false), got "maybe"',
    ]);
    expect(problems({ PODIUM_S3_ENDPOINT: 'http://minio:9000' })).toEqual(['PODIUM_S3_ENDPOINT is set but PODIUM_ARTIFACT_STORE is not an s3:// URL']);
    expect(problems({ PODIUM_ARTIFACT_STORE: 's3://bucket', PODIUM_ARTIFACT_MAX_BYTES: String(6 * 1024 ** 3) })).toEqual([
      `PODIUM_ARTIFACT_MAX_BYTES must be at most ${5 * 1024 ** 3} (5 GiB) with an s3:// store (one server-side copy places each blob), got ${6 * 1024 ** 3}`,
    ]);
  });
});
