// The api's configuration: parsed and validated once at boot; process.env is read nowhere else (CONTRIBUTING.md rule 9).
import { type LogFormat, type LogLevel, parseLogFormat, parseLogLevel } from '@podium/logging';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

export type AuthMode = 'local' | 'token' | 'disabled';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL URL; when absent the embedded SQLite file `<dataDir>/podium.sqlite` is used. */
  databaseUrl?: string;
  sqlitePath: string;
  redisUrl?: string;
  corsOrigins: string[];
  authMode: AuthMode;
  introspection: boolean;
  artifactMaxBytes: number;
  /** Where artifact and dataset bytes live: the data folder (default) or S3-compatible storage (docs/scaled.md). */
  artifactStore: ArtifactStoreConfig;
  bodyLimitBytes: number;
  maxQueryDepth: number;
  maxQueryComplexity: number;
  mutationRateLimitPerMinute: number;
  /** Distinct metric keys a run may have; a batch that would pass it is refused whole (docs/limits.md). */
  maxMetricKeysPerRun: number;
  /** How long a logMetrics idempotency key is remembered per run (seconds) before a retry with it stores again. */
  metricIdempotencyTtlSeconds: number;
  /** Start one local gpu-worker beside the api (embedded default). */
  localWorker: boolean;
  /** Register the demo COCO128 dataset on first start. */
  seedDemo: boolean;
  /** How often expired evaluation-job leases are re-queued (seconds). */
  leaseSweepSeconds: number;
  /** Dataset intake limits (docs/dataset-intake.md): entries of one archive or folder. */
  datasetMaxEntries: number;
  /** Largest label, annotation or other non-image file of a dataset, in bytes. */
  datasetMaxFileBytes: number;
  /** Largest image file of a dataset, in bytes. */
  datasetMaxImageBytes: number;
  /** Largest total of a dataset's files once extracted, in bytes. */
  datasetMaxExtractedBytes: number;
  /** Largest ratio of extracted bytes to the uploaded archive's bytes (above a 1 MiB allowance). */
  datasetMaxRatio: number;
  logLevel: LogLevel;
  /** `auto` (pretty on a terminal when pino-pretty is installed), `json` or `pretty`. */
  logFormat: LogFormat;
  /** How long start-up waits for PostgreSQL to accept connections (retrying with backoff) before giving up; 0: once. */
  dbWaitSeconds: number;
  /** A second listener serving only GET /metrics, without auth, on metricsHost (unset: none). */
  metricsPort?: number;
  metricsHost: string;
  /** On SIGTERM/SIGINT: how long in-flight HTTP requests may take to finish before their connections are cut. */
  shutdownGraceSeconds: number;
  /**
   * Where the api keeps the secret of a WORKER token (named `shared-worker`) for workers started beside it that read
   * it with PODIUM_WORKER_TOKEN_FILE (docker compose); unset: none.
   */
  sharedWorkerTokenFile?: string;
}

export type ArtifactStoreConfig =
  | { kind: 'file' }
  | {
      kind: 's3';
      bucket: string;
      /** Key prefix without a trailing slash ('' for the bucket's root). */
      prefix: string;
      /** PODIUM_S3_ENDPOINT: MinIO, Ceph, R2…; unset: AWS. Region and credentials come from the AWS SDK's chain. */
      endpoint?: string;
      /** Path-style URLs (`endpoint/bucket/key`), what most S3-compatible servers want; default: on with an endpoint. */
      forcePathStyle: boolean;
    };

/** The largest object one S3 server-side copy takes: the S3 store places each blob with one. */
export const S3_MAX_COPY_BYTES = 5 * 1024 ** 3;

