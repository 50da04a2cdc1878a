// `npm run demo` (scripts/demo.mjs) at --speed 0 against the real api from dist/ in its own process, with the demo
// COCO128 it registers at first start and its real local worker, on SQLite and on PostgreSQL: the end state (nine
// FINISHED runs logged over the MLflow wire, the grid effects the data promises, a PRODUCTION version with its decision
// and report, a SUCCEEDED evaluation with the worker's figures), then a second run that changes nothing. On SQLite
// the api is in token mode and the demo, given no token, finds the bootstrap ADMIN token in PODIUM_DATA_DIR; on
// PostgreSQL it is in local mode (loopback is the local admin).
// Needs `npm run build` first (npm test does).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApi, stopApi } from '../../../../bench/api-process';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases';

const ROOT = resolve(__dirname, '../../../..');
const DEMO = join(ROOT, 'scripts/demo.mjs');
const MODEL = 'yolov8n-coco128-person';
const BEST = 'yolov8n_e3_sz416_lr0.01_s42';
const NAMES = [
  'yolov8n_e3_sz320_lr0.01_s42',
  'yolov8n_e3_sz320_lr0.01_s1',
  'yolov8n_e3_sz320_lr0.005_s42',
  'yolov8n_e3_sz320_lr0.005_s1',
  'yolov8n_e3_sz416_lr0.01_s42',
  'yolov8n_e3_sz416_lr0.01_s1',
  'yolov8n_e3_sz416_lr0.005_s42',
  'yolov8n_e3_sz416_lr0.005_s1',
  'yolov8n_e3_sz416_lr0.01_s42_repeat',
];
// What the worker measures for assets/models/yolov8n_fp32_dynamic.onnx on the whole demo COCO128 at imgsz 640 (conf
// 0.001, iou 0.7, 80 classes). Measured 2026-12-07 with `node scripts/evaluate-model.mjs --json` against `npm start`
// (CPU EP): map50 0.5952497143308263, map50_95 0.4420092629860344; apps/gpu-worker/src/pipeline/run-evaluation.spec.ts
// pins the same pipeline at 0.5952 / 0.4420, and bench/README.md reports it equal on CPU and CUDA. Computing it here
// independently would take a second inference pass over the 128 images; re-measure with the command above.
const MEASURED = { map50: 0.5952497, map50_95: 0.4420093 };

interface DemoResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

function demo(url: string, dataDir: string, ...args: string[]): Promise<DemoResult> {
  return new Promise((done, fail) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PODIUM_DATA_DIR: dataDir };
    delete env.PODIUM_TOKEN;
    const child = spawn(process.execPath, [DEMO, '--url', url, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let json: any;
      try {
        json = JSON.parse(last);
      } catch {
        json = undefined;
      }
      done({ code, stdout, stderr, json });
    });
  });
}

