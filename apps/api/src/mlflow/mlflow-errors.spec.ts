import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, type AppErrorCode } from '../common/app-error';
import { SearchFilterError } from '../runs/search/search-filter-error';
import { endpointNotFound, mlflowErrorOf, renderMlflowError } from './mlflow-errors';

describe('mlflowErrorOf: the one table from Podium codes to MLflow codes and statuses', () => {
  it.each<[AppErrorCode, string, number]>([
    ['BAD_USER_INPUT', 'INVALID_PARAMETER_VALUE', 400],
    ['NOT_FOUND', 'RESOURCE_DOES_NOT_EXIST', 404],
    ['CONFLICT', 'RESOURCE_ALREADY_EXISTS', 400],
    ['FAILED_PRECONDITION', 'INVALID_PARAMETER_VALUE', 400],
    ['FORBIDDEN', 'PERMISSION_DENIED', 403],
    ['UNAUTHENTICATED', 'UNAUTHENTICATED', 401],
    ['RATE_LIMITED', 'REQUEST_LIMIT_EXCEEDED', 429],
    ['PAYLOAD_TOO_LARGE', 'INVALID_PARAMETER_VALUE', 413],
    ['INSUFFICIENT_STORAGE', 'RESOURCE_EXHAUSTED', 507],
    ['STORAGE_UNAVAILABLE', 'TEMPORARILY_UNAVAILABLE', 503],
  ])('%s → %s (%i)', (code, mlflow, status) => {
    expect(mlflowErrorOf(new AppError(code, 'why'))).toEqual({ status, body: { error_code: mlflow, message: 'why' }, headers: {} });
  });

  it('refines a code by its reason: a param clash is INVALID_PARAMETER_VALUE, an unknown route ENDPOINT_NOT_FOUND', () => {
    expect(mlflowErrorOf(new AppError('CONFLICT', 'param "a"', { reason: 'PARAM_CONFLICT' }))?.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(mlflowErrorOf(endpointNotFound('GET', '/api/2.0/mlflow/x'))).toMatchObject({ status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND' } });
  });

  it('sends Retry-After with REQUEST_LIMIT_EXCEEDED', () => {
    expect(mlflowErrorOf(new AppError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 7 }))?.headers).toEqual({ 'retry-after': '7' });
  });

  it('maps search filter errors and file-system errors; anything else is not known (null)', () => {
    expect(mlflowErrorOf(new SearchFilterError('Unexpected token ">" at position 3', 3))).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write /data/x'), { code: 'ENOSPC' });
    expect(mlflowErrorOf(enospc)).toMatchObject({ status: 507, body: { error_code: 'RESOURCE_EXHAUSTED', message: "The server's storage is full (ENOSPC); nothing was stored" } });
    expect(mlflowErrorOf(new TypeError('x is undefined'))).toBeNull();
  });
});

describe('renderMlflowError over HTTP', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function answerFor(e: unknown, logged: string[]): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => renderMlflowError(req, res, e, { error: (m) => logged.push(`error ${m}`), warn: (m) => logged.push(`warn ${m}`) }));
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      request({ port, host: '127.0.0.1', path: '/api/2.0/mlflow/runs/get', method: 'GET' }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
        .on('error', reject)
        .end();
    });
  }

  it('answers a bug INTERNAL_ERROR 500 with a generic message, and logs it with its stack', async () => {
    const logged: string[] = [];
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const answer = await answerFor(bug, logged);
    expect(answer.status).toBe(500);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(answer.body)).toEqual({ error_code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^error \[request [^\]]+\] GET \/api\/2\.0\/mlflow\/runs\/get: Cannot read properties of undefined/);
  });

  it('answers a known error with its status, shape and headers, without logging it', async () => {
    const logged: string[] = [];
    const answer = await answerFor(new AppError('RATE_LIMITED', 'Mutation rate limit of 3 per minute exceeded', { retryAfterSeconds: 12 }), logged);
    expect([answer.status, answer.headers['retry-after'], JSON.parse(answer.body)]).toEqual([
      429,
      '12',
      { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Mutation rate limit of 3 per minute exceeded' },
    ]);
    expect(logged).toEqual([]);
  });
});
