// `yolo train … ` with Ultralytics' MLflow callback, as MLflow's Python client sends it (replayed byte for byte:
// mlflow/store/tracking/rest_store.py, ultralytics/utils/callbacks/mlflow.py), for a 3-epoch run: a graphql-ws
// subscriber sees each epoch live, and afterwards the run is an ordinary Podium run.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunsService } from '../../src/runs/runs.service';
import { bearer, bootstrapSecret, createToken } from '../support/auth-helpers';
import { DIALECTS } from '../support/databases';
import { float, PythonMlflowClient } from '../support/mlflow-wire';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const EXPERIMENT = 'coco128-person';
const RUN_NAME = 'yolov8n_e3_sz416_lr0.01_s42';
const T0 = 1_795_700_412_000;

/** `dict(trainer.args)` of `yolo train model=yolov8n.pt data=coco128.yaml epochs=3 imgsz=416 lr0=0.01 seed=42 …`, str()'d as MLflow's log_params does. */
function ultralyticsArgs(): [string, string][] {
  const args: Record<string, string> = {
    task: 'detect',
    mode: 'train',
    model: 'yolov8n.pt',
    data: 'coco128.yaml',
    epochs: '3',
    time: 'None',
    patience: '100',
    batch: '16',
    imgsz: '416',
    save: 'True',
    save_period: '-1',
    cache: 'False',
    device: 'None',
    workers: '8',
    project: EXPERIMENT,
    name: RUN_NAME,
    exist_ok: 'False',
    pretrained: 'True',
    optimizer: 'auto',
    verbose: 'True',
    seed: '42',
    deterministic: 'True',
    single_cls: 'False',
    rect: 'False',
    cos_lr: 'False',
    close_mosaic: '10',
    resume: 'False',
    amp: 'True',
    fraction: '1.0',
    profile: 'False',
    freeze: 'None',
    multi_scale: 'False',
    overlap_mask: 'True',
    mask_ratio: '4',
    dropout: '0.0',
    val: 'True',
    split: 'val',
    save_json: 'False',
    save_hybrid: 'False',
    conf: 'None',
    iou: '0.7',
    max_det: '300',
    half: 'False',
    dnn: 'False',
    plots: 'True',
    source: 'None',
    vid_stride: '1',
    stream_buffer: 'False',
    visualize: 'False',
    augment: 'False',
    agnostic_nms: 'False',
    classes: 'None',
    retina_masks: 'False',
    embed: 'None',
    show: 'False',
    save_frames: 'False',
    save_txt: 'False',
    save_conf: 'False',
    save_crop: 'False',
    show_labels: 'True',
    show_conf: 'True',
    show_boxes: 'True',
    line_width: 'None',
    format: 'torchscript',
    keras: 'False',
    optimize: 'False',
    int8: 'False',
    dynamic: 'False',
    simplify: 'True',
    opset: 'None',
    workspace: 'None',
    nms: 'False',
    lr0: '0.01',
    lrf: '0.01',
    momentum: '0.937',
    weight_decay: '0.0005',
    warmup_epochs: '3.0',
    warmup_momentum: '0.8',
    warmup_bias_lr: '0.1',
    box: '7.5',
    cls: '0.5',
    dfl: '1.5',
    pose: '12.0',
    kobj: '1.0',
    label_smoothing: '0.0',
    nbs: '64',
    hsv_h: '0.015',
    hsv_s: '0.7',
    hsv_v: '0.4',
    degrees: '0.0',
    translate: '0.1',
    scale: '0.5',
    shear: '0.0',
    perspective: '0.0',
    flipud: '0.0',
    fliplr: '0.5',
    bgr: '0.0',
    mosaic: '1.0',
    mixup: '0.0',
    copy_paste: '0.0',
    copy_paste_mode: 'flip',
    auto_augment: 'randaugment',
    erasing: '0.4',
    crop_fraction: '1.0',
    cfg: 'None',
    tracker: 'botsort.yaml',
    save_dir: `runs/detect/${RUN_NAME}`,
    classes_filter: 'None',
    compile: 'False',
    distill: 'None',
    multi_gpu: 'False',
    hub_model: 'None',
    label_kpts: 'None',
    batch_val: '32',
    rle: 'None',
    out_dir: 'None',
    val_period: '1',
    val_split: 'None',
    cache_dir: 'None',
  };
  return Object.entries(args);
}

