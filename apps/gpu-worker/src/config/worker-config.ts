// The worker's configuration: parsed and validated once at boot; process.env is read nowhere else (CONTRIBUTING.md rule 9).
import { type LogFormat, type LogLevel, parseLogFormat, parseLogLevel } from '@podium/logging';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { cpus, hostname } from 'node:os';
import { resolve } from 'node:path';
import type { HelperKind } from '../threads/channel';
import type { ExecutionProviderRequest } from '../pipeline/evaluation-types';

export interface WorkerConfig {
  /** Base URL of the api (the agent talks to `<apiUrl>/graphql`), e.g. http://localhost:4000. */
  apiUrl: string;
  token?: string;
  name: string;
  cudaDeviceId: number;
  executionProvider: ExecutionProviderRequest;
  cacheDir: string;
  /** Size cap of the tensor cache under `<cacheDir>/tensors` (letterboxed datasets kept between jobs; 0 = off). */
  tensorCacheGb: number;
  /** Decode helpers: how many, and threads or processes. */
  decode: { helpers: number; kind: HelperKind };
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** GET /healthz, /readyz and /metrics on this port (unset: no listener). */
  healthPort?: number;
  healthHost: string;
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

export class WorkerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid worker configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const PROVIDERS: readonly ExecutionProviderRequest[] = ['AUTO', 'CUDA', 'CPU'];

export function parseWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const problems: string[] = [];
  const apiUrl = env.PODIUM_API_URL?.trim() || 'http://127.0.0.1:4000';
  try {
    const url = new URL(apiUrl);
    if (!['http:', 'https:'].includes(url.protocol)) problems.push(`PODIUM_API_URL must be http(s), got ${url.protocol}`);
  } catch {
    problems.push(`PODIUM_API_URL is not a URL: ${apiUrl}`);
  }
  const deviceText = env.PODIUM_CUDA_DEVICE_ID?.trim() || '0';
  const cudaDeviceId = Number(deviceText);
  if (!Number.isInteger(cudaDeviceId) || cudaDeviceId < 0) problems.push(`PODIUM_CUDA_DEVICE_ID must be a non-negative integer, got ${deviceText}`);
  const provider = (env.PODIUM_EXECUTION_PROVIDER?.trim() || 'AUTO').toUpperCase() as ExecutionProviderRequest;
  if (!PROVIDERS.includes(provider)) problems.push(`PODIUM_EXECUTION_PROVIDER must be one of ${PROVIDERS.join(', ')}, got ${env.PODIUM_EXECUTION_PROVIDER}`);
  const cacheText = env.PODIUM_WORKER_TENSOR_CACHE_GB?.trim() || '20';
  const tensorCacheGb = Number(cacheText);
  if (!Number.isFinite(tensorCacheGb) || tensorCacheGb < 0) problems.push(`PODIUM_WORKER_TENSOR_CACHE_GB must be a non-negative number, got ${cacheText}`);
  const decode = defaultDecode(cpus().length);
  const kindText = env.PODIUM_WORKER_DECODE_MODE?.trim().toLowerCase();
  if (kindText === 'thread' || kindText === 'process') decode.kind = kindText;
  else if (kindText) problems.push(`PODIUM_WORKER_DECODE_MODE must be thread or process, got ${kindText}`);
  const helpersText = env.PODIUM_WORKER_DECODE_HELPERS?.trim();
  if (helpersText) {
    const helpers = Number(helpersText);
    if (!Number.isInteger(helpers) || helpers < 1 || helpers > 256) problems.push(`PODIUM_WORKER_DECODE_HELPERS must be an integer in [1, 256], got ${helpersText}`);
    else decode.helpers = helpers;
  }
  const logLevel = parseLogLevel(env.LOG_LEVEL?.trim() || 'info');
  if (!logLevel) problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got ${env.LOG_LEVEL}`);
  const logFormat = parseLogFormat(env.LOG_FORMAT?.trim() || 'auto');
  if (!logFormat) problems.push(`LOG_FORMAT must be one of auto, json, pretty, got ${env.LOG_FORMAT}`);
  const portText = env.PODIUM_WORKER_HEALTH_PORT?.trim();
  const healthPort = portText ? Number(portText) : undefined;
  if (healthPort !== undefined && (!Number.isInteger(healthPort) || healthPort < 1 || healthPort > 65535)) problems.push(`PODIUM_WORKER_HEALTH_PORT must be a port number (1-65535), got ${portText}`);
  const healthHost = env.PODIUM_WORKER_HEALTH_HOST?.trim() || '127.0.0.1';
  if (healthHost !== 'localhost' && isIP(healthHost) === 0) problems.push(`PODIUM_WORKER_HEALTH_HOST must be an IP address or localhost, got ${healthHost}`);
  const token = env.PODIUM_WORKER_TOKEN?.trim() || tokenFromFile(env.PODIUM_WORKER_TOKEN_FILE?.trim(), problems);
  if (problems.length) throw new WorkerConfigError(problems);
  return {
    apiUrl,
    token,
    name: env.PODIUM_WORKER_NAME?.trim() || `${hostname()}-${process.pid}`,
    cudaDeviceId,
    executionProvider: provider,
    cacheDir: resolve(env.PODIUM_WORKER_CACHE_DIR?.trim() || 'data/worker-cache'),
    tensorCacheGb,
    decode,
    logLevel: logLevel!,
    logFormat: logFormat!,
    healthPort,
    healthHost,
  };
}

/**
 * Decode helpers when the environment does not say. Below 8 cores, threads: they drive sharp, whose work runs on the
 * libuv pool, and a quarter of the cores (1–6) keep it fed; a process would add a copy of every image over IPC for
 * nothing (bench/README.md, "decode helpers"). From 8 cores, processes (half the cores, at most 16, two libuv
 * threads each): on the one many-core machine measured (an H200 host, 16 vCPU) decoding in one process stopped at
 * 400–500 images/s whatever its thread counts, which separate processes do not share.
 */
export function defaultDecode(cores: number): { helpers: number; kind: HelperKind } {
  if (cores >= 8) return { helpers: Math.min(16, Math.floor(cores / 2)), kind: 'process' };
  return { helpers: Math.min(6, Math.max(1, Math.round(cores / 4))), kind: 'thread' };
}

/** PODIUM_WORKER_TOKEN_FILE: the secret in a file (a compose volume the api writes, a mounted secret). */
function tokenFromFile(path: string | undefined, problems: string[]): string | undefined {
  if (!path) return undefined;
  try {
    const secret = readFileSync(path, 'utf8').trim();
    if (!secret) problems.push(`PODIUM_WORKER_TOKEN_FILE ${path} is empty`);
    return secret || undefined;
  } catch (e) {
    problems.push(`PODIUM_WORKER_TOKEN_FILE ${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
}
