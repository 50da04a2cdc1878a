// Jobs bound to their claimant, through the real app with api tokens (HTTP + graphql-ws): a second WORKER token that
// learns a job id from evaluationJobQueued cannot heartbeat, complete, fail or release the attempt another worker
// holds, nor claim or register as that worker; the real result is what the PRODUCTION gate sees. Then an ADMIN drains,
// removes and resumes a worker.
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const ASSETS = resolve(__dirname, '../../../../assets');
const MODEL = 'detector';

const REGISTER = 'mutation($i: RegisterWorkerInput!) { registerWorker(input: $i) { id name state tokenName } }';
const CLAIM = 'mutation($i: ClaimEvaluationJobInput!) { claimEvaluationJob(input: $i) { attempt leaseExpiresAt job { id workerId } } }';
const HEARTBEAT = 'mutation($i: HeartbeatEvaluationJobInput!) { heartbeatEvaluationJob(input: $i) { leaseExpiresAt cancelRequested } }';
const COMPLETE = 'mutation($i: CompleteEvaluationJobInput!) { completeEvaluationJob(input: $i) { status attempt result { map50 } } }';
const FAIL = 'mutation($i: FailEvaluationJobInput!) { failEvaluationJob(input: $i) { status } }';
const RELEASE = 'mutation($i: ReleaseEvaluationJobInput!) { releaseEvaluationJob(input: $i) { status } }';
const JOB = 'query($id: ID!) { evaluationJob(id: $id) { status attempt workerId leaseExpiresAt updatedAt progress { done total } result { map50 } error errorCode runId } }';
const RUN = 'query($id: ID!) { run(id: $id) { status metrics { key last } artifacts { path } } }';
const WORKER_STATE = 'id name state stateReason stateChangedBy tokenName';

/** A pipeline EvaluationResult with a chosen mAP@50 on the 4 images of coco8's val split. */
function result(map50: number) {
  return {
    map50,
    map50_95: map50 * 0.7,
    map75: map50 * 0.75,
    precision: 0.8,
    recall: 0.6,
    f1: 0.69,
    bestConfidence: 0.3,
    fitness: map50 * 0.73,
    perClass: [],
    coco: { ap: map50 * 0.68, ap50: map50, ap75: map50 * 0.7, ar100: 0.6 },
    thresholdSweep: [],
    executionProvider: 'CPU',
    device: 'test cpu',
    imagesPerSecond: 40,
    imagesEvaluated: 4,
    skippedImages: 0,
    skipped: [],
  };
}