/** What the callback logs at the end of each train epoch (lr groups and train losses) and each fit epoch (val metrics). */
function epochMetrics(epoch: number): { train: [string, number][]; fit: [string, number][] } {
  const lr = 0.000333 * (epoch + 1);
  return {
    train: [
      ['lr/pg0', lr],
      ['lr/pg1', lr],
      ['lr/pg2', lr],
      ['train/box_loss', 1.6123 - 0.1 * epoch],
      ['train/cls_loss', 2.4011 - 0.2 * epoch],
      ['train/dfl_loss', 1.2875 - 0.05 * epoch],
    ],
    fit: [
      ['metrics/precisionB', 0.5512 + 0.02 * epoch],
      ['metrics/recallB', 0.4121 + 0.03 * epoch],
      ['metrics/mAP50B', 0.4567 + 0.04 * epoch],
      ['metrics/mAP50-95B', 0.2875 + 0.03 * epoch],
      ['val/box_loss', 1.3125 - 0.05 * epoch],
      ['val/cls_loss', 1.9876 - 0.1 * epoch],
      // A NaN loss at the first validation, as a diverging trainer logs it (MLflow's client sends the string "NaN").
      ['val/dfl_loss', epoch === 0 ? Number.NaN : 1.1 - 0.01 * epoch],
    ],
  };
}

const metricsBody = (runId: string, entries: [string, number][], timestamp: number, step: number, extra: Record<string, string> = {}) => ({
  run_id: runId,
  metrics: entries.map(([key, value]) => ({ key, value: Number.isNaN(value) ? 'NaN' : float(value), timestamp, step, ...extra })),
});

const FILES: { path: string; mime: string; bytes: Buffer }[] = [
  { path: 'weights/best.pt', mime: 'application/octet-stream', bytes: randomBytes(96 * 1024) },
  { path: 'weights/last.pt', mime: 'application/octet-stream', bytes: randomBytes(96 * 1024) },
  { path: 'results.csv', mime: 'text/csv', bytes: Buffer.from('epoch,train/box_loss,metrics/mAP50(B)\n0,1.6123,0.4567\n1,1.5123,0.4967\n2,1.4123,0.5367\n') },
  { path: 'results.png', mime: 'image/png', bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4096)]) },
  {
    path: 'args.yaml',
    mime: 'application/octet-stream',
    bytes: Buffer.from(
      ultralyticsArgs()
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n') + '\n',
    ),
  },
];

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const SUB = `subscription($runId: ID!) { metricLogged(runId: $runId) { key value step sequence } }`;
const RUN_UPDATES = `subscription($e: ID!) { runUpdated(experimentId: $e) { id status endTime name } }`;

