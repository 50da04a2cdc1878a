// MLflow routes: every error in MLflow's shape and status, auth as on GraphQL (Bearer, Basic with the token as the
// password, token-less on loopback in local mode only), and hostile input refused with nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { float, PythonMlflowClient } from '../support/mlflow-wire';
import { startTestApp, type TestApp } from '../support/test-app';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe.each(DIALECTS)('MLflow errors, auth and bad input on %s', (dialect) => {
  let t: TestApp | undefined;
  let admin: Record<string, string>;
  let editor: PythonMlflowClient;
  let editorSecret: string;
  let viewer: PythonMlflowClient;
  let experimentId: string;

  const newRun = async (name: string): Promise<string> => {
    const res = await editor.post('runs/create', { experiment_id: experimentId, run_name: name, start_time: 1_795_700_450_000, tags: [] });
    expect(res.status).toBe(200);
    return res.body.run.info.run_id;
  };
  /** What GraphQL sees of a run's logged data: nothing after a refused request. */
  const stored = async (runId: string) => {
    const res = await t!.gql(`query($id: ID!) { run(id: $id) { lastSequence metricKeyCount params { key value } tags { key value } } }`, { id: runId }, admin);
    return res.data.run;
  };

  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'token' });
    if (!t) return;
    admin = bearer(bootstrapSecret(t));
    editorSecret = (await createToken(t, 'trainer', 'EDITOR')).secret;
    editor = new PythonMlflowClient(t.podium.app.getHttpServer(), `Bearer ${editorSecret}`);
    viewer = new PythonMlflowClient(t.podium.app.getHttpServer(), `Bearer ${(await createToken(t, 'reader', 'VIEWER')).secret}`);
    experimentId = (await editor.post('experiments/create', { name: 'errors' })).body.experiment_id;
  });
  afterAll(async () => t?.close());

  it('answers each error code with its status and {error_code, message}', async (ctx) => {
    if (!t) return ctx.skip();
    const missingRun = '00000000-0000-4000-8000-000000000000';
    const notFound = await editor.get('runs/get', [['run_id', missingRun]]);
    expect([notFound.status, notFound.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run "${missingRun}" not found` }]);
    expect(notFound.headers['content-type']).toMatch(/^application\/json/);
    const malformed = await editor.get('runs/get', [['run_id', 'not-a-run']]);
    expect([malformed.status, malformed.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run "not-a-run" not found' }]);

    const missing = await editor.get('runs/get', []);
    expect([missing.status, missing.body]).toEqual([
      400,
      { error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters." },
    ]);
    const exists = await editor.post('experiments/create', { name: 'errors' });
    expect([exists.status, exists.body]).toEqual([400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'an experiment named "errors" already exists' }]);

    const runId = await newRun('codes');
    const denied = await viewer.post('runs/log-batch', { run_id: runId, metrics: [{ key: 'm', value: float(1), timestamp: 1, step: 0 }] });
    expect([denied.status, denied.body]).toEqual([403, { error_code: 'PERMISSION_DENIED', message: 'POST /api/2.0/mlflow/runs/log-batch requires role EDITOR; token "reader" has role VIEWER' }]);
    const notAdmin = await editor.post('runs/delete', { run_id: runId });
    expect([notAdmin.status, notAdmin.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);

    const anonymous = await new PythonMlflowClient(t.podium.app.getHttpServer()).get('experiments/get', [['experiment_id', experimentId]]);
    expect([anonymous.status, anonymous.body]).toEqual([
      401,
      { error_code: 'UNAUTHENTICATED', message: 'Authentication required: no Authorization header (expected "Bearer pod_…") (MLflow clients: set MLFLOW_TRACKING_TOKEN to a Podium token)' },
    ]);

    const unknownRoute = await editor.post('runs/log-model', { run_id: runId, model_json: '{}' });
    expect([unknownRoute.status, unknownRoute.body]).toEqual([
      404,
      { error_code: 'ENDPOINT_NOT_FOUND', message: 'No MLflow endpoint POST /api/2.0/mlflow/runs/log-model on this server (see docs/mlflow.md for the routes served)' },
    ]);
    const wrongMethod = await editor.get('runs/log-batch', [['run_id', runId]]);
    expect([wrongMethod.status, wrongMethod.body.error_code]).toEqual([404, 'ENDPOINT_NOT_FOUND']);

    const badFilter = await editor.post('runs/search', { experiment_ids: [experimentId], filter: 'metrics.map50 >> 1' });
    expect([badFilter.status, badFilter.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(badFilter.body.message).toMatch(/position/);
  });

  it('accepts Bearer and Basic (the token as the password), refuses other credentials and roles', async (ctx) => {
    if (!t) return ctx.skip();
    const server = t.podium.app.getHttpServer();
    const viaBasic = new PythonMlflowClient(server, basic('alice', editorSecret));
    const created = await viaBasic.post('runs/create', { experiment_id: experimentId, run_name: 'basic', tags: [] });
    expect(created.status).toBe(200);
    const run = await t.gql(`query($id: ID!) { run(id: $id) { createdBy } }`, { id: created.body.run.info.run_id }, admin);
    expect(run.data.run.createdBy).toBe('trainer');

    const wrongPassword = await new PythonMlflowClient(server, basic('alice', 'hunter2')).get('experiments/get', [['experiment_id', experimentId]]);
    expect([wrongPassword.status, wrongPassword.body.error_code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(wrongPassword.body.message).toMatch(/^Authentication required: malformed token/);
    expect(wrongPassword.body.message).not.toContain('hunter2');
    const tokenAsUser = await new PythonMlflowClient(server, basic(editorSecret, '')).get('experiments/get', [['experiment_id', experimentId]]);
    expect([tokenAsUser.status, tokenAsUser.body.error_code]).toEqual([401, 'UNAUTHENTICATED']);
    const forged = await new PythonMlflowClient(server, `Bearer pod_${'A'.repeat(43)}`).get('experiments/get', [['experiment_id', experimentId]]);
    expect([forged.status, forged.body]).toEqual([
      401,
      { error_code: 'UNAUTHENTICATED', message: 'Authentication required: unknown token (MLflow clients: set MLFLOW_TRACKING_TOKEN to a Podium token)' },
    ]);

    const worker = new PythonMlflowClient(server, `Bearer ${(await createToken(t, 'gpu-1', 'WORKER')).secret}`);
    const workerRead = await worker.get('experiments/get', [['experiment_id', experimentId]]);
    expect([workerRead.status, workerRead.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const viewerRead = await viewer.get('experiments/get', [['experiment_id', experimentId]]);
    expect(viewerRead.status).toBe(200);
  });

  it('accepts Python bare NaN / Infinity tokens and "nan" / "inf" strings in any case', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('nan');
    // A hand-written logger: json.dumps(allow_nan=True) writes bare tokens.
    const bare = await editor.post(
      'runs/log-batch',
      `{"run_id": "${runId}", "metrics": [{"key": "loss", "value": NaN, "timestamp": 1795700450001, "step": 0}, {"key": "loss", "value": Infinity, "timestamp": 1795700450002, "step": 1}, {"key": "loss", "value": -Infinity, "timestamp": 1795700450003, "step": 2}]}`,
    );
    expect([bare.status, bare.body]).toEqual([200, {}]);
    const strings = await editor.post('runs/log-batch', {
      run_id: runId,
      metrics: ['nan', 'INF', '-inf', 'Infinity', '-Infinity', 'NaN', '0.25'].map((value, i) => ({ key: 'loss', value, timestamp: 1_795_700_450_010 + i, step: 3 + i })),
    });
    expect([strings.status, strings.body]).toEqual([200, {}]);
    const single = await editor.post('runs/log-metric', { run_id: runId, key: 'loss', value: 'nAn', timestamp: 1_795_700_450_100, step: 10 });
    expect([single.status, single.body]).toEqual([200, {}]);
    const history = await t.gql(`query($id: ID!) { metricHistory(runId: $id, key: "loss", first: 100) { nodes { step value } } }`, { id: runId }, admin);
    expect(history.data.metricHistory.nodes.map((n: { value: unknown }) => n.value)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      'NaN',
      'Infinity',
      '-Infinity',
      'Infinity',
      '-Infinity',
      'NaN',
      0.25,
      'NaN',
    ]);
    const mlflow = await editor.get('metrics/get-history', [
      ['run_id', runId],
      ['metric_key', 'loss'],
    ]);
    expect(mlflow.body.metrics.slice(0, 3).map((m: { value: unknown }) => m.value)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });

  it('refuses wrong types, too many items, over-long keys and values, NUL, malformed JSON: typed errors, nothing stored', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('refused');
    const metric = (over: Record<string, unknown> = {}) => ({ key: 'map50', value: float(0.5), timestamp: 1_795_700_450_000, step: 0, ...over });
    const param = { key: 'imgsz', value: '416' };
    const cases: [string, unknown, string][] = [
      [
        'a metric value that is no number',
        { run_id: runId, params: [param], metrics: [metric(), metric({ value: 'abc' })] },
        `Invalid value "abc" for parameter 'metrics[1].value' supplied: expected a number, or "NaN", "Infinity", "-Infinity"`,
      ],
      ['a fractional step', { run_id: runId, params: [param], metrics: [metric({ step: float(1.5) })] }, "Invalid value 1.5 for parameter 'metrics[0].step' supplied: expected an integer"],
      ['a step past 32 bits', { run_id: runId, metrics: [metric({ step: 2 ** 31 })] }, "Invalid value 2147483648 for parameter 'metrics[0].step' supplied: steps are stored as 32-bit integers"],
      [
        'a metric without a key',
        { run_id: runId, metrics: [metric({ key: '' })] },
        "Missing value for required parameter 'metrics[0].key'. See the API docs for more information about request parameters.",
      ],
      ['a param value that is a number', { run_id: runId, params: [{ key: 'imgsz', value: 416 }] }, "Invalid value 416 for parameter 'params[0].value' supplied: expected a string, got number"],
      ['metrics that are not a list', { run_id: runId, metrics: { key: 'm' } }, `Invalid value {"key":"m"} for parameter 'metrics' supplied: expected a list`],
      [
        '1,001 metrics',
        { run_id: runId, metrics: Array.from({ length: 1001 }, (_, i) => metric({ step: i })) },
        'A batch logging request can contain at most 1000 metrics; got 1001. Nothing was stored.',
      ],
      [
        '101 params',
        { run_id: runId, params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })) },
        'A batch logging request can contain at most 100 params; got 101. Nothing was stored.',
      ],
      [
        '101 tags',
        { run_id: runId, tags: Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'v' })) },
        'A batch logging request can contain at most 100 tags; got 101. Nothing was stored.',
      ],
      [
        'a key of 251 characters',
        { run_id: runId, metrics: [metric({ key: 'k'.repeat(251) })] },
        `Invalid value "${'k'.repeat(76)}... for parameter 'metrics[0].key' supplied: longer than 250 characters (251)`,
      ],
      [
        'a param value of 6,001 characters',
        { run_id: runId, params: [{ key: 'cfg', value: 'x'.repeat(6001) }] },
        `Invalid value "${'x'.repeat(76)}... for parameter 'params[0].value' supplied: longer than 6000 characters (6001)`,
      ],
      ['a NUL in a tag key', { run_id: runId, tags: [{ key: 'a\u0000b', value: 'v' }] }, `Invalid value "a\\u0000b" for parameter 'tags[0].key' supplied: NUL characters are not allowed`],
    ];
    for (const [what, body, message] of cases) {
      const res = await editor.post('runs/log-batch', body);
      expect([what, res.status, res.body]).toEqual([what, 400, { error_code: 'INVALID_PARAMETER_VALUE', message }]);
    }
    const malformed = await editor.post('runs/log-batch', `{"run_id": "${runId}", "metrics": [{"key": "m", "value": nan}]}`);
    expect([malformed.status, malformed.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(malformed.body.message).toMatch(/^Malformed JSON request body: /);
    expect(await stored(runId)).toEqual({ lastSequence: 0, metricKeyCount: 0, params: [], tags: [] });
  });

  it('stores nothing of a batch whose param clashes with a logged one, naming both values', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('immutable');
    const first = await editor.post('runs/log-batch', { run_id: runId, params: [{ key: 'lr0', value: '0.01' }] });
    expect(first.status).toBe(200);
    const same = await editor.post('runs/log-parameter', { run_id: runId, key: 'lr0', value: '0.01' });
    expect([same.status, same.body]).toEqual([200, {}]);
    const clash = await editor.post('runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'metrics/mAP50B', value: float(0.5), timestamp: 1_795_700_450_000, step: 0 }],
      params: [
        { key: 'imgsz', value: '416' },
        { key: 'lr0', value: '0.02' },
      ],
      tags: [
        { key: 'note', value: 'x' },
        { key: 'mlflow.runName', value: 'renamed' },
      ],
    });
    expect([clash.status, clash.body]).toEqual([400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'param "lr0" already has value "0.01"; refusing "0.02" (params are immutable)' }]);
    expect(await stored(runId)).toEqual({ lastSequence: 0, metricKeyCount: 0, params: [{ key: 'lr0', value: '0.01' }], tags: [] });
    const run = await editor.get('runs/get', [['run_id', runId]]);
    expect(run.body.run.info.run_name).toBe('immutable');
  });

  it('stores a retried batch once under its Idempotency-Key; the key with other metrics is refused', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('retried');
    const batch = {
      run_id: runId,
      params: [{ key: 'imgsz', value: '416' }],
      metrics: [0, 1, 2].map((step) => ({ key: 'metrics/mAP50(B)', value: 0.1 * step, timestamp: 1_795_700_450_000 + step, step })),
    };
    for (let i = 0; i < 3; i++) expect((await editor.post('runs/log-batch', batch).set('Idempotency-Key', 'epoch-2-batch')).status).toBe(200);
    expect(await stored(runId)).toMatchObject({ lastSequence: 3, metricKeyCount: 1, params: [{ key: 'imgsz', value: '416' }] });
    const reused = await editor.post('runs/log-batch', { ...batch, metrics: batch.metrics.map((m) => ({ ...m, value: 0.9 })) }).set('Idempotency-Key', 'epoch-2-batch');
    expect(reused.status).toBe(400);
    expect(reused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await stored(runId)).lastSequence).toBe(3);
    // Without a key, a retry is a new batch (MLflow's own behaviour).
    expect((await editor.post('runs/log-batch', batch)).status).toBe(200);
    expect((await stored(runId)).lastSequence).toBe(6);
  });

  it('refuses a body over the limit with nothing stored, and serves the next request', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('oversized');
    const limit = t.podium.config.bodyLimitBytes;
    const padding = 'x'.repeat(5000);
    const metrics = Array.from({ length: Math.ceil(limit / 5000) + 1 }, (_, i) => ({ key: 'm', value: float(1), timestamp: 1, step: i, pad: padding }));
    const big = await editor.post('runs/log-batch', { run_id: runId, metrics: metrics.slice(0, 1000) });
    expect([big.status, big.body]).toEqual([413, { error_code: 'INVALID_PARAMETER_VALUE', message: `Request body exceeds the limit of ${limit} bytes (PODIUM_BODY_LIMIT_BYTES); nothing was stored` }]);
    expect(await stored(runId)).toMatchObject({ lastSequence: 0, params: [] });
    const after = await editor.get('runs/get', [['run_id', runId]]);
    expect(after.status).toBe(200);
  });

  it('refuses logging to a deleted run and reads it back as deleted; restore brings it back', async (ctx) => {
    if (!t) return ctx.skip();
    const runId = await newRun('deleted');
    const adminClient = new PythonMlflowClient(t.podium.app.getHttpServer(), admin.authorization);
    expect((await adminClient.post('runs/delete', { run_id: runId })).status).toBe(200);
    const refused = await editor.post('runs/log-batch', { run_id: runId, metrics: [{ key: 'm', value: float(1), timestamp: 1, step: 0 }] });
    expect([refused.status, refused.body]).toEqual([400, { error_code: 'INVALID_PARAMETER_VALUE', message: `run ${runId.replace(/-/g, '').slice(0, 8)} is deleted; restore it before logging` }]);
    const got = await editor.get('runs/get', [['run_id', runId]]);
    expect(got.body.run.info.lifecycle_stage).toBe('deleted');
    expect((await adminClient.post('runs/restore', { run_id: runId })).status).toBe(200);
    expect((await editor.get('runs/get', [['run_id', runId]])).body.run.info.lifecycle_stage).toBe('active');
  });
});

