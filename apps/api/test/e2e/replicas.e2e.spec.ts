// The scaled mode as a user meets it (docs/scaled.md): two real api replicas, started at once (their migrations
// serialise on an advisory lock), on one PostgreSQL database, one Redis and one S3-compatible store (s3rver), each
// with a data folder of its own, so that nothing can pass through a shared disk. Whichever replica serves a request,
// the answer is the same: metric batches, artifacts (and their ranges), datasets evaluated by a worker attached to the
// other replica, token revocation closing sockets everywhere, one mutation budget. Skipped without PostgreSQL or
// Redis unless CI requires them. The worker's pipeline threads come from dist/: run `npm run build` first.
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import type { Test } from 'supertest';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerAgent } from '../../../gpu-worker/src/agent/agent';
import { probeCapabilities } from '../../../gpu-worker/src/pipeline/probe-capabilities';
import { runEvaluation } from '../../../gpu-worker/src/pipeline/run-evaluation';
import { ArtifactsRepository } from '../../src/artifacts/artifacts.repository';
import { ApiTokenService } from '../../src/auth/api-token.service';
import { ConnectionRegistry } from '../../src/auth/connection-registry';
import { Role } from '../../src/auth/roles';
import { JobLeaseService } from '../../src/evaluations/job-lease.service';
import { bearer } from '../support/auth-helpers';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { REDIS_URL, redisAvailable } from '../support/redis';
import { startTestS3, type TestS3 } from '../support/s3';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const ASSETS = resolve(__dirname, '../../../../assets');
const MODEL = readFileSync(join(ASSETS, 'models/yolox_nano.onnx'));
const MODEL_SHA = createHash('sha256').update(MODEL).digest('hex');
const RATE_LIMIT = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bytes = (req: Test) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

/** A tar of one split of a YOLO folder from the repository's assets. */
async function yoloTar(src: string, split: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'podium-ds-'));
  for (const part of ['images', 'labels']) {
    mkdirSync(join(dir, part), { recursive: true });
    cpSync(join(ASSETS, 'datasets', src, part, split), join(dir, part, split), { recursive: true });
  }
  return buffer(createTar({ cwd: dir, portable: true }, ['images', 'labels']));
}

