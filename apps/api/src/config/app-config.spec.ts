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
    expect(config).toMatchObject({ logLevel: 'debug', logFormat: 'json', dbWaitSeconds: 0, metricsPort: 9464, metricsHost: '0.0.0.0', shutdownGraceSeconds: 30, sharedWorkerTokenFile: '/enroll/worker-token' });
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
