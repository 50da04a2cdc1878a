#!/usr/bin/env node
// `npm run demo`: the whole promotion decision, live, against a running api (docs/demo.md).
//   1. logs the nine training runs of the grid imgsz 320/416 × lr0 0.01/0.005 × seed 42/1 (+ a repeat of the best
//      configuration) through the MLflow-compatible API, epoch by epoch, as Ultralytics' MLflow callback does
//      (illustrative figures: scripts/demo-data.mjs);
//   2. uploads the real YOLOv8n ONNX as the best run's checkpoint, registers it as yolov8n-coco128-person, STAGING;
//   3. has the local worker evaluate it on the full COCO128 (measured figures), following the job live;
//   4. prints gridAnalysis and the promotionReport, promotes to PRODUCTION with the decision, prints where to see it.
// Run twice, it reuses what is complete (a run FINISHED, the version, a SUCCEEDED evaluation, the PRODUCTION stage)
// and finishes what is not; --reset first archives the demo's objects (see resetDemo).
//   node scripts/demo.mjs [--url http://localhost:4000] [--token pod_…] [--speed 1] [--reset] [--json]
// Exit code: 0 done; 1 the evaluation FAILED or was CANCELLED; 2 bad arguments, an unreachable api, a refused request
// or a missing prerequisite (no ADMIN identity, no coco128 dataset); 3 the PRODUCTION gates refused the version.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiError,
  endpointsOf,
  evaluationLines,
  fmt,
  follow,
  gql,
  JOB_FIELDS,
  mlflow,
  mlflowArtifact,
  parseArgs,
  reporter,
  runMain,
  secondsBetween,
  sha256File,
  TERMINAL,
  UsageError,
  upload,
} from './lib/podium-client.mjs';
import { BEST_RUN, CHECKPOINT, EPOCHS, EXPERIMENT, EXPERIMENT_DESCRIPTION, MODEL_NAME, RUNS, epochMetrics, resultsCsv, ultralyticsArgs } from './demo-data.mjs';

const USAGE = `usage: npm run demo -- [--url http://localhost:4000] [--token pod_…] [--speed 1] [--reset] [--json]
  --speed S   pace of the training replay: 1 (default) is one epoch every 1.5 s, 2 twice as fast, 0 no pause at all
  --reset     archive the demo's experiment and model versions first (docs/demo.md)
  --json      progress on stderr, one JSON object (the end state) as the last stdout line`;
const OPTIONS = new Set(['url', 'token', 'speed']);
const FLAGS = new Set(['json', 'reset', 'help']);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EPOCH_SECONDS = 1.5;
const DATASET = 'coco128';
const IMGSZ = 640;
/** The PRODUCTION gate the demo sets: a full, unfiltered coco128 evaluation with mAP@50 ≥ 0.5 (or ≥ the holder's). */
const POLICY = { production: { requireEvaluation: { dataset: DATASET, metric: 'map50', floor: 0.5, compareWithProduction: true, settingsMustMatch: ['imgsz', 'conf', 'iou'] } } };

/** A step that ran but did not end as wanted: its exit code (1 evaluation, 3 gates). */
class Outcome extends Error {
  constructor(exitCode, message) {
    super(message);
    this.exitCode = exitCode;
  }
}