describe.each(DIALECTS)('MLflow routes in local mode and under a rate limit on %s', (dialect) => {
  let t: TestApp | undefined;

  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'local', mutationRateLimitPerMinute: 3 });
  });
  afterAll(async () => t?.close());

  it('admits token-less loopback callers as GraphQL does, but not another site nor a non-loopback Host', async (ctx) => {
    if (!t) return ctx.skip();
    const local = new PythonMlflowClient(t.podium.app.getHttpServer());
    const created = await local.post('experiments/create', { name: 'local' });
    expect(created.status).toBe(200);
    const fromPage = await local.get('experiments/get', [['experiment_id', created.body.experiment_id]]).set('Origin', 'https://evil.example');
    expect([fromPage.status, fromPage.body.error_code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(fromPage.body.message).toContain('Origin "https://evil.example" may not act as the tokenless local admin');
    const rebound = await local.get('experiments/get', [['experiment_id', created.body.experiment_id]]).set('Host', 'podium.attacker.example');
    expect([rebound.status, rebound.body.error_code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(rebound.body.message).toContain('Host "podium.attacker.example" is not a loopback name');
  });

  it('answers REQUEST_LIMIT_EXCEEDED with Retry-After when the write bucket is empty; reads go on', async (ctx) => {
    if (!t) return ctx.skip();
    const local = new PythonMlflowClient(t.podium.app.getHttpServer());
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 6 && !limited; i++) {
      const res = await local.post('experiments/create', { name: `burst-${i}` });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(limited).toBeDefined();
    expect(limited!.body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(limited!.body.message).toMatch(/^Mutation rate limit of 3 per minute exceeded for "local"; retry in \d+ s$/);
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const read = await local.post('experiments/search', { max_results: 10 });
    expect(read.status).toBe(200);
  });
});