describe('two api replicas on one PostgreSQL, one Redis and one S3 store', () => {
  let tdb: TestDatabase | undefined;
  let s3: TestS3 | undefined;
  let a: TestApp;
  let b: TestApp;
  let admin: Record<string, string>;
  let experimentId: string;
  let ready = false;

  const gql = <T = any>(on: TestApp, query: string, variables?: Record<string, unknown>, headers = admin): Promise<T> => on.data<T>(query, variables, headers);
  const newRun = async (on: TestApp, name: string): Promise<string> => (await gql(on, 'mutation($i: CreateRunInput!) { createRun(input: $i) { id } }', { i: { experimentId, name } })).createRun.id;

  /** Uploads COCO8 val through `on` (the same content again is the same dataset version). */
  const uploadCoco8 = async (on: TestApp) => {
    const up = await on
      .http()
      .post('/datasets/upload?name=coco8val&format=YOLO&classNames=coco80')
      .set(admin)
      .set('content-type', 'application/x-tar')
      .send(await yoloTar('coco8', 'val'));
    expect(up.status, JSON.stringify(up.body)).toBe(201);
  };

  beforeAll(async () => {
    if (!(await redisAvailable())) return;
    tdb = await createTestDatabase('postgres');
    if (!tdb) return;
    s3 = await startTestS3();
    const shared = {
      databaseUrl: tdb.config.databaseUrl,
      redisUrl: REDIS_URL,
      artifactStore: s3.storeConfig(),
      authMode: 'token' as const,
      mutationRateLimitPerMinute: RATE_LIMIT,
      leaseSweepSeconds: 1,
    };
    const replica = () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'podium-replica-'));
      return startTestApp('postgres', { ...shared, dataDir, sqlitePath: join(dataDir, 'unused.sqlite') });
    };
    // At once: both run the migrations on the empty database (one waits for the other's advisory lock).
    const [ra, rb] = await Promise.all([replica(), replica()]);
    a = ra!;
    b = rb!;
    admin = bearer((await a.podium.app.get(ApiTokenService).create({ name: 'replicas-admin', role: Role.ADMIN }, null)).secret);
    experimentId = (await gql(b, 'mutation { createExperiment(input: { name: "replicas" }) { id } }')).createExperiment.id;
    ready = true;
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await s3?.close();
    await tdb?.drop();
  });

  it('delivers a metric batch logged on A to a subscriber on B, in order, without a gap', async (ctx) => {
    if (!ready) return ctx.skip();
    const runId = await newRun(a, 'metrics');
    const batches = 10;
    const perBatch = 50;
    const sub = collect<{ metricLogged: { key: string; step: number; sequence: number } }>(
      b.ws({ authorization: admin.authorization }),
      'subscription($r: ID!) { metricLogged(runId: $r) { key step sequence } }',
      { r: runId },
      batches * perBatch,
      30_000,
    );
    await sleep(500);
    for (let i = 0; i < batches; i++) {
      await gql(a, 'mutation($i: LogMetricsInput!) { logMetrics(input: $i) { count } }', {
        i: { runId, metrics: Array.from({ length: perBatch }, (_, j) => ({ key: `k${j % 5}`, value: j, step: i })) },
      });
    }
    const points = (await sub.done).map((e) => e.metricLogged);
    expect(points.map((p) => p.sequence)).toEqual(Array.from({ length: batches * perBatch }, (_, i) => i + 1));
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: batches * perBatch }, (_, i) => Math.floor(i / perBatch)));
  });

  it('serves an artifact uploaded through A identically through B, ranges included', async (ctx) => {
    if (!ready) return ctx.skip();
    const runId = await newRun(a, 'artifacts');
    const put = await a.http().put(`/artifacts/${runId}/weights/best.onnx`).set(admin).send(MODEL);
    expect(put.status).toBe(201);
    const whole = await bytes(b.http().get(`/artifacts/${runId}/weights/best.onnx`).set(admin));
    expect(whole.status).toBe(200);
    expect(whole.headers).toMatchObject({ 'content-length': String(MODEL.length), etag: `"${MODEL_SHA}"`, 'x-podium-sha256': MODEL_SHA });
    expect((whole.body as Buffer).equals(MODEL)).toBe(true);
    const part = await bytes(b.http().get(`/artifacts/${runId}/weights/best.onnx`).set(admin).set('range', 'bytes=1000-1999'));
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${MODEL.length}`);
    expect((part.body as Buffer).equals(MODEL.subarray(1000, 2000))).toBe(true);
    const listed = await gql(b, 'query($id: ID!) { run(id: $id) { artifacts { path sha256 size } } }', { id: runId });
    expect(listed.run.artifacts).toEqual([{ path: 'weights/best.onnx', sha256: MODEL_SHA, size: MODEL.length }]);
  });

  it('evaluates a dataset uploaded through B with a worker registered on A', async (ctx) => {
    if (!ready) return ctx.skip();
    await uploadCoco8(b);
    const runId = await newRun(b, 'to-evaluate');
    expect((await b.http().put(`/artifacts/${runId}/weights/best.onnx`).set(admin).send(MODEL)).status).toBe(201);
    const workerSecret = (await b.podium.app.get(ApiTokenService).create({ name: 'replica-worker', role: Role.WORKER }, null)).secret;
    const agent = new WorkerAgent(
      { apiUrl: a.podium.url, token: workerSecret, name: 'on-a', cacheDir: mkdtempSync(join(tmpdir(), 'podium-cache-')), pollSeconds: 0.5, leaseSeconds: 10, log: () => undefined },
      { probeCapabilities, runEvaluation: (o) => runEvaluation({ ...o, batch: 1 }) },
    );
    agent.start();
    try {
      const jobId = (
        await gql(b, 'mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id } }', {
          i: { runId, artifactPath: 'weights/best.onnx', dataset: { name: 'coco8val' }, imgsz: 416, executionProvider: 'CPU' },
        })
      ).evaluateModel.id;
      let job: any;
      for (const until = Date.now() + 90_000; Date.now() < until; await sleep(200)) {
        job = (await gql(b, 'query($id: ID!) { evaluationJob(id: $id) { status error workerId result { map50 imagesEvaluated } } }', { id: jobId })).evaluationJob;
        if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) break;
      }
      expect(job).toMatchObject({ status: 'SUCCEEDED', error: null, result: { imagesEvaluated: 4 } });
      expect(job.result.map50).toBeGreaterThan(0);
    } finally {
      await agent.stop();
    }
  }, 120_000);

  it('closes a socket on B within a second of its token being revoked on A', async (ctx) => {
    if (!ready) return ctx.skip();
    // B's own database re-check is slowed to 10 minutes: only the event can close the socket in time.
    b.podium.app.get(ConnectionRegistry).sweepMs = 600_000;
    const viewer = await a.podium.app.get(ApiTokenService).create({ name: 'replica-viewer', role: Role.VIEWER }, null);
    const runId = await newRun(a, 'revocation');
    const closed = new Promise<{ code: number; reason: string; at: number }>((resolve, reject) => {
      b.ws({ authorization: `Bearer ${viewer.secret}` }).subscribe(
        { query: 'subscription($r: ID!) { metricLogged(runId: $r) { sequence } }', variables: { r: runId } },
        { next: () => undefined, error: (e) => resolve({ code: (e as any).code, reason: (e as any).reason, at: Date.now() }), complete: () => reject(new Error('completed instead of closing')) },
      );
    });
    for (const until = Date.now() + 5000; b.podium.app.get(ConnectionRegistry).openConnections(viewer.token.id) === 0 && Date.now() < until;) await sleep(20);
    expect(b.podium.app.get(ConnectionRegistry).openConnections(viewer.token.id)).toBe(1);
    const revokedAt = Date.now();
    await gql(a, 'mutation($id: ID!) { revokeApiToken(input: { id: $id }) { status } }', { id: viewer.token.id });
    const ended = await closed;
    expect({ code: ended.code, reason: ended.reason }).toEqual({ code: 4403, reason: 'token revoked' });
    expect(ended.at - revokedAt).toBeLessThan(1000);
  });

  it('shares one mutation budget: both replicas together admit no more than the limit', async (ctx) => {
    if (!ready) return ctx.skip();
    const busy = bearer((await a.podium.app.get(ApiTokenService).create({ name: 'replica-busy', role: Role.ADMIN }, null)).secret);
    const REVOKE_MISSING = 'mutation { revokeApiToken(input: { name: "nobody" }) { name } }';
    const answers = await Promise.all(Array.from({ length: RATE_LIMIT * 2 }, (_, i) => (i % 2 ? a : b).gql(REVOKE_MISSING, {}, busy)));
    const codes = answers.map((r) => r.errors?.[0]?.extensions?.code);
    expect(codes.filter((c) => c === 'NOT_FOUND')).toHaveLength(RATE_LIMIT);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(RATE_LIMIT);
  });

  it('re-queues an expired lease once when both replicas sweep at once', async (ctx) => {
    if (!ready) return ctx.skip();
    const worker = bearer((await a.podium.app.get(ApiTokenService).create({ name: 'replica-claimer', role: Role.WORKER }, null)).secret);
    await uploadCoco8(a);
    const runId = await newRun(a, 'lease');
    expect((await a.http().put(`/artifacts/${runId}/weights/best.onnx`).set(admin).send(MODEL)).status).toBe(201);
    const workerId = (await gql(a, 'mutation { registerWorker(input: { name: "claimer", executionProviders: ["CPU"], cpuCores: 2 }) { id } }', {}, worker)).registerWorker.id;
    const jobId = (
      await gql(b, 'mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id } }', {
        i: { runId, artifactPath: 'weights/best.onnx', dataset: { name: 'coco8val' }, imgsz: 416, executionProvider: 'CPU' },
      })
    ).evaluateModel.id;
    const claimed = (await gql(a, 'mutation($i: ClaimEvaluationJobInput!) { claimEvaluationJob(input: $i) { attempt job { id } } }', { i: { workerId, leaseSeconds: 60 } }, worker)).claimEvaluationJob;
    expect(claimed).toEqual({ attempt: 1, job: { id: jobId } });
    const later = Date.now() + 3_600_000;
    const [onA, onB] = await Promise.all([a.podium.app.get(JobLeaseService).requeueExpiredLeases(later), b.podium.app.get(JobLeaseService).requeueExpiredLeases(later)]);
    expect([...onA, ...onB].map((j) => [j.id, j.status])).toEqual([[jobId, 'QUEUED']]);
  });

  it('lets one replica sweep the store at a time', async (ctx) => {
    if (!ready) return ctx.skip();
    const outer = await a.podium.app.get(ArtifactsRepository).ifNoOtherSweep(() => b.podium.app.get(ArtifactsRepository).ifNoOtherSweep(async () => 'b swept'));
    expect(outer).toBeNull();
    expect(await b.podium.app.get(ArtifactsRepository).ifNoOtherSweep(async () => 'b swept')).toBe('b swept');
  });
});