const sleep = (seconds) => (seconds > 0 ? new Promise((r) => setTimeout(r, seconds * 1000)) : Promise.resolve());
const pct = (x) => (x == null ? '-' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`);

function settingsOf(args) {
  const speed = args.speed === undefined ? 1 : Number(args.speed);
  if (!Number.isFinite(speed) || speed < 0 || speed > 1000) throw new UsageError(`--speed must be a number in [0, 1000], got "${args.speed}"`);
  if (args.token !== undefined && !args.token.trim()) throw new UsageError('--token is empty');
  return { ...endpointsOf(args.url), token: args.token ?? (process.env.PODIUM_TOKEN || undefined), speed, reset: Boolean(args.reset), json: Boolean(args.json) };
}

/**
 * Who we are at the api. Without --token or PODIUM_TOKEN the demo first asks without one (loopback in local mode is
 * the local admin); refused, it retries with the bootstrap ADMIN token `npm start` wrote to <data dir>/admin-token
 * (PODIUM_DATA_DIR, else ./data of this checkout). The demo promotes to PRODUCTION and archives: it needs ADMIN.
 */
async function connect(s, log) {
  const who = () => gql(s, '{ viewer { name role } serverInfo { version database authMode } }');
  let answer;
  try {
    answer = await who();
  } catch (e) {
    const file = join(process.env.PODIUM_DATA_DIR || join(ROOT, 'data'), 'admin-token');
    if (e.code !== 'UNAUTHENTICATED' || s.token || !existsSync(file)) throw e;
    s.token = readFileSync(file, 'utf8').trim();
    log(`  no token given and the api wants one: using the bootstrap ADMIN token of ${file}`);
    answer = await who();
  }
  const { viewer, serverInfo } = answer;
  if (viewer.role !== 'ADMIN') throw new ApiError('FORBIDDEN', `the demo promotes to PRODUCTION and archives: it needs an ADMIN token, "${viewer.name}" is ${viewer.role} (docs/auth.md)`);
  const { dataset } = await gql(s, 'query($name: String!) { dataset(name: $name) { name version digest } }', { name: DATASET });
  if (!dataset) throw new ApiError('NOT_FOUND', `the dataset "${DATASET}" is not registered (the api registers it at its first start unless PODIUM_SEED_DEMO=false)`);
  return { viewer, serverInfo, dataset };
}

const EXPERIMENT_Q = 'query($name: String) { experiment(name: $name) { id name deleted } }';
const MODEL_Q = `query($name: String!) { registeredModel(name: $name) { name policy
  versions(first: 100) { nodes { version stage stageEnteredAt sourceRunId artifactPath artifactSha256 } } } }`;

/** Lookups answer null when absent. */
async function findExperiment(s) {
  return (await gql(s, EXPERIMENT_Q, { name: EXPERIMENT })).experiment;
}

async function findModel(s) {
  return (await gql(s, MODEL_Q, { name: MODEL_NAME })).registeredModel;
}

/** Renames the experiment out of the way (names are unique, deleted ones included) and soft-deletes it. */
async function archiveExperiment(s, exp, stamp) {
  const name = `${EXPERIMENT} (archived ${stamp})`;
  await gql(s, 'mutation($id: ID!, $name: String!) { updateExperiment(input: { id: $id, name: $name }) { id } }', { id: exp.id, name });
  if (!exp.deleted) await gql(s, 'mutation($id: ID!) { deleteExperiment(id: $id) { id } }', { id: exp.id });
  return name;
}

/**
 * --reset. The api deletes nothing for good, so reset archives: the experiment is renamed to
 * "coco128-person (archived <time>)" and soft-deleted (restoreExperiment undoes it; its runs go with it, the training
 * runs and the evaluation runs the worker wrote beside them); every version of yolov8n-coco128-person not yet ARCHIVED
 * moves to ARCHIVED (the history keeps them; the next demo registers the next version number); the model's QUEUED or
 * RUNNING evaluation jobs are cancelled. The registered model, its policy, its transition history and the finished
 * evaluation jobs stay (the api has no delete for them).
 */
async function resetDemo(s, log) {
  const stamp = new Date().toISOString();
  const done = { experiment: null, archivedVersions: [], cancelledJobs: [] };
  const exp = await findExperiment(s);
  if (exp) done.experiment = await archiveExperiment(s, exp, stamp);
  const model = await findModel(s);
  if (model) {
    const jobs = (await gql(s, 'query($m: String!) { evaluationJobs(filter: { modelName: $m }, first: 100) { nodes { id status } } }', { m: MODEL_NAME })).evaluationJobs.nodes;
    for (const j of jobs.filter((x) => !TERMINAL.has(x.status))) {
      await gql(s, 'mutation($id: ID!) { cancelEvaluationJob(input: { id: $id }) { id } }', { id: j.id });
      done.cancelledJobs.push(j.id);
    }
    for (const v of model.versions.nodes.filter((x) => x.stage !== 'ARCHIVED')) {
      await gql(s, 'mutation($i: PromoteModelVersionInput!) { promoteModelVersion(input: $i) { modelVersion { stage } } }', {
        i: { name: MODEL_NAME, version: v.version, stage: 'ARCHIVED', decision: { justification: `npm run demo -- --reset (${stamp})` } },
      });
      done.archivedVersions.push(v.version);
    }
  }
  log(
    `  reset: ${done.experiment ? `experiment renamed to "${done.experiment}" and deleted` : 'no experiment'}; ${done.archivedVersions.length ? `versions ${done.archivedVersions.join(', ')} ARCHIVED` : 'no version to archive'}${done.cancelledJobs.length ? `; ${done.cancelledJobs.length} evaluation job(s) cancelled` : ''}`,
  );
  return done;
}

/** mlflow.set_experiment: get-by-name, else create (a deleted one is archived out of the way first). */
async function ensureExperiment(s, log) {
  try {
    const { experiment } = await mlflow(s, 'GET', 'experiments/get-by-name', { experiment_name: EXPERIMENT });
    if (experiment.lifecycle_stage !== 'deleted') return { id: experiment.experiment_id, created: false };
    const moved = await archiveExperiment(s, { id: experiment.experiment_id, deleted: true }, new Date().toISOString());
    log(`  the experiment ${EXPERIMENT} was deleted: renamed to "${moved}", creating a new one`);
  } catch (e) {
    if (e.code !== 'RESOURCE_DOES_NOT_EXIST') throw e;
  }
  const created = await mlflow(s, 'POST', 'experiments/create', { name: EXPERIMENT, tags: [{ key: 'mlflow.note.content', value: EXPERIMENT_DESCRIPTION }] });
  return { id: created.experiment_id, created: true };
}

const RUNS_Q = `query($e: ID!, $after: String) { runs(experimentId: $e, first: 100, after: $after) {
  nodes { id shortId name kind status metrics(keys: ["map50"]) { key lastStep } artifacts { path sha256 } } pageInfo { endCursor hasNextPage } } }`;

async function experimentRuns(s, experimentId) {
  const all = [];
  for (let after = null; ;) {
    const { runs } = await gql(s, RUNS_Q, { e: experimentId, after });
    all.push(...runs.nodes);
    if (!runs.pageInfo.hasNextPage) return all;
    after = runs.pageInfo.endCursor;
  }
}

const batch = (s, runId, { params = [], metrics = [], tags = [] }) => mlflow(s, 'POST', 'runs/log-batch', { run_id: runId, metrics, params, tags });
const asMetrics = (values, step) => {
  const timestamp = Date.now();
  return Object.entries(values).map(([key, value]) => ({ key, value, timestamp, step }));
};

/**
 * One training run, as `yolo train` with the MLflow callback sends it: runs/create with the run name and the client's
 * tags, log-batch of the params (chunks of 100, as log_params), then per epoch a log-batch at the end of the train
 * epoch and another at the end of the fit epoch (step = epoch), results.csv and args.yaml through the artifact proxy,
 * runs/update FINISHED. `from` > 0 resumes a run an interrupted demo left RUNNING.
 */
async function trainRun(s, experimentId, run, index, existingId, from, log) {
  let runId = existingId;
  if (!runId) {
    const tags = [
      { key: 'mlflow.runName', value: run.name },
      { key: 'mlflow.user', value: 'podium-demo' },
      { key: 'mlflow.source.name', value: 'scripts/demo.mjs' },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.note.content', value: 'Replayed by npm run demo: illustrative training figures, not measured (scripts/demo-data.mjs).' },
      { key: 'podium.demo', value: 'illustrative' },
    ];
    const created = await mlflow(s, 'POST', 'runs/create', { experiment_id: experimentId, user_id: 'podium-demo', start_time: Date.now(), tags, run_name: run.name });
    runId = created.run.info.run_id;
  }
  const params = Object.entries(ultralyticsArgs(run)).map(([key, value]) => ({ key, value }));
  for (let i = 0; i < params.length; i += 100) await batch(s, runId, { params: params.slice(i, i + 100) });
  const pause = s.speed > 0 ? EPOCH_SECONDS / s.speed / 2 : 0;
  for (let epoch = from; epoch < EPOCHS; epoch++) {
    const { train, fit } = epochMetrics(run, epoch);
    await sleep(pause);
    await batch(s, runId, { metrics: asMetrics(train, epoch) });
    await sleep(pause);
    await batch(s, runId, { metrics: asMetrics(fit, epoch) });
    log(
      `  run ${index + 1}/${RUNS.length} ${run.name} (${runId.slice(0, 8)}) epoch ${epoch + 1}/${EPOCHS}: mAP50 ${fmt(fit['metrics/mAP50B'])}  mAP50-95 ${fmt(fit['metrics/mAP50-95B'])}  P ${fmt(fit['metrics/precisionB'])}  R ${fmt(fit['metrics/recallB'])}  box_loss ${fmt(train['train/box_loss'])}`,
    );
  }
  await mlflowArtifact(s, experimentId, runId, 'results.csv', resultsCsv(run), 'text/csv');
  await mlflowArtifact(
    s,
    experimentId,
    runId,
    'args.yaml',
    Object.entries(ultralyticsArgs(run))
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n') + '\n',
    'application/x-yaml',
  );
  await mlflow(s, 'POST', 'runs/update', { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: Date.now() });
  return runId;
}

/** The nine runs: a FINISHED one of the same name is reused, a RUNNING one resumed, a FAILED or KILLED one replaced. */
async function trainGrid(s, experimentId, log) {
  const existing = await experimentRuns(s, experimentId);
  const out = [];
  for (const [index, run] of RUNS.entries()) {
    const same = existing.filter((r) => r.name === run.name && r.kind === 'TRAINING');
    const finished = same.find((r) => r.status === 'FINISHED');
    if (finished) {
      log(`  run ${index + 1}/${RUNS.length} ${run.name} (${finished.shortId}): FINISHED already, reused`);
      out.push({ name: run.name, id: finished.id, action: 'reused' });
      continue;
    }
    const running = same.find((r) => r.status === 'RUNNING');
    for (const dead of same.filter((r) => r !== running)) {
      await gql(s, 'mutation($id: ID!) { deleteRun(id: $id) { id } }', { id: dead.id });
      log(`  run ${run.name} (${dead.shortId}) was ${dead.status}: deleted (soft), logging it again`);
    }
    const from = running ? (running.metrics.find((m) => m.key === 'map50')?.lastStep ?? -1) + 1 : 0;
    if (running) log(`  run ${index + 1}/${RUNS.length} ${run.name} (${running.shortId}) was left RUNNING: resuming at epoch ${from + 1}`);
    const id = await trainRun(s, experimentId, run, index, running?.id, from, log);
    out.push({ name: run.name, id, action: running ? 'resumed' : 'created' });
  }
  return out;
}

const GRID_Q = `query($e: ID!, $metric: String!) { gridAnalysis(experimentId: $e, metric: $metric, aggregation: MAX) {
  runCount best { runId runName value step } holes { params { key value } } outsideGrid { runName }
  params { key isRepeat best values { value mean std n } changes { from to meanFrom meanTo difference relativeChange significant } }
  noise { std significanceThreshold degreesOfFreedom meanRelativeRange maxRelativeRange repeatParams groups { range } } } }`;

async function analyse(s, experimentId) {
  const [map50, recall] = await Promise.all(['map50', 'recall'].map((metric) => gql(s, GRID_Q, { e: experimentId, metric }).then((d) => d.gridAnalysis)));
  return { map50, recall };
}

function gridLines(g, recall) {
  const lines = [];
  for (const p of g.params) {
    if (p.isRepeat) continue;
    const means = p.values.map((v) => `${p.key} ${v.value}: ${fmt(v.mean)} ± ${fmt(v.std)} (n ${v.n})`).join(', ');
    for (const c of p.changes) {
      const verdict = c.significant === null ? 'no noise estimate' : c.significant ? 'beyond the seed noise' : 'within the seed noise';
      lines.push(`${p.key} ${c.from} → ${c.to}: mAP@50 ${fmt(c.meanFrom)} → ${fmt(c.meanTo)}, ${c.difference >= 0 ? '+' : ''}${fmt(c.difference)} (${pct(c.relativeChange)}), ${verdict}; ${means}`);
    }
  }
  const rc = recall.params.find((p) => p.key === 'imgsz')?.changes[0];
  if (rc) lines.push(`imgsz ${rc.from} → ${rc.to} on recall: ${fmt(rc.meanFrom)} → ${fmt(rc.meanTo)} (${pct(rc.relativeChange)})`);
  const n = g.noise;
  const ranges = n.groups.map((x) => x.range);
  lines.push(
    `seed noise (${n.repeatParams.join(', ')}): runs of one configuration differ by ${ranges.map((x) => fmt(x)).join(', ')} mAP@50 (${(100 * n.meanRelativeRange).toFixed(1)} % of their mean on average); pooled std ${fmt(n.std)} over ${n.degreesOfFreedom} degrees of freedom: an effect under ${fmt(n.significanceThreshold)} (2 × std) is noise`,
  );
  lines.push(
    `best run: ${g.best.runName} (${String(g.best.runId).slice(0, 8)}), mAP@50 ${fmt(g.best.value)} at epoch ${g.best.step + 1}; ${g.runCount} runs${g.holes.length ? `, ${g.holes.length} hole(s)` : ''}${g.outsideGrid.length ? `, ${g.outsideGrid.length} outside the grid` : ''}`,
  );
  return lines;
}

/** The best run's checkpoint: weights/best.onnx, uploaded unless the same bytes are there. */
async function uploadCheckpoint(s, bestRunId) {
  const file = join(ROOT, CHECKPOINT.file);
  const sha256 = await sha256File(file);
  const { run } = await gql(s, 'query($id: ID!) { run(id: $id) { artifacts { path sha256 size } } }', { id: bestRunId });
  const there = run.artifacts.find((a) => a.path === CHECKPOINT.artifactPath);
  if (there?.sha256 === sha256) return { path: CHECKPOINT.artifactPath, sha256, size: there.size, uploaded: false };
  const stored = await upload(s, bestRunId, CHECKPOINT.artifactPath, file);
  return { path: CHECKPOINT.artifactPath, sha256, size: stored.size, uploaded: true };
}

const PROMOTE_M = `mutation($i: PromoteModelVersionInput!) { promoteModelVersion(input: $i) {
  modelVersion { version stage stageEnteredAt } transitions { seq fromStage toStage version at } } }`;

/** The model (created when absent), its PRODUCTION gate, the best run's version (reused when registered), STAGING. */
async function register(s, bestRun, bestValue, log) {
  let model = await findModel(s);
  if (!model) {
    await gql(s, 'mutation($i: CreateRegisteredModelInput!) { createRegisteredModel(input: $i) { name } }', {
      i: { name: MODEL_NAME, description: 'YOLOv8n for the person class (npm run demo: illustrative training runs, a real ONNX checkpoint, a measured evaluation).' },
    });
    model = await findModel(s);
  }
  await gql(s, 'mutation($name: String!, $policy: JSONObject) { setPromotionPolicy(input: { name: $name, policy: $policy }) { name } }', { name: MODEL_NAME, policy: POLICY });
  let version = model.versions.nodes.find((v) => v.sourceRunId === bestRun.id && v.artifactPath === CHECKPOINT.artifactPath && v.stage !== 'ARCHIVED');
  const registered = !version;
  if (!version) {
    version = (
      await gql(s, 'mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { version stage stageEnteredAt sourceRunId artifactPath artifactSha256 } }', {
        i: { name: MODEL_NAME, runId: bestRun.id, artifactPath: CHECKPOINT.artifactPath, description: `${BEST_RUN}: ${CHECKPOINT.file} (YOLOv8n exported to ONNX)` },
      })
    ).createModelVersion;
  }
  log(
    `  ${MODEL_NAME} v${version.version}: ${registered ? 'registered' : 'registered already, reused'} from ${bestRun.name} ${CHECKPOINT.artifactPath}; PRODUCTION gate: a full ${DATASET} evaluation with mAP@50 ≥ ${POLICY.production.requireEvaluation.floor} or ≥ the holder's`,
  );
  if (version.stage === 'NONE') {
    const res = await gql(s, PROMOTE_M, {
      i: {
        name: MODEL_NAME,
        version: version.version,
        stage: 'STAGING',
        decision: {
          justification: `Best run of the grid by mAP@50 (${BEST_RUN}: ${fmt(bestValue)} at its last epoch, illustrative training figures); staged for a full ${DATASET} evaluation by the worker before PRODUCTION.`,
        },
      },
    });
    version = { ...version, ...res.promoteModelVersion.modelVersion };
    log(`  ${MODEL_NAME} v${version.version}: NONE → STAGING, with its justification`);
  } else log(`  ${MODEL_NAME} v${version.version}: in ${version.stage} already`);
  return { version: version.version, stage: version.stage, registered };
}

