// Health, readiness and Prometheus metrics through the real api on both databases: /healthz answers without I/O,
// /readyz names each check and flips to 503 when the database goes away (PostgreSQL: the suite's database stops
// taking connections; SQLite: the file is moved away) or the artifact store cannot be written, and back when they
// return; /metrics parses as Prometheus text and its counters move after a logged batch and a finished job; with
// REDIS_URL, Redis is a check too.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsListener } from '../../src/observability/metrics-listener';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { DIALECTS, POSTGRES_URL } from '../support/databases';
import { fakeResult } from '../support/fake-evaluation';
import { Scrape } from '../support/prometheus';
import { REDIS_URL, redisAvailable } from '../support/redis';
import { relay, targetOf } from '../support/tcp-relay';
import { freePort } from '../../../../bench/api-process';
import { startTestApp, type TestApp } from '../support/test-app';

const COCO128 = resolve(__dirname, '../../../../assets/datasets/coco128');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DIALECTS)('health, readiness and metrics on %s', (dialect) => {
  let t: TestApp | undefined;

  const ok = async (query: string, variables?: Record<string, unknown>) => {
    const res = await t!.gql(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data;
  };
  const scrape = async () => {
    const res = await t!.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return new Scrape(res.text);
  };
  const readyz = () => t!.http().get('/readyz');
  /** Polls /readyz until its status is `status` (the database pool notices a lost server on its next query). */
  const readyzUntil = async (status: number) => {
    let res = await readyz();
    for (const until = Date.now() + 20_000; res.status !== status && Date.now() < until; res = await readyz()) await sleep(200);
    return res;
  };

  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('GET /healthz: 200 without auth or I/O', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.http().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('GET /readyz: 200 naming the database, migrations and artifact store checks', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await readyz();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { database: { ok: true, ms: expect.any(Number) }, migrations: { ok: true, ms: expect.any(Number) }, artifacts: { ok: true, ms: expect.any(Number) } },
    });
  });

  it('GET /readyz: 503 while the database is gone, 200 once it is back', async (ctx) => {
    if (!t) return ctx.skip();
    let restore: () => Promise<void>;
    if (dialect === 'postgres') {
      const name = new URL(t.db.config.databaseUrl!).pathname.slice(1);
      const admin = new Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      restore = async () => {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        await admin.end();
      };
    } else {
      const path = t.podium.config.sqlitePath;
      renameSync(path, `${path}.away`);
      restore = async () => renameSync(`${path}.away`, path);
    }
    try {
      const down = await readyzUntil(503);
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('unavailable');
      expect(down.body.checks.database).toEqual({
        ok: false,
        error: dialect === 'postgres' ? expect.stringMatching(/^(55000|57P01|ECONNRESET|unreachable)$/) : 'database file moved or replaced',
        ms: expect.any(Number),
      });
      expect(down.body.checks.artifacts.ok).toBe(true);
      // The body names checks and codes only: no database name, path or address.
      expect(JSON.stringify(down.body)).not.toMatch(/podium_t_|sqlite|127\.0\.0\.1|\//);
    } finally {
      await restore();
    }
    const up = await readyzUntil(200);
    expect(up.status).toBe(200);
    expect(up.body.status).toBe('ready');
  });

  it('GET /readyz: 503 while the artifact store cannot be written, 200 once it can', async (ctx) => {
    if (!t) return ctx.skip();
    // Root ignores file modes, so the store's folder is replaced by a plain file rather than made read-only.
    const store = join(t.podium.config.dataDir, 'artifacts');
    renameSync(store, `${store}.away`);
    writeFileSync(store, 'not a folder');
    try {
      const down = await readyz();
      expect(down.status).toBe(503);
      expect(down.body.checks.artifacts).toEqual({ ok: false, error: 'ENOTDIR', ms: expect.any(Number) });
      expect(down.body.checks.database.ok).toBe(true);
    } finally {
      rmSync(store);
      renameSync(`${store}.away`, store);
    }
    expect((await readyz()).status).toBe(200);
  });

  it('GET /metrics: Prometheus text whose counters move after a logged batch and a finished job', async (ctx) => {
    if (!t) return ctx.skip();
    const before = await scrape();
    const experimentId = (await ok('mutation { createExperiment(input: { name: "observed" }) { id } }')).createExperiment.id;
    const runId = (await ok('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "train" }) { id } }', { e: experimentId })).createRun.id;
    const tarFile = join(mkdtempSync(join(tmpdir(), 'podium-ds-')), 'c.tar');
    await tarCreate({ file: tarFile, cwd: resolve(COCO128, '..') }, ['coco128']);
    expect((await t.http().post('/datasets/upload?name=coco128&format=YOLO&classNames=coco80').set('content-type', 'application/x-tar').send(readFileSync(tarFile))).status).toBe(201);
    const weights = Buffer.from('not really onnx');
    expect((await t.http().put(`/artifacts/${runId}/weights/best.onnx`).set('content-type', 'application/octet-stream').send(weights)).status).toBe(201);

    const log = await t.gql('mutation LogEpoch($i: LogMetricsInput!) { logMetrics(input: $i) { count } }', {
      i: { runId, metrics: [0, 1, 2, 3, 4].map((step) => ({ key: 'loss', value: 1 / (step + 1), step })) },
    });
    expect(log.data.logMetrics.count).toBe(5);
    // The same run through MLflow's door: counted under its own source.
    const mlflow = await t
      .http()
      .post('/api/2.0/mlflow/runs/log-batch')
      .send({ run_id: runId, metrics: [0, 1, 2].map((step) => ({ key: 'mlflow_loss', value: step, timestamp: 1_700_000_000_000, step })) });
    expect(mlflow.status).toBe(200);
    expect((await t.http().get(`/artifacts/${runId}/weights/best.onnx`)).status).toBe(200);
    // A job from queue to SUCCEEDED through the worker protocol (a fake worker: the local admin may run it).
    const workerId = (await ok('mutation { registerWorker(input: { name: "observed-worker", executionProviders: ["CPU"], cpuCores: 2 }) { id } }')).registerWorker.id;
    const job = (await ok('mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id } }', { i: { runId, artifactPath: 'weights/best.onnx', dataset: { name: 'coco128' }, imgsz: 640 } }))
      .evaluateModel;
    const queued = await scrape();
    const claim = (await ok('mutation($i: ClaimEvaluationJobInput!) { claimEvaluationJob(input: $i) { attempt job { id } } }', { i: { workerId, leaseSeconds: 60 } })).claimEvaluationJob;
    expect(claim.job.id).toBe(job.id);
    await ok('mutation($i: CompleteEvaluationJobInput!) { completeEvaluationJob(input: $i) { status } }', { i: { workerId, jobId: job.id, attempt: claim.attempt, result: fakeResult(0.5) } });
    // A refused operation: its code is counted.
    const refused = await t.gql('mutation Missing { deleteRun(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(refused.errors[0].extensions.code).toBe('NOT_FOUND');
    const after = await scrape();

    // Node's defaults are there.
    expect(after.value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(after.families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    // Metric points by door; evaluation results come in through their job.
    expect(after.value('podium_metric_points_ingested_total', { source: 'graphql' }) - before.value('podium_metric_points_ingested_total', { source: 'graphql' })).toBe(5);
    expect(after.value('podium_metric_points_ingested_total', { source: 'evaluation' })).toBeGreaterThan(before.value('podium_metric_points_ingested_total', { source: 'evaluation' }));
    expect(after.value('podium_metric_points_ingested_total', { source: 'mlflow' }) - before.value('podium_metric_points_ingested_total', { source: 'mlflow' })).toBe(3);
    // GraphQL operations by name, type and outcome; errors by code.
    expect(after.count('podium_graphql_operation_duration_seconds', { operation: 'LogEpoch', type: 'mutation', outcome: 'ok' })).toBe(
      before.count('podium_graphql_operation_duration_seconds', { operation: 'LogEpoch', type: 'mutation', outcome: 'ok' }) + 1,
    );
    expect(after.count('podium_graphql_operation_duration_seconds', { operation: 'Missing', type: 'mutation', outcome: 'error' })).toBeGreaterThanOrEqual(1);
    expect(after.value('podium_graphql_errors_total', { code: 'NOT_FOUND' })).toBeGreaterThan(before.value('podium_graphql_errors_total', { code: 'NOT_FOUND' }));
    // HTTP requests by route pattern, never the raw URL (no run id in any label).
    expect(after.count('podium_http_request_duration_seconds', { method: 'PUT', route: '/artifacts/*path', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(after.count('podium_http_request_duration_seconds', { method: 'POST', route: '/graphql', status: '200' })).toBeGreaterThan(
      before.count('podium_http_request_duration_seconds', { method: 'POST', route: '/graphql', status: '200' }),
    );
    expect(after.text).not.toContain(runId);
    expect(after.text).not.toContain(job.id);
    // Artifact bytes in (the weights, then the finished job's result files) and out (one download).
    expect(queued.value('podium_artifact_bytes_total', { direction: 'in' }) - before.value('podium_artifact_bytes_total', { direction: 'in' })).toBe(weights.length);
    expect(after.value('podium_artifact_bytes_total', { direction: 'in' })).toBeGreaterThan(queued.value('podium_artifact_bytes_total', { direction: 'in' }));
    expect(after.value('podium_artifact_bytes_total', { direction: 'out' }) - before.value('podium_artifact_bytes_total', { direction: 'out' })).toBe(weights.length);
    // Jobs by status (read from the database) and the moves that got them there; events published.
    expect(queued.value('podium_evaluation_queue_depth')).toBe(1);
    expect(after.value('podium_evaluation_queue_depth')).toBe(0);
    expect(after.value('podium_evaluation_jobs', { status: 'SUCCEEDED' })).toBe(queued.value('podium_evaluation_jobs', { status: 'SUCCEEDED' }) + 1);
    expect(after.value('podium_evaluation_job_transitions_total', { status: 'SUCCEEDED' }) - before.value('podium_evaluation_job_transitions_total', { status: 'SUCCEEDED' })).toBe(1);
    expect(after.value('podium_evaluation_job_transitions_total', { status: 'RUNNING' }) - before.value('podium_evaluation_job_transitions_total', { status: 'RUNNING' })).toBe(1);
    expect(after.value('podium_events_published_total', { topic: 'METRIC_LOGGED' })).toBeGreaterThan(before.value('podium_events_published_total', { topic: 'METRIC_LOGGED' }));
    expect(after.value('podium_events_published_total', { topic: 'EVALUATION_JOB_UPDATED' })).toBeGreaterThan(before.value('podium_events_published_total', { topic: 'EVALUATION_JOB_UPDATED' }));
    // The pool's connections on PostgreSQL; absent on SQLite.
    if (dialect === 'postgres') expect(after.value('podium_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    else expect(after.labelValues('podium_db_pool_connections', 'state')).toEqual([]);
  });

  it('graphql-ws: connections, subscriptions by root field and events delivered', async (ctx) => {
    if (!t) return ctx.skip();
    const experimentId = (await ok('mutation { createExperiment(input: { name: "observed-ws" }) { id } }')).createExperiment.id;
    const runId = (await ok('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "train" }) { id } }', { e: experimentId })).createRun.id;
    const before = await scrape();
    const client = t.ws();
    const events: unknown[] = [];
    const stop = client.subscribe(
      { query: 'subscription Watch($id: ID!) { metricLogged(runId: $id) { runId } }', variables: { id: runId } },
      { next: (v) => void events.push(v), error: () => undefined, complete: () => undefined },
    );
    for (
      const until = Date.now() + 10_000;
      (await scrape()).value('podium_graphql_subscriptions', { field: 'metricLogged' }) <= before.value('podium_graphql_subscriptions', { field: 'metricLogged' }) && Date.now() < until;
    )
      await sleep(100);
    const open = await scrape();
    expect(open.value('podium_graphql_ws_connections')).toBe(before.value('podium_graphql_ws_connections') + 1);
    expect(open.value('podium_graphql_subscriptions', { field: 'metricLogged' })).toBe(before.value('podium_graphql_subscriptions', { field: 'metricLogged' }) + 1);
    await ok('mutation($i: LogMetricsInput!) { logMetrics(input: $i) { count } }', { i: { runId, metrics: [{ key: 'loss', value: 0.5, step: 0 }] } });
    for (const until = Date.now() + 10_000; events.length < 1 && Date.now() < until;) await sleep(50);
    expect(events).toHaveLength(1);
    stop();
    await client.dispose();
    for (const until = Date.now() + 10_000; (await scrape()).value('podium_graphql_ws_connections') !== before.value('podium_graphql_ws_connections') && Date.now() < until;) await sleep(100);
    const closed = await scrape();
    expect(closed.value('podium_events_delivered_total', { field: 'metricLogged' }) - before.value('podium_events_delivered_total', { field: 'metricLogged' })).toBe(1);
    expect(closed.value('podium_graphql_subscriptions', { field: 'metricLogged' })).toBe(before.value('podium_graphql_subscriptions', { field: 'metricLogged' }));
    expect(closed.count('podium_graphql_operation_duration_seconds', { operation: 'Watch', type: 'subscription', outcome: 'ok' })).toBe(
      before.count('podium_graphql_operation_duration_seconds', { operation: 'Watch', type: 'subscription', outcome: 'ok' }) + 1,
    );
  });

  it('caps client operation names: new names past the cap count as "other"', async (ctx) => {
    if (!t) return ctx.skip();
    for (let i = 0; i < 210; i++) await t.gql(`query Name${i} { serverInfo { database } }`);
    await t.gql('query { serverInfo { database } }');
    const names = (await scrape()).labelValues('podium_graphql_operation_duration_seconds', 'operation');
    expect(names.length).toBeLessThanOrEqual(202);
    expect(names).toContain('other');
    expect(names).toContain('anonymous');
  });
});

describe('metrics access off loopback: a VIEWER token, or PODIUM_METRICS_PORT', () => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { authMode: 'token', metricsPort: 0, metricsHost: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  it('refuses /metrics without a token, serves it to a VIEWER, refuses a WORKER; /healthz and /readyz stay open', async () => {
    const none = await t!.http().get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/^Authentication required: no Authorization header/) });
    const viewer = await createToken(t!, 'prometheus', 'VIEWER');
    const seen = await t!.http().get('/metrics').set(bearer(viewer.secret));
    expect(seen.status).toBe(200);
    new Scrape(seen.text);
    const worker = await createToken(t!, 'a-worker', 'WORKER');
    const refused = await t!.http().get('/metrics').set(bearer(worker.secret));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await t!.http().get('/healthz')).status).toBe(200);
    expect((await t!.http().get('/readyz')).status).toBe(200);
    expect(bootstrapSecret(t!)).toMatch(/^pod_/);
  });

  it('serves /metrics without auth on PODIUM_METRICS_PORT, and nothing else there', async () => {
    const address = t!.podium.app.get(MetricsListener).address!;
    const res = await fetch(`http://127.0.0.1:${address.port}/metrics`);
    expect(res.status).toBe(200);
    expect(new Scrape(await res.text()).value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${address.port}/graphql`)).status).toBe(404);
  });
});

describe('readiness with Redis (REDIS_URL)', () => {
  let t: TestApp | undefined;
  let link: Awaited<ReturnType<typeof relay>> | undefined;
  afterAll(async () => {
    await t?.close();
    await link?.close();
  });

  it('checks Redis only when configured, and flips to 503 while it is unreachable', async (ctx) => {
    if (!(await redisAvailable())) return ctx.skip();
    // Redis behind a relay the test can take away and bring back on the same port.
    const port = await freePort();
    link = await relay(port, targetOf(REDIS_URL, 6379));
    t = await startTestApp('sqlite', { redisUrl: `redis://127.0.0.1:${port}` });
    const readyz = () => t!.http().get('/readyz');
    const until = async (status: number) => {
      let res = await readyz();
      for (const end = Date.now() + 20_000; res.status !== status && Date.now() < end; res = await readyz()) await sleep(200);
      return res;
    };
    const up = await until(200);
    expect(up.body.checks.redis).toEqual({ ok: true, ms: expect.any(Number) });
    await link.close();
    const down = await until(503);
    expect(down.status).toBe(503);
    expect(down.body.checks.redis).toMatchObject({ ok: false, error: expect.stringMatching(/^(ECONNREFUSED|ECONNRESET|unreachable|timeout)$/) });
    expect(down.body.checks.database.ok).toBe(true);
    link = await relay(port, targetOf(REDIS_URL, 6379));
    expect((await until(200)).status).toBe(200);
  });
});
