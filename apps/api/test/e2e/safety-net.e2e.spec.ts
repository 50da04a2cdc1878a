// The process safety net, end to end: the built api (dist/) in its own process, with a fault module preloaded that
// adds routes failing as request-path bugs do (bench/faults/throwing-routes.ts). Each is logged with its request id
// and answered 500 in the house shape (or cut, when the response had started); the process stays up and goes on
// answering. Its own process, because the handlers are process-wide (a test app shares vitest's). SQLite only: no
// database is on these paths. Needs `npm run build` first (npm test does).
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApi, stopApi } from '../../../../bench/api-process';

const FAULTS = resolve(__dirname, '../../../../dist/bench/faults/throwing-routes.js');

describe('the process safety net (api from dist/ with fault routes)', () => {
  let api: ApiProcess;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(FAULTS)) throw new Error(`${FAULTS} is missing: run \`npm run build\` first`);
    api = await startApi({ LOG_LEVEL: 'info' }, { nodeArgs: ['--require', FAULTS] });
    base = api.url.replace(/\/graphql$/, '');
  }, 60_000);
  afterAll(async () => {
    if (api) await stopApi(api);
  });

  const stillServing = async () => {
    expect(api.proc.exitCode).toBeNull();
    const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ serverInfo { database } }"}' });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { data: unknown }).data).toEqual({ serverInfo: { database: 'sqlite' } });
  };
  const logged = async (text: string) => {
    for (let i = 0; i < 50 && !api.log().includes(text); i++) await new Promise((r) => setTimeout(r, 20));
    return api.log();
  };

  it.each([
    ['an exception thrown in a callback', 'uncaught', 'uncaught exception: fault: thrown in a callback'],
    ['a rejection nobody awaited', 'rejection', 'unhandled rejection: fault: a rejection nobody awaited'],
    ['an exception thrown by a handler', 'handler', 'fault: thrown by a handler'],
  ])('answers %s with 500 INTERNAL_SERVER_ERROR, logs it with the request id, and stays up', async (_what, route, message) => {
    const id = `fault-${route}-1`;
    const res = await fetch(`${base}/__fault/${route}`, { headers: { 'x-request-id': id } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
    const log = await logged(`[request ${id}] GET /__fault/${route}: ${message}`);
    expect(log).toContain(`[request ${id}] GET /__fault/${route}: ${message}`);
    await stillServing();
  });

  it('cuts a response that had started when its request throws, rather than leave it hanging', async () => {
    const outcome = await new Promise<string>((done) => {
      const req = httpRequest(`${base}/__fault/after-headers`, { headers: { 'x-request-id': 'fault-after-headers-1' } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.on('data', () => undefined);
        res.on('end', () => done('ended'));
        res.on('error', (e) => done(`cut: ${e.message}`));
        res.on('aborted', () => done('cut: aborted'));
      });
      req.on('error', (e) => done(`cut: ${e.message}`));
      req.end();
    });
    expect(outcome).toMatch(/^cut: /);
    expect(await logged('[request fault-after-headers-1]')).toContain('[request fault-after-headers-1] GET /__fault/after-headers: uncaught exception: fault: thrown mid-response');
    await stillServing();
  });

  it('answers a throw while an upload body is read, closing the connection, and stays up', async () => {
    const res = await new Promise<{ status: number; connection: string | undefined; body: string }>((done, fail) => {
      const req = httpRequest(`${base}/__fault/upload`, { method: 'PUT', headers: { 'content-length': String(1024 * 1024), 'x-request-id': 'fault-upload-1' } }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => done({ status: r.statusCode ?? 0, connection: r.headers.connection, body }));
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : fail(e)));
      req.write(Buffer.alloc(64 * 1024, 1));
    });
    expect(res.status).toBe(500);
    expect(res.connection).toBe('close');
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
    await stillServing();
  });

  it('still stores and serves artifacts after all of the above', async () => {
    const gql = async (query: string, variables?: unknown) =>
      ((await (await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })).json()) as { data: any }).data;
    const experimentId = (await gql('mutation { createExperiment(input: { name: "after-faults" }) { id } }')).createExperiment.id;
    const runId = (await gql('mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }', { e: experimentId })).createRun.id;
    expect((await fetch(`${base}/artifacts/${runId}/ok.txt`, { method: 'PUT', body: 'still here' })).status).toBe(201);
    expect(await (await fetch(`${base}/artifacts/${runId}/ok.txt`)).text()).toBe('still here');
  });
});