describe.each(DIALECTS)('npm run demo against the api from dist/ with its local worker, on %s', (dialect) => {
  let db: TestDatabase | undefined;
  let api: ApiProcess | undefined;
  let base: string;
  let first: DemoResult;
  let auth: Record<string, string> = {};
  const tokenMode = dialect === 'sqlite';
  const run = (...args: string[]) => demo(base, db!.config.dataDir, ...args);

  const gql = async (query: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: any; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/gpu-worker/src/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    db = await createTestDatabase(dialect);
    if (!db) return;
    api = await startApi(
      {
        PODIUM_LOCAL_WORKER: 'true',
        PODIUM_SEED_DEMO: 'true',
        PODIUM_WORKER_POLL_SECONDS: '1',
        PODIUM_AUTH: tokenMode ? 'token' : 'local',
        ...(db.config.databaseUrl ? { DATABASE_URL: db.config.databaseUrl } : {}),
      },
      { dataDir: db.config.dataDir },
    );
    base = api.url.replace(/\/graphql$/, '');
    auth = { authorization: `Bearer ${readFileSync(join(db.config.dataDir, 'admin-token'), 'utf8').trim()}` };
    first = await run('--speed', '0', '--json');
  }, 300_000);

  afterAll(async () => {
    if (api) await stopApi(api, { keepDataDir: true });
    await db?.drop();
  });

  it('exits 0 with a summary a person can follow and one JSON object on stdout', (ctx) => {
    if (!db) return ctx.skip();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^\[1\/6\] api /m);
    if (tokenMode) expect(first.stderr).toContain(`using the bootstrap ADMIN token of ${join(db.config.dataDir, 'admin-token')}`);
    else expect(first.stderr).not.toContain('bootstrap ADMIN token');
    expect(first.stderr).toMatch(tokenMode ? /as bootstrap-admin \(ADMIN\)/ : /as local \(ADMIN\)/);
    expect(first.stderr).toMatch(/^\[6\/6\] promotion report and PRODUCTION/m);
    expect(first.stderr).toContain('they differ from the illustrative training figures');
    expect(first.stderr).toMatch(/^summary \(\d+\.\d s\):/m);
    expect(first.json).toMatchObject({
      experiment: { name: 'coco128-person', created: true },
      model: { name: MODEL, version: 1, registered: true, stage: 'PRODUCTION', promoted: true },
      evaluation: { action: 'evaluated' },
    });
    expect(first.json.runs.map((r: any) => [r.name, r.action])).toEqual(NAMES.map((n) => [n, 'created']));
  });

  it('logged the nine runs over the MLflow wire: FINISHED, Ultralytics params and tags, three epochs each', async (ctx) => {
    if (!db) return ctx.skip();
    const experimentId = first.json.experiment.id;
    const { runs } = await gql(
      `query($e: ID!) { runs(experimentId: $e, first: 100) { totalCount nodes { id name kind status params { key value } tags { key value }
      metrics(keys: ["map50", "map50_95", "precision", "recall", "lr/pg2", "val/dfl_loss"]) { key last lastStep count } artifacts { path } } } }`,
      { e: experimentId },
    );
    // The nine training runs, and the evaluation run the worker's job wrote beside its source run.
    expect(runs.totalCount).toBe(10);
    expect(runs.nodes.filter((r: any) => r.kind === 'EVALUATION').map((r: any) => r.status)).toEqual(['FINISHED']);
    const training = runs.nodes.filter((r: any) => r.kind === 'TRAINING');
    expect(training.map((r: any) => r.name).sort()).toEqual([...NAMES].sort());
    for (const r of training) {
      expect(r).toMatchObject({ kind: 'TRAINING', status: 'FINISHED' });
      const params = Object.fromEntries(r.params.map((p: any) => [p.key, p.value]));
      expect(params).toMatchObject({ model: 'yolov8n.pt', data: 'coco128.yaml', epochs: '3', name: r.name, optimizer: 'SGD' });
      expect(r.name).toBe(`yolov8n_e3_sz${params.imgsz}_lr${params.lr0}_s${params.seed}${r.name.endsWith('_repeat') ? '_repeat' : ''}`);
      expect(r.tags).toEqual(
        expect.arrayContaining([
          { key: 'mlflow.source.name', value: 'scripts/demo.mjs' },
          { key: 'mlflow.user', value: 'podium-demo' },
        ]),
      );
      expect(r.metrics.map((m: any) => [m.key, m.lastStep, m.count])).toEqual(['lr/pg2', 'map50', 'map50_95', 'precision', 'recall', 'val/dfl_loss'].map((k) => [k, 2, 3]));
      expect(r.artifacts.map((a: any) => a.path)).toEqual(expect.arrayContaining(['results.csv', 'args.yaml']));
    }
    const best = training.find((r: any) => r.name === BEST);
    expect(Object.fromEntries(best.metrics.map((m: any) => [m.key, m.last]))).toMatchObject({ map50: 0.3227, map50_95: 0.2728, precision: 0.008, recall: 0.7742 });
    expect(best.artifacts.map((a: any) => a.path)).toContain('weights/best.onnx');
    // What an MLflow client reads back: the keys as the callback logged them.
    const res = await fetch(`${base}/api/2.0/mlflow/runs/get?run_id=${best.id}`, { headers: auth });
    const mlflowRun = ((await res.json()) as any).run;
    expect(mlflowRun.info).toMatchObject({ run_name: BEST, status: 'FINISHED', lifecycle_stage: 'active' });
    expect(mlflowRun.data.metrics).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'metrics/mAP50B', value: 0.3227, step: 2 })]));
  });

  it('gives gridAnalysis the effects of the seed decision: imgsz 416 vs 320 +11.1 % (recall +6.5 %), lr0 within the seed noise', async (ctx) => {
    if (!db) return ctx.skip();
    const q = `query($e: ID!, $m: String!) { gridAnalysis(experimentId: $e, metric: $m, aggregation: MAX) { runCount best { runName value } outsideGrid { runName }
      params { key isRepeat values { value mean n } changes { from to difference relativeChange significant } } noise { std groups { range } } } }`;
    const { gridAnalysis: g } = await gql(q, { e: first.json.experiment.id, m: 'map50' });
    const byKey = (k: string) => g.params.find((p: any) => p.key === k);
    expect(g.runCount).toBe(9);
    expect(g.outsideGrid).toEqual([]);
    expect(g.best).toMatchObject({ runName: BEST, value: 0.3227 });
    expect(byKey('imgsz').values.map((v: any) => [v.value, Number(v.mean.toFixed(6)), v.n])).toEqual([
      ['320', 0.27, 4],
      ['416', 0.3, 5],
    ]);
    expect(byKey('imgsz').changes[0].relativeChange).toBeCloseTo(0.03 / 0.27, 6);
    expect(byKey('imgsz').changes[0].significant).toBe(true);
    expect(byKey('lr0').changes[0].significant).toBe(false);
    expect(Math.abs(byKey('lr0').changes[0].difference)).toBeGreaterThan(0.01);
    expect(Math.abs(byKey('lr0').changes[0].difference)).toBeLessThan(0.02);
    expect(byKey('seed').isRepeat).toBe(true);
    // Seeds of one configuration differ by about 2 points of mAP@50.
    for (const group of g.noise.groups) {
      expect(group.range).toBeGreaterThan(0.01);
      expect(group.range).toBeLessThan(0.025);
    }
    const { gridAnalysis: recall } = await gql(q, { e: first.json.experiment.id, m: 'recall' });
    expect(recall.params.find((p: any) => p.key === 'imgsz').changes[0].relativeChange).toBeCloseTo(0.065, 3);
  });

  it('evaluated the version on the whole coco128 with the worker: SUCCEEDED, the measured mAP50 and mAP50-95', async (ctx) => {
    if (!db) return ctx.skip();
    const { evaluationJobs } = await gql(
      `query($m: String!) { evaluationJobs(filter: { modelName: $m }) { totalCount nodes { id status modelVersion dataset { name }
      settings { imgsz classes } result { map50 map50_95 imagesEvaluated bestConfidence } } } }`,
      { m: MODEL },
    );
    expect(evaluationJobs.totalCount).toBe(1);
    const job = evaluationJobs.nodes[0];
    expect(job).toMatchObject({ id: first.json.evaluation.job.id, status: 'SUCCEEDED', modelVersion: 1, dataset: { name: 'coco128' }, settings: { imgsz: 640, classes: null } });
    expect(job.result.imagesEvaluated).toBe(128);
    expect(Math.abs(job.result.map50 - MEASURED.map50)).toBeLessThan(1e-4);
    expect(Math.abs(job.result.map50_95 - MEASURED.map50_95)).toBeLessThan(1e-4);
    expect(first.stderr).toContain(`mAP50 ${job.result.map50.toFixed(4)}  mAP50-95 ${job.result.map50_95.toFixed(4)}`);
  });

  it('promoted v1 to PRODUCTION with its decision (the train = eval risk named) and the stored report', async (ctx) => {
    if (!db) return ctx.skip();
    const { registeredModel, modelVersionTransitions } = await gql(
      `query($n: String!) {
      registeredModel(name: $n) { policy versions { nodes { version stage sourceRun { name } artifactPath } } }
      modelVersionTransitions(name: $n) { nodes { seq version fromStage toStage decision { justification alternatives risks nextSteps report { markdown } } } } }`,
      { n: MODEL },
    );
    expect(registeredModel.versions.nodes).toEqual([{ version: 1, stage: 'PRODUCTION', sourceRun: { name: BEST }, artifactPath: 'weights/best.onnx' }]);
    expect(registeredModel.policy).toMatchObject({ production: { requireEvaluation: { dataset: 'coco128', metric: 'map50' } } });
    expect(modelVersionTransitions.nodes.map((t: any) => [t.seq, t.fromStage, t.toStage])).toEqual([
      [1, 'NONE', 'STAGING'],
      [2, 'STAGING', 'PRODUCTION'],
    ]);
    const decision = modelVersionTransitions.nodes[1].decision;
    expect(decision.justification).toContain(BEST);
    expect(decision.justification).toContain('mAP@50 0.5952');
    expect(decision.alternatives).toContain('yolov8n_e3_sz416_lr0.005_s42');
    expect(decision.risks).toContain('COCO128 is both the training and the evaluation set');
    expect(decision.report.markdown).toContain('The evaluation dataset (coco128) is also the training data');
  });

  it('run again: exits 0 and reuses everything (no run, version, evaluation or transition added)', async (ctx) => {
    if (!db) return ctx.skip();
    const again = await run('--speed', '0', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({
      experiment: { id: first.json.experiment.id, created: false },
      model: { version: 1, registered: false, promoted: false },
      evaluation: { action: 'reused', job: { id: first.json.evaluation.job.id } },
    });
    expect(again.json.runs).toEqual(first.json.runs.map((r: any) => ({ ...r, action: 'reused' })));
    expect(again.json.transitions).toHaveLength(2);
    const counts = await gql('query($e: ID!, $n: String!) { runs(experimentId: $e) { totalCount } evaluationJobs(filter: { modelName: $n }) { totalCount } }', {
      e: first.json.experiment.id,
      n: MODEL,
    });
    expect(counts).toEqual({ runs: { totalCount: 10 }, evaluationJobs: { totalCount: 1 } });
  });

  it('--reset archives the experiment and the versions, then plays it all again as v2 (SQLite only: one more evaluation)', async (ctx) => {
    if (!db || !tokenMode) return ctx.skip();
    const reset = await run('--speed', '0', '--reset', '--json');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toMatch(/^\[2\/7\] reset: archive the demo objects/m);
    expect(reset.json.reset).toMatchObject({ experiment: expect.stringMatching(/^coco128-person \(archived \d{4}-\d\d-\d\dT[\d:.]+Z\)$/), archivedVersions: [1], cancelledJobs: [] });
    expect(reset.json).toMatchObject({ experiment: { name: 'coco128-person', created: true }, model: { version: 2, registered: true, promoted: true }, evaluation: { action: 'evaluated' } });
    expect(reset.json.experiment.id).not.toBe(first.json.experiment.id);
    expect(reset.json.runs.map((r: any) => r.action)).toEqual(NAMES.map(() => 'created'));
    const { experiments, registeredModel, modelVersionTransitions } = await gql(
      `query($n: String!) { experiments(includeDeleted: true) { nodes { id name deleted } }
      registeredModel(name: $n) { versions { nodes { version stage } } } modelVersionTransitions(name: $n) { nodes { version fromStage toStage reason } } }`,
      { n: MODEL },
    );
    expect(experiments.nodes).toContainEqual({ id: first.json.experiment.id, name: reset.json.reset.experiment, deleted: true });
    expect(experiments.nodes).toContainEqual({ id: reset.json.experiment.id, name: 'coco128-person', deleted: false });
    expect(registeredModel.versions.nodes.map((v: any) => [v.version, v.stage]).sort()).toEqual([
      [1, 'ARCHIVED'],
      [2, 'PRODUCTION'],
    ]);
    expect(modelVersionTransitions.nodes.map((t: any) => [t.version, t.fromStage, t.toStage])).toEqual([
      [1, 'NONE', 'STAGING'],
      [1, 'STAGING', 'PRODUCTION'],
      [1, 'PRODUCTION', 'ARCHIVED'],
      [2, 'NONE', 'STAGING'],
      [2, 'STAGING', 'PRODUCTION'],
    ]);
    expect(Math.abs(reset.json.evaluation.job.result.map50 - MEASURED.map50)).toBeLessThan(1e-4);
  }, 240_000);

  it('exit code 2 for a bad flag, an unreachable api and a token without ADMIN', async (ctx) => {
    if (!db || !tokenMode) return ctx.skip();
    const bad = await run('--speed', '-1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--speed must be a number in [0, 1000], got "-1"');
    const away = await demo('http://127.0.0.1:1', db.config.dataDir, '--speed', '0');
    expect(away.code).toBe(2);
    expect(away.stderr).toContain('cannot reach http://127.0.0.1:1/graphql');
    const { createApiToken } = await gql('mutation { createApiToken(input: { name: "demo-viewer", role: VIEWER }) { secret } }');
    const viewer = await run('--speed', '0', '--token', createApiToken.secret);
    expect(viewer.code).toBe(2);
    expect(viewer.stderr).toContain('FORBIDDEN: the demo promotes to PRODUCTION and archives: it needs an ADMIN token, "demo-viewer" is VIEWER');
  });
});
