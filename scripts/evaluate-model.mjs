#!/usr/bin/env node
// Evaluates an ONNX model through Podium in one command, as the curl recipe in README.md does by hand: creates (or
// reuses) an experiment, creates a run to hold the model (unless --run), streams the file to
// PUT /artifacts/<run>/weights/<basename>, calls evaluateModel, then follows the job live over graphql-ws
// (evaluationJobUpdated) and prints its result.
//   node scripts/evaluate-model.mjs [--url http://localhost:4000] [--model assets/models/yolov8n_fp32_dynamic.onnx]
//     [--dataset coco128] [--imgsz 640] [--ep AUTO|CUDA|CPU] [--batch N] [--experiment evaluations] [--run <id>] [--json]
// --json: progress goes to stderr and the last stdout line is one JSON object (result, job id, status, timings).
// Exit code: 0 SUCCEEDED, 1 FAILED or CANCELLED, 2 bad arguments, an unreachable api or a refused request.
// PODIUM_TOKEN=pod_… is sent as a bearer token (not needed from loopback in local mode).
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError, endpointsOf, evaluationLines, experimentId, fileSize, fmt, follow, gql, intArg, parseArgs, reporter, runMain, secondsBetween, UsageError, upload } from './lib/podium-client.mjs';

const USAGE = `usage: node scripts/evaluate-model.mjs [--url http://localhost:4000] [--model file.onnx] [--dataset coco128]
  [--imgsz 640] [--ep AUTO|CUDA|CPU] [--batch N] [--experiment evaluations] [--run <id>] [--json]`;
const OPTIONS = new Set(['url', 'model', 'dataset', 'imgsz', 'ep', 'batch', 'experiment', 'run']);
const FLAGS = new Set(['json', 'help']);

function settingsOf(args) {
  const ep = (args.ep ?? 'AUTO').toUpperCase();
  if (!['AUTO', 'CUDA', 'CPU'].includes(ep)) throw new UsageError(`--ep must be AUTO, CUDA or CPU, got "${args.ep}"`);
  // The default model is the repository's demo YOLOv8n, wherever the script is started from; --model is from the cwd.
  const model = args.model ? resolve(args.model) : fileURLToPath(new URL('../assets/models/yolov8n_fp32_dynamic.onnx', import.meta.url));
  const size = fileSize(model, '--model');
  return {
    ...endpointsOf(args.url),
    token: process.env.PODIUM_TOKEN || undefined,
    model,
    size,
    dataset: args.dataset ?? 'coco128',
    imgsz: intArg(args, 'imgsz', 32, 4096) ?? 640,
    ep,
    batch: intArg(args, 'batch', 1, 256),
    experiment: args.experiment ?? 'evaluations',
    run: args.run,
    json: Boolean(args.json),
  };
}

function summary(s, job, timings) {
  const r = job.result;
  return {
    jobId: job.id,
    status: job.status,
    errorCode: job.errorCode ?? null,
    error: job.error ?? null,
    attempt: job.attempt,
    evaluationRunId: job.runId ?? null,
    sourceRunId: job.sourceRunId ?? null,
    model: basename(s.model),
    dataset: job.dataset,
    settings: job.settings,
    requestedExecutionProvider: s.ep,
    executionProvider: r?.executionProvider ?? null,
    device: r?.device ?? null,
    fallbackReason: r?.fallbackReason ?? null,
    map50: r?.map50 ?? null,
    map50_95: r?.map50_95 ?? null,
    map75: r?.map75 ?? null,
    precision: r?.precision ?? null,
    recall: r?.recall ?? null,
    f1: r?.f1 ?? null,
    bestConfidence: r?.bestConfidence ?? null,
    fitness: r?.fitness ?? null,
    precisionAtConf: r?.precisionAtConf ?? null,
    recallAtConf: r?.recallAtConf ?? null,
    coco: r?.coco ?? null,
    imagesEvaluated: r?.imagesEvaluated ?? null,
    imagesPerSecond: r?.imagesPerSecond ?? null,
    skippedImages: r?.skippedImages ?? null,
    skipped: r?.skipped ?? [],
    createdAt: job.createdAt,
    startedAt: job.startedAt ?? null,
    finishedAt: job.finishedAt ?? null,
    timings: {
      uploadSeconds: timings.uploadSeconds,
      queuedSeconds: secondsBetween(job.createdAt, job.startedAt),
      runSeconds: secondsBetween(job.startedAt, job.finishedAt),
      jobSeconds: secondsBetween(job.createdAt, job.finishedAt),
      totalSeconds: (Date.now() - timings.start) / 1000,
    },
  };
}

function printHuman(out, job, log) {
  const t = out.timings;
  log(`job ${out.jobId} ${out.status} in ${fmt(t.jobSeconds, 1)} s (${fmt(t.queuedSeconds, 1)} s queued, ${fmt(t.runSeconds, 1)} s running); evaluation run ${out.evaluationRunId ?? '-'}`);
  for (const line of evaluationLines(job)) log(`  ${line}`);
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

  // A dataset that does not exist is refused before anything is created.
  const { dataset } = await gql(s, 'query($name: String!) { dataset(name: $name) { name version } }', { name: s.dataset });
  if (!dataset) throw new ApiError('NOT_FOUND', `dataset "${s.dataset}" is not registered`);

  let runId;
  if (s.run) {
    const { run } = await gql(s, 'query($id: ID!) { run(id: $id) { id } }', { id: s.run });
    if (!run) throw new ApiError('NOT_FOUND', `run "${s.run}" not found`);
    runId = run.id;
    log(`run ${runId}`);
  } else {
    const expId = await experimentId(s, s.experiment);
    const name = basename(s.model).replace(/\.onnx$/i, '');
    const { createRun } = await gql(s, 'mutation($input: CreateRunInput!) { createRun(input: $input) { id shortId } }', {
      input: { experimentId: expId, name, params: [{ key: 'model', value: basename(s.model) }] },
    });
    runId = createRun.id;
    log(`experiment ${s.experiment}: run ${createRun.shortId} (${name}) holds the model`);
  }

  const artifactPath = `weights/${basename(s.model)}`;
  const uploadStart = Date.now();
  const stored = await upload(s, runId, artifactPath, s.model);
  const uploadSeconds = (Date.now() - uploadStart) / 1000;
  log(`uploaded ${artifactPath}: ${(stored.size / 1e6).toFixed(1)} MB in ${uploadSeconds.toFixed(1)} s (sha256 ${stored.sha256.slice(0, 12)})`);

  const input = { runId, artifactPath, dataset: { name: s.dataset }, imgsz: s.imgsz, executionProvider: s.ep, ...(s.batch ? { batch: s.batch } : {}) };
  const { evaluateModel: queued } = await gql(s, 'mutation($input: EvaluateModelInput!) { evaluateModel(input: $input) { id status dataset { name version } } }', { input });
  log(`job ${queued.id}: ${basename(s.model)} on ${queued.dataset.name} v${queued.dataset.version}, imgsz ${s.imgsz}, ${s.ep}${s.batch ? `, batch ${s.batch}` : ''}`);

  const job = await follow(s, queued.id, reporter(log), (l) => console.error(l));
  const out = summary(s, job, { start, uploadSeconds });
  printHuman(out, job, log);
  if (out.status !== 'SUCCEEDED') console.error(`${out.status}${out.errorCode ? `: ${out.errorCode}` : ''}${out.error ? `: ${out.error}` : ''}`);
  if (s.json) console.log(JSON.stringify(out));
  return out.status === 'SUCCEEDED' ? 0 : 1;
}

runMain(main, USAGE);