/** `PODIUM_ARTIFACT_STORE`: unset or `file` (the data folder), or `s3://bucket[/prefix]`. */
function artifactStore(env: NodeJS.ProcessEnv, problems: string[]): ArtifactStoreConfig {
  const raw = env.PODIUM_ARTIFACT_STORE ?? '';
  const endpoint = env.PODIUM_S3_ENDPOINT || undefined;
  if (raw === '' || raw === 'file') {
    if (endpoint) problems.push('PODIUM_S3_ENDPOINT is set but PODIUM_ARTIFACT_STORE is not an s3:// URL');
    return { kind: 'file' };
  }
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(raw);
  const prefix = (m?.[2] ?? '').replace(/\/+$/, '');
  if (!m || prefix.startsWith('/') || prefix.includes('//') || prefix.split('/').some((s) => s === '.' || s === '..')) {
    problems.push(`PODIUM_ARTIFACT_STORE must be "file" or s3://bucket[/prefix] (a valid bucket name, a relative prefix), got "${raw}"`);
    return { kind: 'file' };
  }
  if (endpoint && !/^https?:\/\/[^/\s]+/.test(endpoint)) problems.push(`PODIUM_S3_ENDPOINT must be an http(s):// URL, got "${endpoint}"`);
  return { kind: 's3', bucket: m[1], prefix, endpoint, forcePathStyle: bool(env, 'PODIUM_S3_FORCE_PATH_STYLE', endpoint !== undefined, problems) };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

function int(env: NodeJS.ProcessEnv, key: string, def: number, problems: string[], min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${key} must be an integer in [${min}, ${max}], got "${raw}"`);
    return def;
  }
  return n;
}

function bool(env: NodeJS.ProcessEnv, key: string, def: boolean, problems: string[]): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  problems.push(`${key} must be a boolean (true/false), got "${raw}"`);
  return def;
}

function datasetLimits(
  env: NodeJS.ProcessEnv,
  problems: string[],
): Pick<AppConfig, 'datasetMaxEntries' | 'datasetMaxFileBytes' | 'datasetMaxImageBytes' | 'datasetMaxExtractedBytes' | 'datasetMaxRatio'> {
  const artifactMaxBytes = int(env, 'PODIUM_ARTIFACT_MAX_BYTES', 2 * 1024 ** 3, [], 1);
  return {
    datasetMaxEntries: int(env, 'PODIUM_DATASET_MAX_ENTRIES', 200_000, problems, 1),
    datasetMaxFileBytes: int(env, 'PODIUM_DATASET_MAX_FILE_BYTES', 64 * 1024 ** 2, problems, 1),
    datasetMaxImageBytes: int(env, 'PODIUM_DATASET_MAX_IMAGE_BYTES', 64 * 1024 ** 2, problems, 1),
    // Four times the upload limit by default: images barely compress, labels and json do.
    datasetMaxExtractedBytes: int(env, 'PODIUM_DATASET_MAX_EXTRACTED_BYTES', 4 * artifactMaxBytes, problems, 1),
    datasetMaxRatio: int(env, 'PODIUM_DATASET_MAX_RATIO', 50, problems, 1),
  };
}

function isBindable(host: string): boolean {
  return host === 'localhost' || host === '0.0.0.0' || host === '::' || isIP(host) !== 0;
}

function bindHost(env: NodeJS.ProcessEnv, key: string, def: string, problems: string[]): string {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (!isBindable(raw)) problems.push(`${key} must be an IP address or localhost, got "${raw}"`);
  return raw;
}

function choice<T>(env: NodeJS.ProcessEnv, key: string, def: T, parse: (raw: string) => T | undefined, allowed: string, problems: string[]): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const value = parse(raw);
  if (value === undefined) problems.push(`${key} must be one of ${allowed}, got "${raw}"`);
  return value ?? def;
}

/** Parses the environment into an AppConfig, listing every bad key in one ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const problems: string[] = [];
  const port = int(env, 'PORT', 4000, problems, 0, 65535);
  const host = env.HOST || env.PODIUM_HOST || '127.0.0.1';
  if (!isBindable(host)) problems.push(`HOST must be an IP address or localhost, got "${host}"`);
  const dataDir = resolve(env.PODIUM_DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push(`DATABASE_URL must be a postgres:// URL, got "${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}"`);
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push(`REDIS_URL must be a redis:// URL`);
  const rawAuth = (env.PODIUM_AUTH || '').toLowerCase();
  let authMode: AuthMode;
  if (rawAuth === '') authMode = isLoopbackHost(host) ? 'local' : 'token';
  else if (rawAuth === 'local' || rawAuth === 'token' || rawAuth === 'disabled') authMode = rawAuth;
  else {
    problems.push(`PODIUM_AUTH must be one of local, token, disabled, got "${rawAuth}"`);
    authMode = 'token';
  }
  const corsOrigins = (env.PODIUM_CORS_ORIGINS ?? 'https://studio.apollographql.com')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const config: AppConfig = {
    port,
    host,
    dataDir,
    databaseUrl,
    sqlitePath: resolve(dataDir, 'podium.sqlite'),
    redisUrl,
    corsOrigins,
    authMode,
    introspection: bool(env, 'PODIUM_INTROSPECTION', true, problems),
    artifactMaxBytes: int(env, 'PODIUM_ARTIFACT_MAX_BYTES', 2 * 1024 ** 3, problems, 1),
    artifactStore: artifactStore(env, problems),
    bodyLimitBytes: int(env, 'PODIUM_BODY_LIMIT_BYTES', 2 * 1024 ** 2, problems, 1024),
    maxQueryDepth: int(env, 'PODIUM_MAX_QUERY_DEPTH', 12, problems, 1),
    maxQueryComplexity: int(env, 'PODIUM_MAX_QUERY_COMPLEXITY', 5000, problems, 1),
    mutationRateLimitPerMinute: int(env, 'PODIUM_MUTATION_RATE_LIMIT', 6000, problems, 1),
    maxMetricKeysPerRun: int(env, 'PODIUM_MAX_METRIC_KEYS_PER_RUN', 10_000, problems, 1),
    metricIdempotencyTtlSeconds: int(env, 'PODIUM_METRIC_IDEMPOTENCY_TTL_SECONDS', 86_400, problems, 1, 30 * 86_400),
    localWorker: bool(env, 'PODIUM_LOCAL_WORKER', true, problems),
    seedDemo: bool(env, 'PODIUM_SEED_DEMO', true, problems),
    leaseSweepSeconds: int(env, 'PODIUM_LEASE_SWEEP_SECONDS', 5, problems, 1, 3600),
    ...datasetLimits(env, problems),
    logLevel: choice(env, 'LOG_LEVEL', 'info', parseLogLevel, 'fatal, error, warn, info, debug, trace, silent', problems),
    logFormat: choice(env, 'LOG_FORMAT', 'auto', parseLogFormat, 'auto, json, pretty', problems),
    dbWaitSeconds: int(env, 'PODIUM_DB_WAIT_SECONDS', 60, problems, 0, 3600),
    metricsPort: env.PODIUM_METRICS_PORT ? int(env, 'PODIUM_METRICS_PORT', 0, problems, 1, 65535) : undefined,
    metricsHost: bindHost(env, 'PODIUM_METRICS_HOST', '127.0.0.1', problems),
    shutdownGraceSeconds: int(env, 'PODIUM_SHUTDOWN_GRACE_SECONDS', 10, problems, 0, 3600),
    sharedWorkerTokenFile: env.PODIUM_SHARED_WORKER_TOKEN_FILE ? resolve(env.PODIUM_SHARED_WORKER_TOKEN_FILE) : undefined,
    ...overrides,
  };
  if (config.artifactStore.kind === 's3' && config.artifactMaxBytes > S3_MAX_COPY_BYTES) {
    problems.push(`PODIUM_ARTIFACT_MAX_BYTES must be at most ${S3_MAX_COPY_BYTES} (5 GiB) with an s3:// store (one server-side copy places each blob), got ${config.artifactMaxBytes}`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