/** The version's full coco128 evaluation: a SUCCEEDED one is reused, a QUEUED or RUNNING one followed, else queued. */
async function evaluate(s, version, log) {
  // Page through the model's jobs (newest first) with a light selection; the one kept is read whole.
  const mine = [];
  for (let after = null; ;) {
    const { evaluationJobs: page } = await gql(
      s,
      `query($m: String!, $after: String) { evaluationJobs(filter: { modelName: $m }, first: 100, after: $after) {
      nodes { id status modelVersion finishedAt dataset { name } settings { imgsz classes } } pageInfo { endCursor hasNextPage } } }`,
      { m: MODEL_NAME, after },
    );
    mine.push(...page.nodes.filter((j) => j.modelVersion === version && j.dataset.name === DATASET && !j.settings.classes?.length && j.settings.imgsz === IMGSZ));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  const succeeded = mine.find((j) => j.status === 'SUCCEEDED');
  if (succeeded) {
    log(`  evaluation ${succeeded.id} of v${version} on ${DATASET} SUCCEEDED already (${succeeded.finishedAt}): reused`);
    const { evaluationJob } = await gql(s, `query($id: ID!) { evaluationJob(id: $id) { ${JOB_FIELDS} } }`, { id: succeeded.id });
    return { job: evaluationJob, action: 'reused' };
  }
  let job = mine.find((j) => !TERMINAL.has(j.status));
  const action = job ? 'followed' : 'evaluated';
  if (job) log(`  evaluation ${job.id} of v${version} is ${job.status}: following it`);
  else {
    job = (
      await gql(s, 'mutation($i: EvaluateModelInput!) { evaluateModel(input: $i) { id status } }', {
        i: { modelName: MODEL_NAME, version, dataset: { name: DATASET }, imgsz: IMGSZ, executionProvider: 'AUTO' },
      })
    ).evaluateModel;
    log(`  evaluation ${job.id}: v${version} on ${DATASET} (all 80 classes, every image), imgsz ${IMGSZ}, queued for the local worker`);
  }
  const done = await follow(s, job.id, reporter(log, '  '), (l) => log(`  ${l}`));
  return { job: done, action };
}

function decisionOf(job, grid) {
  const r = job.result;
  const imgsz = grid.params.find((p) => p.key === 'imgsz')?.changes[0];
  const lr0 = grid.params.find((p) => p.key === 'lr0')?.changes[0];
  return {
    justification: `Best run of the grid, ${BEST_RUN} (mAP@50 ${fmt(grid.best.value)} on the person class; illustrative training figures). Measured by the worker on the full ${DATASET} (${r.imagesEvaluated} images, 80 classes, imgsz ${IMGSZ}): mAP@50 ${fmt(r.map50)}, mAP@50-95 ${fmt(r.map50_95)}, above the policy floor ${POLICY.production.requireEvaluation.floor}. imgsz 416 beats 320 by ${pct(imgsz?.relativeChange)} mAP@50, beyond the seed noise.`,
    alternatives: `yolov8n_e3_sz416_lr0.005_s42 (lr0 0.005: ${pct(lr0 ? -lr0.difference / lr0.meanTo : null)} mAP@50 on average, within the seed noise: an equal fallback); the imgsz 320 runs (${pct(imgsz ? -imgsz.difference / imgsz.meanTo : null)}, beyond the noise); the repeat of the best configuration (${fmt(RUNS.at(-1).final.map50)}: same settings, the gap is noise).`,
    risks: `COCO128 is both the training and the evaluation set: the measured scores are optimistic, there is no held-out data. Three epochs: the model was still improving. The lr0 choice rests on an effect within the seed noise. Precision at the evaluation threshold (conf 0.001) is low: serve at the F1-optimal confidence ${fmt(r.bestConfidence, 3)}.`,
    nextSteps: `Evaluate on held-out images (COCO val2017 persons) before serving; train longer; serve at conf ${fmt(r.bestConfidence, 3)}.`,
    useReport: true,
    reportLocale: 'en',
  };
}

/** PRODUCTION with the decision (compare-and-swap on the current holder); a gate refusal is exit code 3. */
async function promote(s, versionNo, decision, log) {
  const model = await findModel(s);
  const me = model.versions.nodes.find((v) => v.version === versionNo);
  if (me.stage === 'PRODUCTION') {
    log(`  ${MODEL_NAME} v${versionNo}: in PRODUCTION already (since ${me.stageEnteredAt})`);
    return { promoted: false };
  }
  const holder = model.versions.nodes.find((v) => v.stage === 'PRODUCTION');
  try {
    const res = await gql(s, PROMOTE_M, { i: { name: MODEL_NAME, version: versionNo, stage: 'PRODUCTION', expectedCurrentVersion: holder?.version ?? 0, decision } });
    const moves = res.promoteModelVersion.transitions.map((t) => `v${t.version} ${t.fromStage} → ${t.toStage} (#${t.seq})`).join(', ');
    log(`  ${moves}, with the decision and the report`);
    return { promoted: true };
  } catch (e) {
    if (e.code !== 'FAILED_PRECONDITION') throw e;
    const unmet = (e.extensions.unmetGates ?? []).map((g) => JSON.stringify(g)).join('; ');
    throw new Outcome(3, `PRODUCTION refused: ${e.message}${unmet ? ` (unmet gates: ${unmet})` : ''}`);
  }
}

async function main() {
  const start = Date.now();
  const args = parseArgs(process.argv.slice(2), OPTIONS, FLAGS);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const s = settingsOf(args);
  // With --json stdout carries only the final JSON line; everything else goes to stderr.
  const log = s.json ? (l) => console.error(l) : (l) => console.log(l);
  const STEPS = s.reset ? 7 : 6;
  let n = 0;
  const step = (text) => log(`[${++n}/${STEPS}] ${text}`);
  const out = { api: s.base };

  step(`api ${s.base}`);
  const { viewer, serverInfo, dataset } = await connect(s, log);
  log(`  Podium ${serverInfo.version} on ${serverInfo.database}, auth ${serverInfo.authMode}, as ${viewer.name} (${viewer.role}); dataset ${dataset.name} v${dataset.version}`);

  if (s.reset) {
    step('reset: archive the demo objects');
    out.reset = await resetDemo(s, log);
  }

  step(`training: ${RUNS.length} runs of ${EPOCHS} epochs through the MLflow API (illustrative figures)${s.speed > 0 ? `, one epoch every ${fmt(EPOCH_SECONDS / s.speed, 2)} s` : ''}`);
  const experiment = await ensureExperiment(s, log);
  log(`  experiment ${EXPERIMENT} (${experiment.id}): ${experiment.created ? 'created' : 'exists, reused'}; watch it at ${s.base}/experiments/${experiment.id}`);
  // A moment to open that page before the first run starts (paced replays only).
  if (experiment.created) await sleep(s.speed > 0 ? 3 / s.speed : 0);
  const runs = await trainGrid(s, experiment.id, log);

  step('gridAnalysis of the experiment (map50, each run at its best epoch)');
  const grid = await analyse(s, experiment.id);
  for (const line of gridLines(grid.map50, grid.recall)) log(`  ${line}`);
  const bestRun = runs.find((r) => r.id === grid.map50.best.runId);
  if (!bestRun || bestRun.name !== BEST_RUN) throw new Error(`gridAnalysis names ${grid.map50.best.runName} as the best run, the demo's data says ${BEST_RUN}: the experiment holds other runs`);

  step(`registry: ${CHECKPOINT.file} as ${bestRun.name}'s checkpoint, ${MODEL_NAME}, STAGING`);
  const checkpoint = await uploadCheckpoint(s, bestRun.id);
  log(`  ${checkpoint.path}: ${checkpoint.uploaded ? 'uploaded' : 'the same bytes are there, kept'} (${(checkpoint.size / 1e6).toFixed(1)} MB, sha256 ${checkpoint.sha256.slice(0, 12)})`);
  const version = await register(s, bestRun, grid.map50.best.value, log);

  step(`evaluation of v${version.version} on ${DATASET} by the worker (measured)`);
  const evaluation = await evaluate(s, version.version, log);
  const job = evaluation.job;
  log(`  evaluation ${job.id} ${job.status}: ${fmt(secondsBetween(job.startedAt, job.finishedAt), 1)} s on the worker (${fmt(secondsBetween(job.createdAt, job.startedAt), 1)} s queued)`);
  if (job.status !== 'SUCCEEDED') throw new Outcome(1, `evaluation ${job.id} ${job.status}${job.errorCode ? `: ${job.errorCode}` : ''}${job.error ? `: ${job.error}` : ''}`);
  for (const line of evaluationLines(job)) log(`  ${line}`);
  log(`  These are measured by the worker on all of ${DATASET} (80 classes): they differ from the illustrative training figures above (person class only, not measured).`);

  step('promotion report and PRODUCTION');
  const decision = decisionOf(job, grid.map50);
  const report = (await gql(s, 'query($n: String!, $v: Int!) { promotionReport(name: $n, version: $v, locale: en) { markdown } }', { n: MODEL_NAME, v: version.version })).promotionReport;
  if (!s.json)
    log(
      report.markdown
        .trimEnd()
        .split('\n')
        .map((l) => `  | ${l}`)
        .join('\n'),
    );
  const promotion = await promote(s, version.version, decision, log);
  const history = (
    await gql(s, 'query($n: String!) { modelVersionTransitions(name: $n, first: 100) { totalCount nodes { seq version fromStage toStage actor at decision { justification } } } }', { n: MODEL_NAME })
  ).modelVersionTransitions;

  const seconds = (Date.now() - start) / 1000;
  const r = job.result;
  const links = {
    experiment: `${s.base}/experiments/${experiment.id}`,
    bestRun: `${s.base}/runs/${bestRun.id}`,
    compare: `${s.base}/compare?runs=${runs.map((x) => x.id).join(',')}&experiment=${experiment.id}`,
    model: `${s.base}/models/${MODEL_NAME}`,
    version: `${s.base}/models/${MODEL_NAME}/versions/${version.version}`,
    evaluation: `${s.base}/evaluations/${job.id}`,
  };
  const counts = ['created', 'resumed', 'reused']
    .map((a) => [a, runs.filter((x) => x.action === a).length])
    .filter(([, c]) => c)
    .map(([a, c]) => `${c} ${a}`)
    .join(', ');
  log('');
  log(`summary (${seconds.toFixed(1)} s):`);
  log(`  training   ${RUNS.length} runs in ${EXPERIMENT} (${counts}); best ${BEST_RUN} mAP@50 ${fmt(grid.map50.best.value)} (illustrative)`);
  const im = grid.map50.params.find((p) => p.key === 'imgsz')?.changes[0];
  log(`  grid       imgsz 320 → 416: ${pct(im?.relativeChange)} mAP@50; seed noise std ${fmt(grid.map50.noise.std)}`);
  log(
    `  measured   ${MODEL_NAME} v${version.version} on ${DATASET}: mAP50 ${fmt(r.map50)}  mAP50-95 ${fmt(r.map50_95)}  P ${fmt(r.precision)}  R ${fmt(r.recall)}  best conf ${fmt(r.bestConfidence, 3)} (job ${job.id}, ${evaluation.action})`,
  );
  log(`  decision   v${version.version} in PRODUCTION${promotion.promoted ? ' now' : ' already'}; history: ${history.totalCount} transition(s)`);
  log(`  see        ${links.bestRun}  (the best run)`);
  log(`             ${links.version}  (the version, its decision and report)`);
  log(`             ${links.model}  (the model and its transition history)`);
  log(`             ${links.evaluation}  (the evaluation)`);
  log(`             ${links.experiment}  (the runs; compare them with the grid analysis from there)`);

  if (s.json) {
    Object.assign(out, {
      seconds,
      viewer,
      experiment: { id: experiment.id, name: EXPERIMENT, created: experiment.created },
      runs,
      grid: { map50: grid.map50, recall: grid.recall },
      checkpoint,
      model: { name: MODEL_NAME, version: version.version, registered: version.registered, stage: 'PRODUCTION', promoted: promotion.promoted },
      evaluation: { action: evaluation.action, job },
      decision,
      report: report.markdown,
      transitions: history.nodes,
      links,
    });
    console.log(JSON.stringify(out));
  }
  return 0;
}

runMain(async () => {
  try {
    return await main();
  } catch (e) {
    if (!(e instanceof Outcome)) throw e;
    console.error(e.message);
    return e.exitCode;
  }
}, USAGE);
