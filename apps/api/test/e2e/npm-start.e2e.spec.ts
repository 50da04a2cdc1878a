// `npm run serve` (what `npm start` runs after its build) as an operator runs it, from the prebuilt dist/, with token
// auth, the local worker and its health port on: the log is JSON lines (stdout is not a terminal) with one access
// line per HTTP request and per GraphQL operation and no token secret anywhere; the worker's lines carry the job id
// and attempt; the worker serves /readyz and /metrics that count its batches and jobs; and SIGTERM to the npm process
// stops the api and its worker in order (the running job handed back, a shutdown line, exit 0), leaving no process
// of the group and no /tmp/mat-debug-<pid>.log behind. Needs `npm run build` first (npm test does).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../bench/api-process';
import { Scrape } from '../support/prometheus';

const ROOT = resolve(__dirname, '../../../..');
const MAIN = join(ROOT, 'dist/apps/api/src/main.js');
const YOLOX = readFileSync(join(ROOT, 'assets/models/yolox_nano.onnx'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether any process of the group `pgid` is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

describe('npm run serve: JSON logs without secrets, worker health and metrics, SIGTERM with no orphans', () => {
  let npm: ChildProcess;
  let dataDir: string;
  let out = '';
  let exited: Promise<number | null>;
  let api: string;
  let workerHealth: string;
  let secret: string;

  const lines = () => out.split('\n').filter(Boolean);
  const records = () => lines().map((l) => JSON.parse(l) as Record<string, any>);
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(`${api}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, 'x-request-id': 'e2e-req-1' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const job = async (id: string) => (await gql('query Job($id: ID!) { evaluationJob(id: $id) { status attempt progress { done } } }', { id })).evaluationJob;
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> => {
    for (const until = Date.now() + timeoutMs; ; await sleep(200)) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; log tail:\n${lines().slice(-20).join('\n')}`);
    }
  };

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
    dataDir = mkdtempSync(join(tmpdir(), 'podium-serve-'));
    const port = await freePort();
    const healthPort = await freePort();
    api = `http://127.0.0.1:${port}`;
    workerHealth = `http://127.0.0.1:${healthPort}`;
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PODIUM_') && !k.startsWith('VITEST') && k !== 'NODE_ENV' && k !== 'LOG_LEVEL' && k !== 'LOG_FORMAT') env[k] = v;
    Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', PODIUM_AUTH: 'token', PODIUM_DATA_DIR: dataDir, PODIUM_WORKER_HEALTH_PORT: String(healthPort), PODIUM_WORKER_POLL_SECONDS: '1' });
    // Its own process group: the check at the end covers npm, node and the worker's processes.
    npm = spawn('npm', ['run', '--silent', 'serve'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    npm.stdout!.on('data', (d) => (out += d));
    npm.stderr!.on('data', () => undefined);
    exited = new Promise((r) => npm.once('exit', (code) => r(code)));
    await waitFor('the api', async () => ((await fetch(`${api}/readyz`)).status === 200 ? true : undefined));
    secret = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  }, 180_000);

  afterAll(async () => {
    if (npm?.pid && groupAlive(npm.pid)) process.kill(-npm.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs JSON access lines for HTTP and GraphQL (HTTP and graphql-ws) with the caller, never the token', async () => {
    const experimentId = (await gql('mutation NewExperiment { createExperiment(input: { name: "served" }) { id } }')).createExperiment.id;
    const runId = (await gql('mutation NewRun($e: ID!) { createRun(input: { experimentId: $e, name: "r" }) { id } }', { e: experimentId })).createRun.id;
    const ws = createClient({ url: `${api.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${secret}` }, retryAttempts: 0 });
    const got = new Promise((resolve, reject) => {
      const stop = ws.subscribe(
        { query: 'subscription Follow($id: ID!) { metricLogged(runId: $id) { runId } }', variables: { id: runId } },
        { next: (v) => (stop(), resolve(v)), error: reject, complete: () => undefined },
      );
    });
    await sleep(500);
    await gql('mutation LogSome($i: LogMetricsInput!) { logMetrics(input: $i) { count } }', { i: { runId, metrics: [{ key: 'loss', value: 0.25, step: 1 }] } });
    await got;
    await ws.dispose();
    await sleep(500);

    expect(out).not.toContain(secret);
    expect(out).not.toContain(secret.slice(4, 20));
    const all = records();
    expect(all.every((r) => typeof r.level === 'string' && typeof r.time === 'string' && typeof r.msg === 'string')).toBe(true);
    expect(all).toContainEqual(
      expect.objectContaining({
        reqId: 'e2e-req-1',
        transport: 'http',
        operation: 'LogSome',
        type: 'mutation',
        status: 200,
        outcome: 'ok',
        identity: 'bootstrap-admin',
        durationMs: expect.any(Number),
      }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({ reqId: 'e2e-req-1', method: 'POST', route: '/graphql', path: '/graphql', status: 200, identity: 'bootstrap-admin', durationMs: expect.any(Number) }),
    );
    expect(all).toContainEqual(expect.objectContaining({ transport: 'ws', operation: 'Follow', type: 'subscription', field: 'metricLogged', outcome: 'ok', identity: 'bootstrap-admin' }));
  });

  it('the worker: ready once registered, its metrics count batches and a finished job, its lines carry the job id and attempt', async () => {
    const ready = await waitFor('the worker', async () => {
      const res = await fetch(`${workerHealth}/readyz`);
      return res.status === 200 ? ((await res.json()) as any) : undefined;
    });
    expect(ready).toMatchObject({ status: 'ready', checks: { registered: { ok: true }, providers: { ok: true, providers: expect.arrayContaining(['CPU']) } } });
    const experimentId = (await gql('mutation { createExperiment(input: { name: "evaluated" }) { id } }')).createExperiment.id;
    const runId = (await gql('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "yolox" }) { id } }', { e: experimentId })).createRun.id;
    const put = await fetch(`${api}/artifacts/${runId}/m.onnx`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${secret}` }, body: YOLOX });
    expect(put.status).toBe(201);
    const id = (
      await gql('mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id } }', {
        i: { runId, artifactPath: 'm.onnx', dataset: { name: 'coco128' }, imgsz: 416, batch: 1, executionProvider: 'CPU' },
      })
    ).evaluateModel.id;
    const done = await waitFor(
      'the job',
      async () => {
        const j = await job(id);
        return ['SUCCEEDED', 'FAILED'].includes(j.status) ? j : undefined;
      },
      180_000,
    );
    expect(done.status).toBe('SUCCEEDED');
    // The worker counts the job once the api has answered its completion: moments after the api's status says so.
    const metrics = await waitFor(
      'the worker to count the job',
      async () => {
        const scrape = new Scrape(await (await fetch(`${workerHealth}/metrics`)).text());
        return scrape.value('podium_worker_jobs_total', { outcome: 'SUCCEEDED' }) === 1 ? scrape : undefined;
      },
      10_000,
    );
    expect(metrics.value('podium_worker_images_total')).toBe(128);
    expect(metrics.count('podium_worker_batch_seconds', { stage: 'inference' })).toBe(128);
    expect(metrics.value('podium_worker_execution_provider', { provider: 'CPU' })).toBe(1);
    expect(metrics.value('podium_worker_stage_seconds_total', { stage: 'post' })).toBeGreaterThan(0);
    expect(records()).toContainEqual(expect.objectContaining({ source: 'worker', context: 'agent', jobId: id, attempt: 1, msg: expect.stringMatching(new RegExp(`^job ${id}: map50 `)) }));
  }, 240_000);

  it('SIGTERM to npm: the running job is handed back, a shutdown line, exit 0, no process left, no litter', async () => {
    const experimentId = (await gql('mutation { createExperiment(input: { name: "stopped" }) { id } }')).createExperiment.id;
    const runId = (await gql('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "yolox" }) { id } }', { e: experimentId })).createRun.id;
    await fetch(`${api}/artifacts/${runId}/m.onnx`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${secret}` }, body: YOLOX });
    const id = (
      await gql('mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id } }', {
        i: { runId, artifactPath: 'm.onnx', dataset: { name: 'coco128' }, imgsz: 416, batch: 1, executionProvider: 'CPU' },
      })
    ).evaluateModel.id;
    await waitFor('the job to run', async () => {
      const j = await job(id);
      return j.status === 'RUNNING' && j.progress?.done > 0 ? j : undefined;
    });
    const workerPids = [
      ...new Set(
        records()
          .filter((r) => r.source === 'worker')
          .map((r) => r.workerPid as number),
      ),
    ];
    expect(workerPids.length).toBeGreaterThan(0);

    process.kill(npm.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    for (const until = Date.now() + 10_000; groupAlive(npm.pid!) && Date.now() < until;) await sleep(100);
    expect(groupAlive(npm.pid!)).toBe(false);

    const all = records();
    expect(all).toContainEqual(expect.objectContaining({ context: 'Podium', msg: expect.stringMatching(/^SIGTERM: shutting down/) }));
    expect(all).toContainEqual(expect.objectContaining({ source: 'worker', jobId: id, attempt: 1, msg: `job ${id}: released (back to the queue)` }));
    expect(all.at(-1)).toMatchObject({ msg: 'api stopped' });
    for (const pid of workerPids) expect(existsSync(`/tmp/mat-debug-${pid}.log`)).toBe(false);
  }, 180_000);
});