/** Waits until `received` holds at least `n` events (the subscriber has them: they arrived live). */
async function until(received: unknown[], n: number, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (received.length < n) {
    if (Date.now() - start > timeoutMs) throw new Error(`subscriber has ${received.length}/${n} events after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(DIALECTS)('yolo train with the MLflow callback, replayed on %s', (dialect) => {
  let t: TestApp | undefined;
  let admin: Record<string, string>;
  let client: PythonMlflowClient;
  let experimentId: string;
  let runId: string;
  let artifactUri: string;

  beforeAll(async () => {
    t = await startTestApp(dialect, { authMode: 'token' });
    if (!t) return;
    admin = bearer(bootstrapSecret(t));
    const editor = await createToken(t, 'yolo-trainer', 'EDITOR');
    client = new PythonMlflowClient(t.podium.app.getHttpServer(), `Bearer ${editor.secret}`);
  });
  afterAll(async () => t?.close());

  it('logs the run through the request sequence of the callback, each epoch seen live over graphql-ws', async (ctx) => {
    if (!t) return ctx.skip();
    // mlflow.set_experiment: get-by-name (absent: 404 RESOURCE_DOES_NOT_EXIST), create, get.
    const absent = await client.get('experiments/get-by-name', [['experiment_name', EXPERIMENT]]);
    expect(absent.status).toBe(404);
    expect(absent.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Experiment "${EXPERIMENT}" not found` });
    const created = await client.post('experiments/create', { name: EXPERIMENT });
    expect(created.status).toBe(200);
    experimentId = created.body.experiment_id;
    expect(typeof experimentId).toBe('string');
    const got = await client.get('experiments/get', [['experiment_id', experimentId]]);
    expect(got.status).toBe(200);
    expect(got.body.experiment).toMatchObject({ experiment_id: experimentId, name: EXPERIMENT, lifecycle_stage: 'active', artifact_location: `mlflow-artifacts:/${experimentId}`, tags: [] });
    expect(typeof got.body.experiment.creation_time).toBe('number');

    const ws = t.ws(admin);
    const updates = collect<{ runUpdated: { id: string; status: string; endTime: string | null } }>(ws, RUN_UPDATES, { e: experimentId }, 2);
    await new Promise((r) => setTimeout(r, 200));

    // mlflow.start_run(run_name=…): the context tags and the run name.
    const started = await client.post('runs/create', {
      experiment_id: experimentId,
      user_id: 'alice',
      run_name: RUN_NAME,
      start_time: T0,
      tags: [
        { key: 'mlflow.user', value: 'alice' },
        { key: 'mlflow.source.name', value: '/home/alice/.local/bin/yolo' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
        { key: 'mlflow.source.git.commit', value: '3f9c2a1e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a' },
        { key: 'mlflow.runName', value: RUN_NAME },
      ],
    });
    expect(started.status).toBe(200);
    const run = started.body.run;
    runId = run.info.run_id;
    artifactUri = run.info.artifact_uri;
    expect(run.info).toEqual({
      run_id: runId,
      run_uuid: runId,
      run_name: RUN_NAME,
      experiment_id: experimentId,
      user_id: 'alice',
      status: 'RUNNING',
      start_time: T0,
      artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      lifecycle_stage: 'active',
    });
    expect(run.data.tags).toContainEqual({ key: 'mlflow.runName', value: RUN_NAME });

    const points = collect<{ metricLogged: { key: string; value: number | string; step: number; sequence: number } }>(ws, SUB, { runId }, 39);
    await new Promise((r) => setTimeout(r, 200));

    // mlflow.log_params(dict(trainer.args)): MLflow splits the params into batches of 100.
    const params = ultralyticsArgs();
    expect(params.length).toBeGreaterThan(100);
    for (let i = 0; i < params.length; i += 100) {
      const batch = await client.post('runs/log-batch', { run_id: runId, params: params.slice(i, i + 100).map(([key, value]) => ({ key, value })) });
      expect(batch.status).toBe(200);
      expect(batch.body).toEqual({});
    }

    // Three epochs: on_train_epoch_end, then on_fit_epoch_end; the subscriber has each epoch before the next starts.
    for (let epoch = 0; epoch < 3; epoch++) {
      const { train, fit } = epochMetrics(epoch);
      const a = await client.post('runs/log-batch', metricsBody(runId, train, T0 + 60_000 * (epoch + 1), epoch));
      expect([a.status, a.body]).toEqual([200, {}]);
      // MLflow 3 adds fields to a metric (the model and dataset it is about): ignored.
      const extra: Record<string, string> = epoch === 2 ? { model_id: 'm-7c1f', dataset_name: 'coco128', dataset_digest: '5b3c1e' } : {};
      const b = await client.post('runs/log-batch', metricsBody(runId, fit, T0 + 60_000 * (epoch + 1) + 5000, epoch, extra));
      expect([b.status, b.body]).toEqual([200, {}]);
      await until(points.received, 13 * (epoch + 1));
      expect(points.received.slice(13 * epoch).every((p) => p.metricLogged.step === epoch)).toBe(true);
    }

    // on_train_end: log_artifact of each file, each resolving the run's artifact_uri first; then end_run.
    for (const f of FILES) {
      const before = await client.get('runs/get', [
        ['run_uuid', runId],
        ['run_id', runId],
      ]);
      expect(before.body.run.info.artifact_uri).toBe(artifactUri);
      const put = await client.putArtifact(artifactUri, f.path, f.bytes, f.mime);
      expect([put.status, put.body]).toEqual([200, {}]);
    }
    const ended = await client.post('runs/update', { run_uuid: runId, status: 'FINISHED', end_time: T0 + 300_000, run_id: runId });
    expect(ended.status).toBe(200);
    expect(ended.body.run_info).toMatchObject({ run_id: runId, status: 'FINISHED', end_time: T0 + 300_000, start_time: T0, user_id: 'alice' });

    const events = await updates.done;
    expect(events.map((e) => e.runUpdated.status)).toEqual(['RUNNING', 'FINISHED']);
    expect(events[1].runUpdated.endTime).toBe(new Date(T0 + 300_000).toISOString());
    const live = await points.done;
    // Canonical keys on Podium's side; NaN as the MetricValue string.
    expect(live.filter((p) => p.metricLogged.step === 0).map((p) => p.metricLogged.key)).toEqual([
      'lr/pg0',
      'lr/pg1',
      'lr/pg2',
      'train/box_loss',
      'train/cls_loss',
      'train/dfl_loss',
      'precision',
      'recall',
      'map50',
      'map50_95',
      'val/box_loss',
      'val/cls_loss',
      'val/dfl_loss',
    ]);
    expect(live.find((p) => p.metricLogged.key === 'val/dfl_loss')!.metricLogged.value).toBe('NaN');
    expect(live.map((p) => p.metricLogged.sequence)).toEqual(Array.from({ length: 39 }, (_, i) => i + 1));
  });

  it('is an ordinary Podium run over GraphQL: params, tags, canonical summaries, artifacts, search, compare, grid', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await t.gql(
      `query($id: ID!) { run(id: $id) { name status kind createdBy startTime endTime params { key value } tags { key value }
         metrics(keys: ["map50", "map50_95", "precision", "recall", "val/dfl_loss", "lr/pg0"]) { key last lastStep max maxStep count }
         artifacts { path size sha256 contentType createdBy } } }`,
      { id: runId },
      admin,
    );
    expect(res.errors).toBeUndefined();
    const run = res.data.run;
    expect(run).toMatchObject({
      name: RUN_NAME,
      status: 'FINISHED',
      kind: 'TRAINING',
      createdBy: 'yolo-trainer',
      startTime: new Date(T0).toISOString(),
      endTime: new Date(T0 + 300_000).toISOString(),
    });
    const params = new Map(run.params.map((p: { key: string; value: string }) => [p.key, p.value]));
    expect(params.size).toBe(ultralyticsArgs().length);
    expect([params.get('imgsz'), params.get('lr0'), params.get('seed'), params.get('time'), params.get('amp')]).toEqual(['416', '0.01', '42', 'None', 'True']);
    // The MLflow user and the token's identity (createdBy) are both recorded; the other mlflow.* tags are kept.
    expect(run.tags).toEqual([
      { key: 'mlflow.source.git.commit', value: '3f9c2a1e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a' },
      { key: 'mlflow.source.name', value: '/home/alice/.local/bin/yolo' },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.user', value: 'alice' },
    ]);
    const summary = Object.fromEntries(run.metrics.map((m: { key: string }) => [m.key, m]));
    expect(Object.keys(summary).sort()).toEqual(['lr/pg0', 'map50', 'map50_95', 'precision', 'recall', 'val/dfl_loss']);
    expect(summary.map50).toEqual({ key: 'map50', last: 0.4567 + 0.08, lastStep: 2, max: 0.4567 + 0.08, maxStep: 2, count: 3 });
    expect(summary['val/dfl_loss']).toMatchObject({ last: 1.1 - 0.02, count: 3 });
    expect(run.artifacts).toEqual(
      FILES.map((f) => ({ path: f.path, size: f.bytes.length, sha256: sha256(f.bytes), contentType: f.mime, createdBy: 'yolo-trainer' })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
    // The same bytes through Podium's own artifact route.
    const best = await t.http().get(`/artifacts/${runId}/weights/best.pt`).set(admin).buffer(true);
    expect(best.headers['x-podium-sha256']).toBe(sha256(FILES[0].bytes));

    const search = await t.gql(
      `query($e: [ID!]!, $f: String!) { searchRuns(experimentIds: $e, filter: $f, orderBy: ["max(metrics.map50) DESC"]) { nodes { id } } }`,
      { e: [experimentId], f: "metrics.map50 > 0.5 and params.imgsz = '416' and tags.`mlflow.user` = 'alice'" },
      admin,
    );
    expect(search.data.searchRuns.nodes).toEqual([{ id: runId }]);
    const byAlias = await t.gql(`query($e: [ID!]!) { searchRuns(experimentIds: $e, filter: "metrics.\`metrics/mAP50B\` > 0.5") { nodes { id } } }`, { e: [experimentId] }, admin);
    expect(byAlias.data.searchRuns.nodes).toEqual([{ id: runId }]);
    const compared = await t.gql(`query($ids: [ID!]!) { compareRuns(runIds: $ids, metrics: ["metrics/mAP50B"]) { runs { id } metrics { key summaries { last lastStep } } } }`, { ids: [runId] }, admin);
    expect(compared.errors).toBeUndefined();
    // compareRuns names a metric as it was asked for; the summary is the canonical key's.
    expect(compared.data.compareRuns.metrics).toEqual([{ key: 'metrics/mAP50B', summaries: [{ last: 0.4567 + 0.08, lastStep: 2 }] }]);
    const grid = await t.gql(`query($e: ID!) { gridAnalysis(experimentId: $e, metric: "map50", aggregation: MAX) { runCount best { runId } } }`, { e: experimentId }, admin);
    expect(grid.errors).toBeUndefined();
    expect(grid.data.gridAnalysis.runCount).toBe(1);
    expect(grid.data.gridAnalysis.best.runId).toBe(runId);
  });

  it('gives MLflow clients the keys as they logged them: runs/get, metrics/get-history, runs/search, artifacts', async (ctx) => {
    if (!t) return ctx.skip();
    const got = await client.get('runs/get', [
      ['run_uuid', runId],
      ['run_id', runId],
    ]);
    expect(got.status).toBe(200);
    const metrics = Object.fromEntries(got.body.run.data.metrics.map((m: { key: string }) => [m.key, m]));
    expect(Object.keys(metrics).sort()).toEqual(
      [
        'lr/pg0',
        'lr/pg1',
        'lr/pg2',
        'metrics/mAP50-95B',
        'metrics/mAP50B',
        'metrics/precisionB',
        'metrics/recallB',
        'train/box_loss',
        'train/cls_loss',
        'train/dfl_loss',
        'val/box_loss',
        'val/cls_loss',
        'val/dfl_loss',
      ].sort(),
    );
    expect(metrics['metrics/mAP50B']).toEqual({ key: 'metrics/mAP50B', value: 0.4567 + 0.08, timestamp: T0 + 180_000 + 5000, step: 2 });
    expect(got.body.run.data.params).toHaveLength(ultralyticsArgs().length);
    expect(got.body.run.info).toMatchObject({ status: 'FINISHED', end_time: T0 + 300_000 });

    const history = await client.get('metrics/get-history', [
      ['run_uuid', runId],
      ['run_id', runId],
      ['metric_key', 'metrics/mAP50B'],
      ['max_results', 25000],
    ]);
    expect(history.status).toBe(200);
    expect(history.body).toEqual({
      metrics: [0, 1, 2].map((step) => ({ key: 'metrics/mAP50B', value: 0.4567 + 0.04 * step, timestamp: T0 + 60_000 * (step + 1) + 5000, step })),
    });
    const nan = await client.get('metrics/get-history', [
      ['run_uuid', runId],
      ['run_id', runId],
      ['metric_key', 'val/dfl_loss'],
    ]);
    expect(nan.body.metrics[0]).toEqual({ key: 'val/dfl_loss', value: 'NaN', timestamp: T0 + 65_000, step: 0 });
    // The canonical name reads the same points, under the name asked for.
    const canonical = await client.get('metrics/get-history', [
      ['run_id', runId],
      ['metric_key', 'map50'],
    ]);
    expect(canonical.body.metrics.map((m: { key: string; value: number }) => [m.key, m.value])).toEqual([0, 1, 2].map((s) => ['map50', 0.4567 + 0.04 * s]));

    const found = await client.post('runs/search', {
      experiment_ids: [experimentId],
      filter: "metrics.`metrics/mAP50B` > 0.5 and params.seed = '42'",
      run_view_type: 'ACTIVE_ONLY',
      max_results: 1000,
      order_by: ['metrics.`metrics/mAP50-95B` DESC'],
    });
    expect(found.status).toBe(200);
    expect(found.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runId]);
    expect(found.body.runs[0].data.metrics).toContainEqual(metrics['metrics/mAP50B']);

    const listed = await client.get('artifacts/list', [['run_id', runId]]);
    expect(listed.body).toEqual({
      root_uri: artifactUri,
      files: [
        { path: 'args.yaml', is_dir: false, file_size: FILES[4].bytes.length },
        { path: 'results.csv', is_dir: false, file_size: FILES[2].bytes.length },
        { path: 'results.png', is_dir: false, file_size: FILES[3].bytes.length },
        { path: 'weights', is_dir: true },
      ],
    });
    const weights = await t
      .http()
      .get(`/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`${experimentId}/${runId}/artifacts/weights`)}`)
      .set(admin);
    expect(weights.body).toEqual({
      files: [
        { path: 'best.pt', is_dir: false, file_size: FILES[0].bytes.length },
        { path: 'last.pt', is_dir: false, file_size: FILES[1].bytes.length },
      ],
    });
    const download = await client.getArtifact(artifactUri, 'weights/best.pt');
    expect(download.status).toBe(200);
    expect(sha256(download.body as Buffer)).toBe(sha256(FILES[0].bytes));
  });

  it('resumes the finished run (start_run(run_id=…)): RUNNING again, recorded in its history, runUpdated published', async (ctx) => {
    if (!t) return ctx.skip();
    const ws = t.ws(admin);
    const updates = collect<{ runUpdated: { id: string; status: string; endTime: string | null } }>(ws, RUN_UPDATES, { e: experimentId }, 2);
    await new Promise((r) => setTimeout(r, 200));
    const resumed = await client.post('runs/update', { run_uuid: runId, status: 'RUNNING', run_id: runId });
    expect(resumed.status).toBe(200);
    expect(resumed.body.run_info.status).toBe('RUNNING');
    expect(resumed.body.run_info).not.toHaveProperty('end_time');
    const more = await client.post('runs/log-batch', metricsBody(runId, [['metrics/mAP50B', 0.61]], T0 + 400_000, 3));
    expect([more.status, more.body]).toEqual([200, {}]);
    const ended = await client.post('runs/update', { run_uuid: runId, status: 'FINISHED', end_time: T0 + 500_000, run_id: runId });
    expect(ended.body.run_info).toMatchObject({ status: 'FINISHED', end_time: T0 + 500_000 });
    const events = await updates.done;
    expect(events.map((e) => [e.runUpdated.status, e.runUpdated.endTime])).toEqual([
      ['RUNNING', null],
      ['FINISHED', new Date(T0 + 500_000).toISOString()],
    ]);
    const history = (await t.podium.app.get(RunsService).historyByRunIds([runId])).get(runId)!;
    expect(history.map((h) => [h.seq, h.change, h.fromStatus, h.toStatus, h.actor])).toEqual([
      [1, 'STATUS_CHANGED', 'RUNNING', 'FINISHED', 'yolo-trainer'],
      [2, 'RESUMED', 'FINISHED', 'RUNNING', 'yolo-trainer'],
      [3, 'STATUS_CHANGED', 'RUNNING', 'FINISHED', 'yolo-trainer'],
    ]);
    expect(history.every((h) => Math.abs(h.at - Date.now()) < 60_000)).toBe(true);
    // GraphQL's updateRun still refuses to reopen an ended run: only MLflow's resume does.
    const reopen = await t.gql(`mutation($id: ID!) { updateRun(input: { id: $id, status: RUNNING }) { status } }`, { id: runId }, admin);
    expect(reopen.errors[0]).toMatchObject({
      message: `run ${runId.replace(/-/g, '').slice(0, 8)} cannot move from FINISHED to RUNNING (FINISHED is final)`,
      extensions: { code: 'FAILED_PRECONDITION' },
    });
  });
});