describe.each(DIALECTS)('jobs bound to their claimant on %s', (dialect) => {
  let t: TestApp | undefined;
  let admin: Record<string, string>;
  let real: { secret: string; headers: Record<string, string> };
  let forger: { secret: string; headers: Record<string, string> };
  let realWorker: string;
  let forgerWorker: string;
  let runId: string;

  /** A GraphQL call as `headers` that must succeed. */
  const ok = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await t!.gql(query, variables, headers);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data;
  };
  /** A GraphQL call as `headers` that must be refused; returns the first error. */
  const refused = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await t!.gql(query, variables, headers);
    expect(res.errors, `expected a refusal, got ${JSON.stringify(res.data)}`).toBeDefined();
    return res.errors[0] as { message: string; extensions: { code: string; reason?: string } };
  };
  const evaluate = async () =>
    (await ok('mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id runId } }', { i: { modelName: MODEL, version: 1, dataset: { name: 'coco8val' }, executionProvider: 'CPU' } }, admin))
      .evaluateModel as { id: string; runId: string };
  const job = async (id: string) => (await ok(JOB, { id }, admin)).evaluationJob;
  const run = async (id: string) => (await ok(RUN, { id }, admin)).run;

  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'token' });
    if (!t) return;
    admin = bearer(bootstrapSecret(t));
    for (const [name, set] of [
      ['gpu-real', (v: typeof real) => (real = v)],
      ['gpu-forger', (v: typeof real) => (forger = v)],
    ] as const) {
      const { secret } = await createToken(t, name, 'WORKER');
      set({ secret, headers: bearer(secret) });
    }
    const dir = mkdtempSync(join(tmpdir(), 'podium-ds-'));
    for (const part of ['images', 'labels']) {
      mkdirSync(join(dir, part));
      cpSync(join(ASSETS, 'datasets/coco8', part, 'val'), join(dir, part, 'val'), { recursive: true });
    }
    const tar = await buffer(createTar({ cwd: dir, portable: true }, ['images', 'labels']));
    const up = await t.http().post('/datasets/upload?name=coco8val&format=YOLO&classNames=coco80').set(admin).set('content-type', 'application/x-tar').send(tar);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const experimentId = (await ok('mutation { createExperiment(input: { name: "binding" }) { id } }', {}, admin)).createExperiment.id;
    runId = (await ok('mutation($e: ID!) { createRun(input: { experimentId: $e, name: "train" }) { id } }', { e: experimentId }, admin)).createRun.id;
    expect((await t.http().put(`/artifacts/${runId}/weights/best.onnx`).set(admin).set('content-type', 'application/octet-stream').send(Buffer.from('onnx bytes'))).status).toBe(201);
    await ok(`mutation { createRegisteredModel(input: { name: "${MODEL}" }) { name } }`, {}, admin);
    await ok(`mutation($r: String!) { createModelVersion(input: { name: "${MODEL}", runId: $r, artifactPath: "weights/best.onnx" }) { version } }`, { r: runId }, admin);
    await ok(`mutation { promoteModelVersion(input: { name: "${MODEL}", version: 1, stage: STAGING, decision: { justification: "candidate" } }) { modelVersion { stage } } }`, {}, admin);
    await ok(
      'mutation($i: SetPromotionPolicyInput!) { setPromotionPolicy(input: $i) { name } }',
      { i: { name: MODEL, policy: { production: { requireEvaluation: { dataset: 'coco8val', metric: 'map50', floor: 0.9, compareWithProduction: false, settingsMustMatch: [] } } } } },
      admin,
    );

    realWorker = (await ok(REGISTER, { i: { name: 'gpu-box-1', executionProviders: ['CPU'], cpuCores: 8 } }, real.headers)).registerWorker.id;
    forgerWorker = (await ok(REGISTER, { i: { name: 'forger-box', executionProviders: ['CPU'], cpuCores: 8 } }, forger.headers)).registerWorker.id;
  }, 60_000);
  afterAll(async () => t?.close());

  it('a second WORKER token cannot forge the result of an attempt another worker holds; the PRODUCTION gate sees the real figure', async (ctx) => {
    if (!t) return ctx.skip();
    // The forger cannot take the real worker's name.
    const takeName = await refused(REGISTER, { i: { name: 'gpu-box-1', executionProviders: ['CPU'], cpuCores: 1 } }, forger.headers);
    expect(takeName).toMatchObject({
      message: 'worker name "gpu-box-1" is registered by another api token; pick another name (PODIUM_WORKER_NAME)',
      extensions: { code: 'CONFLICT', reason: 'NAME_TAKEN' },
    });
    const workers = (await ok('{ workers { nodes { id name tokenName cpuCores } } }', {}, admin)).workers.nodes;
    expect(workers).toEqual(expect.arrayContaining([{ id: realWorker, name: 'gpu-box-1', tokenName: 'gpu-real', cpuCores: 8 }]));

    // Both workers listen for queued jobs over graphql-ws with their own tokens; a watcher follows the job.
    const forgerHears = collect(t.ws({ authorization: `Bearer ${forger.secret}` }), 'subscription { evaluationJobQueued { jobId } }', {}, 1);
    const realHears = collect(t.ws({ authorization: `Bearer ${real.secret}` }), 'subscription { evaluationJobQueued { jobId } }', {}, 1);
    await new Promise((r) => setTimeout(r, 300));
    const queued = await evaluate();
    const [heard] = await forgerHears.done;
    expect(heard.evaluationJobQueued.jobId).toBe(queued.id);
    expect((await realHears.done)[0].evaluationJobQueued.jobId).toBe(queued.id);
    const watched = collect(t.ws(admin), 'subscription($id: ID!) { evaluationJobUpdated(jobId: $id) { status attempt workerId progress { done total } result { map50 } } }', { id: queued.id }, 10);
    watched.done.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));

    const claim = (await ok(CLAIM, { i: { workerId: realWorker } }, real.headers)).claimEvaluationJob;
    expect(claim).toMatchObject({ attempt: 1, job: { id: queued.id, workerId: realWorker } });
    const before = await job(queued.id);
    expect(before).toMatchObject({ status: 'RUNNING', attempt: 1, workerId: realWorker, progress: null, result: null });

    // The forger claiming as the real worker.
    expect(await refused(CLAIM, { i: { workerId: realWorker } }, forger.headers)).toMatchObject({
      message: 'worker "gpu-box-1" belongs to another api token',
      extensions: { code: 'FORBIDDEN', reason: 'NOT_OWNER' },
    });
    // Every report, naming its own worker or the real one, with the real attempt.
    const forged = (workerId: string) => {
      const ref = { jobId: heard.evaluationJobQueued.jobId, attempt: 1, workerId };
      return [
        [HEARTBEAT, { ...ref, progress: { done: 999, total: 999, imagesPerSecond: 1, etaSeconds: 0 } }],
        [COMPLETE, { ...ref, result: result(0.99) }],
        [FAIL, { ...ref, error: 'forged failure' }],
        [RELEASE, { ...ref, reason: 'forged release' }],
      ] as const;
    };
    for (const [query, input] of forged(forgerWorker)) {
      const e = await refused(query, { i: input }, forger.headers);
      expect(e).toMatchObject({
        message: `job ${queued.id} attempt 1 was claimed by another worker or api token; only its claimant may report on it`,
        extensions: { code: 'FORBIDDEN', reason: 'NOT_CLAIMANT' },
      });
      expect(e.message).not.toContain(real.secret);
      expect(e.message).not.toContain(forger.secret);
    }
    for (const [query, input] of forged(realWorker)) {
      expect(await refused(query, { i: input }, forger.headers)).toMatchObject({ message: 'worker "gpu-box-1" belongs to another api token', extensions: { code: 'FORBIDDEN', reason: 'NOT_OWNER' } });
    }
    // Nor can it put detections on the job's evaluation run (the worker protocol's REST route, same rules).
    const putDetections = (workerId: string, headers: Record<string, string>, attempt = 1) =>
      t!.http().put(`/evaluation-jobs/${queued.id}/predictions?attempt=${attempt}&workerId=${workerId}`).set(headers).set('content-type', 'application/gzip').send(Buffer.from('forged'));
    const forgedFile = await putDetections(forgerWorker, forger.headers);
    expect(forgedFile.status).toBe(403);
    expect(forgedFile.body.error).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_CLAIMANT' });
    expect((await putDetections(realWorker, forger.headers)).body.error).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
    expect((await putDetections(realWorker, real.headers, 2)).body.error).toMatchObject({ code: 'CONFLICT', reason: 'STALE_ATTEMPT' });
    expect((await putDetections(realWorker, admin)).status).toBe(403); // an ADMIN is no claimant either
    expect((await t.http().put(`/evaluation-jobs/${queued.id}/predictions?attempt=x&workerId=${realWorker}`).set(real.headers).send('x')).body.error.code).toBe('BAD_USER_INPUT');

    // The real token naming the forger's worker is no claimant either.
    expect((await refused(COMPLETE, { i: { jobId: queued.id, attempt: 1, workerId: forgerWorker, result: result(0.99) } }, real.headers)).extensions.code).toBe('FORBIDDEN');

    // Nothing changed: not the job (not even its lease or updatedAt), not its evaluation run.
    expect(await job(queued.id)).toEqual(before);
    expect(await run(queued.runId)).toEqual({ status: 'RUNNING', metrics: [], artifacts: [] });

    // The real worker goes on as if nothing happened, and keeps its detections on the run.
    await ok(HEARTBEAT, { i: { jobId: queued.id, attempt: 1, workerId: realWorker, progress: { done: 2, total: 4, imagesPerSecond: 40, etaSeconds: 0.05 } } }, real.headers);
    const stored = await putDetections(realWorker, real.headers);
    expect(stored.status, JSON.stringify(stored.body)).toBe(201);
    expect(stored.body).toMatchObject({ runId: queued.runId, path: 'evaluation/predictions.json.gz', size: 6 });
    const done = (await ok(COMPLETE, { i: { jobId: queued.id, attempt: 1, workerId: realWorker, result: result(0.62) } }, real.headers)).completeEvaluationJob;
    expect(done).toEqual({ status: 'SUCCEEDED', attempt: 1, result: { map50: 0.62 } });
    // Once complete, the forger gets no idempotent answer (and no result) either.
    expect((await refused(COMPLETE, { i: { jobId: queued.id, attempt: 1, workerId: forgerWorker, result: result(0.99) } }, forger.headers)).extensions.code).toBe('FORBIDDEN');
    const finished = await run(queued.runId);
    expect(finished.status).toBe('FINISHED');
    expect(finished.metrics.find((m: { key: string }) => m.key === 'map50')).toEqual({ key: 'map50', last: 0.62 });

    // The watcher saw only the real worker's changes, after commit: no forged progress, no forged result.
    const events = (await watched.done.catch(() => watched.received)).map((e: any) => e.evaluationJobUpdated);
    expect(events).toEqual([
      { status: 'QUEUED', attempt: 0, workerId: null, progress: null, result: null },
      { status: 'RUNNING', attempt: 1, workerId: realWorker, progress: null, result: null },
      { status: 'RUNNING', attempt: 1, workerId: realWorker, progress: { done: 2, total: 4 }, result: null },
      { status: 'SUCCEEDED', attempt: 1, workerId: realWorker, progress: { done: 4, total: 4 }, result: { map50: 0.62 } },
    ]);

    // The PRODUCTION gate (map50 ≥ 0.9) judges the real 0.62, and refuses.
    const promote = await refused(
      `mutation { promoteModelVersion(input: { name: "${MODEL}", version: 1, stage: PRODUCTION, decision: { justification: "gate check" } }) { modelVersion { stage } } }`,
      {},
      admin,
    );
    expect(promote.extensions.code).toBe('FAILED_PRECONDITION');
    expect(promote.message).toContain('map50 (last value) = 0.62');
    expect((promote.extensions as any).unmetGates).toMatchObject([{ name: 'EVALUATION', passed: false, observed: 0.62, required: { source: 'FLOOR', threshold: 0.9 } }]);
    const stage = (await ok(`{ registeredModel(name: "${MODEL}") { versions { nodes { version stage } } } }`, {}, admin)).registeredModel.versions.nodes;
    expect(stage).toEqual([{ version: 1, stage: 'STAGING' }]);
  }, 60_000);

  it('a rotated token of the same name keeps the worker name; the revoked one is out', async (ctx) => {
    if (!t) return ctx.skip();
    await ok('mutation { revokeApiToken(input: { name: "gpu-forger" }) { revokedAt } }', {}, admin);
    const rotated = await createToken(t, 'gpu-forger', 'WORKER');
    expect((await refused(REGISTER, { i: { name: 'forger-box', executionProviders: ['CPU'], cpuCores: 8 } }, forger.headers)).extensions.code).toBe('UNAUTHENTICATED');
    const again = (await ok(REGISTER, { i: { name: 'forger-box', executionProviders: ['CPU'], cpuCores: 8 } }, bearer(rotated.secret))).registerWorker;
    expect(again).toEqual({ id: forgerWorker, name: 'forger-box', state: 'ACTIVE', tokenName: 'gpu-forger' });
    // Still not the real worker's name.
    expect((await refused(REGISTER, { i: { name: 'gpu-box-1', executionProviders: ['CPU'], cpuCores: 8 } }, bearer(rotated.secret))).extensions.code).toBe('CONFLICT');
    forger = { secret: rotated.secret, headers: bearer(rotated.secret) };
  });

  it('an ADMIN drains a worker (its running job finishes, it claims nothing new), resumes it, and removes it (its job goes back to the queue)', async (ctx) => {
    if (!t) return ctx.skip();
    const worker = (await ok(REGISTER, { i: { name: 'gpu-box-2', executionProviders: ['CPU'], cpuCores: 4 } }, real.headers)).registerWorker.id;
    const first = await evaluate();
    const c1 = (await ok(CLAIM, { i: { workerId: worker } }, real.headers)).claimEvaluationJob;
    expect(c1.job.id).toBe(first.id);

    // Only an ADMIN drains.
    expect((await refused(`mutation { drainWorker(input: { id: "${worker}" }) { id } }`, {}, real.headers)).extensions.code).toBe('FORBIDDEN');
    const drained = (await ok(`mutation($i: DrainWorkerInput!) { drainWorker(input: $i) { ${WORKER_STATE} } }`, { i: { id: worker, reason: 'kernel update' } }, admin)).drainWorker;
    expect(drained).toEqual({ id: worker, name: 'gpu-box-2', state: 'DRAINING', stateReason: 'kernel update', stateChangedBy: 'bootstrap-admin', tokenName: 'gpu-real' });
    const second = await evaluate();
    expect(await refused(CLAIM, { i: { workerId: worker } }, real.headers)).toMatchObject({
      message: 'worker "gpu-box-2" is draining (by bootstrap-admin (kernel update)): it takes no new jobs until an ADMIN resumes it',
      extensions: { code: 'FAILED_PRECONDITION', reason: 'WORKER_DRAINING' },
    });
    // Its running job goes on to the end; a restart (registering again) keeps it draining.
    await ok(HEARTBEAT, { i: { jobId: first.id, attempt: 1, workerId: worker } }, real.headers);
    expect((await ok(COMPLETE, { i: { jobId: first.id, attempt: 1, workerId: worker, result: result(0.5) } }, real.headers)).completeEvaluationJob.status).toBe('SUCCEEDED');
    expect((await ok(REGISTER, { i: { name: 'gpu-box-2', executionProviders: ['CPU'], cpuCores: 4 } }, real.headers)).registerWorker.state).toBe('DRAINING');
    expect((await job(second.id)).status).toBe('QUEUED');

    const resumed = (await ok(`mutation { resumeWorker(input: { id: "${worker}" }) { ${WORKER_STATE} } }`, {}, admin)).resumeWorker;
    expect(resumed).toMatchObject({ state: 'ACTIVE', stateReason: null });
    const c2 = (await ok(CLAIM, { i: { workerId: worker } }, real.headers)).claimEvaluationJob;
    expect(c2).toMatchObject({ attempt: 1, job: { id: second.id } });

    // Removed mid-job: the job is back in the queue at once, not failed, and the worker is shut out.
    const removal = (
      await ok(
        `mutation($i: RemoveWorkerInput!) { removeWorker(input: $i) { worker { ${WORKER_STATE} } handedBack { id status attempt workerId error } } }`,
        { i: { id: worker, reason: 'disk failing' } },
        admin,
      )
    ).removeWorker;
    expect(removal.worker).toMatchObject({ state: 'REMOVED', stateReason: 'disk failing' });
    expect(removal.handedBack).toEqual([{ id: second.id, status: 'QUEUED', attempt: 1, workerId: null, error: 'worker gpu-box-2 removed by bootstrap-admin (attempt 1)' }]);
    const removed = { message: 'worker "gpu-box-2" was removed by bootstrap-admin (disk failing): it can no longer claim or report', extensions: { code: 'FORBIDDEN', reason: 'WORKER_REMOVED' } };
    expect(await refused(HEARTBEAT, { i: { jobId: second.id, attempt: 1, workerId: worker } }, real.headers)).toMatchObject(removed);
    expect(await refused(COMPLETE, { i: { jobId: second.id, attempt: 1, workerId: worker, result: result(0.99) } }, real.headers)).toMatchObject(removed);
    expect(await refused(CLAIM, { i: { workerId: worker } }, real.headers)).toMatchObject(removed);
    expect(await refused(REGISTER, { i: { name: 'gpu-box-2', executionProviders: ['CPU'], cpuCores: 4 } }, real.headers)).toMatchObject({
      extensions: { code: 'FAILED_PRECONDITION', reason: 'WORKER_REMOVED' },
    });
    expect((await run(second.runId)).status).toBe('RUNNING');

    // Another worker takes the job as attempt 2 and finishes it; the removal was not counted as a failure.
    const c3 = (await ok(CLAIM, { i: { workerId: realWorker } }, real.headers)).claimEvaluationJob;
    expect(c3).toMatchObject({ attempt: 2, job: { id: second.id, workerId: realWorker } });
    expect((await ok(COMPLETE, { i: { jobId: second.id, attempt: 2, workerId: realWorker, result: result(0.55) } }, real.headers)).completeEvaluationJob).toMatchObject({
      status: 'SUCCEEDED',
      attempt: 2,
    });
    expect((await run(second.runId)).metrics.find((m: { key: string }) => m.key === 'map50')).toEqual({ key: 'map50', last: 0.55 });

    // Resumed, the removed worker may register and claim again.
    await ok(`mutation { resumeWorker(input: { id: "${worker}" }) { state } }`, {}, admin);
    expect((await ok(REGISTER, { i: { name: 'gpu-box-2', executionProviders: ['CPU'], cpuCores: 4 } }, real.headers)).registerWorker).toMatchObject({ id: worker, state: 'ACTIVE' });
    expect((await ok(CLAIM, { i: { workerId: worker } }, real.headers)).claimEvaluationJob).toBeNull();
    expect((await refused(`mutation { removeWorker(input: { id: "00000000-0000-4000-8000-000000000000" }) { worker { id } } }`, {}, admin)).extensions.code).toBe('NOT_FOUND');
  }, 60_000);
});
