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
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const USAGE = `usage: node scripts/evaluate-model.mjs [--url http://localhost:4000] [--model file.onnx] [--dataset coco128]
  [--imgsz 640] [--ep AUTO|CUDA|CPU] [--batch N] [--experiment evaluations] [--run <id>] [--json]`;
const OPTIONS = new Set(['url', 'model', 'dataset', 'imgsz', 'ep', 'batch', 'experiment', 'run']);
const FLAGS = new Set(['json', 'help']);
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

class UsageError extends Error {}
/** A refused request: the api's typed error (extensions.code) or an HTTP error body {error: {code, message}}. */
class ApiError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const key = a.slice(2, eq < 0 ? undefined : eq);
    if (FLAGS.has(key) && eq < 0) args[key] = true;
    else if (OPTIONS.has(key)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${key} needs a value`);
      args[key] = value;
    } else throw new UsageError(`unknown option --${key}`);
  }
  return args;
}

function intArg(args, key, min, max) {
  if (args[key] === undefined) return undefined;
  const n = Number(args[key]);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${key} must be an integer in [${min}, ${max}], got "${args[key]}"`);
  return n;
}

function settingsOf(args) {
  const base = (args.url ?? 'http://localhost:4000').replace(/\/+$/, '').replace(/\/graphql$/, '');
  let url;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`--url is not a URL: "${args.url}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http(s)://…, got "${args.url}"`);
  const ep = (args.ep ?? 'AUTO').toUpperCase();
  if (!['AUTO', 'CUDA', 'CPU'].includes(ep)) throw new UsageError(`--ep must be AUTO, CUDA or CPU, got "${args.ep}"`);
  // The default model is the repository's demo YOLOv8n, wherever the script is started from; --model is from the cwd.
  const model = args.model ? resolve(args.model) : fileURLToPath(new URL('../assets/models/yolov8n_fp32_dynamic.onnx', import.meta.url));
  let size;
  try {
    const st = statSync(model);
    if (!st.isFile()) throw new UsageError(`--model is not a file: ${model}`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read the model file ${model}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  return {
    base,
    ws: `${base.replace(/^http/, 'ws')}/graphql`,
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

const authHeaders = () => (process.env.PODIUM_TOKEN ? { authorization: `Bearer ${process.env.PODIUM_TOKEN}` } : {});

/** fetch, with an unreachable api reported as such (the message names the address and the cause). */
async function request(url, init) {
  try {
    return await fetch(url, init);
  } catch (e) {
    const cause = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new Error(`cannot reach ${url}: ${cause}`);
  }
}

async function gql(s, query, variables = {}) {
  const res = await request(`${s.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders() }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${s.base}/graphql answered ${res.status} with something that is not GraphQL: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new ApiError(body.errors[0].extensions?.code ?? `HTTP_${res.status}`, body.errors.map((e) => e.message).join('; '));
  return body.data;
}

async function experimentId(s, name) {
  const byName = () => gql(s, 'query($name: String) { experiment(name: $name) { id } }', { name }).then((d) => d.experiment?.id);
  const found = await byName();
  if (found) return found;
  try {
    return (await gql(s, 'mutation($name: String!) { createExperiment(input: { name: $name }) { id } }', { name })).createExperiment.id;
  } catch (e) {
    if (e.code !== 'CONFLICT') throw e;
    return byName(); // created meanwhile by someone else
  }
}

/** Streams the file (no buffering of the whole model) and checks the stored sha256 against the bytes sent. */
async function upload(s, runId, path) {
  const hash = createHash('sha256');
  async function* hashed() {
    for await (const chunk of createReadStream(s.model)) {
      hash.update(chunk);
      yield chunk;
    }
  }
  const res = await request(`${s.base}/artifacts/${encodeURIComponent(runId)}/${path.split('/').map(encodeURIComponent).join('/')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(s.size), ...authHeaders() },
    body: hashed(),
    duplex: 'half',
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 201) throw new ApiError(body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? `upload answered ${res.status}`);
  const sent = hash.digest('hex');
  if (body.sha256 !== sent) throw new Error(`the stored artifact's sha256 ${body.sha256} is not the file's ${sent}`);
  return body;
}

const JOB_FIELDS = `id status attempt error errorCode cancelRequested runId sourceRunId createdAt startedAt finishedAt
  dataset { name version digest } settings { imgsz conf iou maxDet batch executionProvider }
  progress { done total imagesPerSecond etaSeconds }
  result { map50 map50_95 map75 precision recall f1 bestConfidence fitness precisionAtConf recallAtConf
    coco { ap ap50 ap75 ar100 } executionProvider device fallbackReason imagesPerSecond imagesEvaluated skippedImages
    skipped { file reason } }`;

const secondsBetween = (from, to) => (from && to ? (new Date(to) - new Date(from)) / 1000 : null);
const fmt = (x, digits = 4) => (x == null ? '-' : Number(x).toFixed(digits));

/** Prints one line per change: status changes, then each progress report (done/total, images/s, ETA). */
function reporter(log) {
  let last = '';
  return (job) => {
    const p = job.progress;
    const line = p && job.status === 'RUNNING'
      ? `${job.status} ${p.done}/${p.total} images (${Math.round((100 * p.done) / Math.max(1, p.total))} %), ${fmt(p.imagesPerSecond, 1)} images/s, ETA ${Math.round(p.etaSeconds)} s`
      : `${job.status}${job.attempt > 1 ? ` (attempt ${job.attempt})` : ''}${job.status === 'QUEUED' ? ': waiting for a worker' : ''}${job.cancelRequested && !TERMINAL.has(job.status) ? ', cancel requested' : ''}`;
    // The final status is printed with the result.
    if (line !== last && !TERMINAL.has(job.status)) log(line);
    last = line;
  };
}

/**
 * Follows the job over graphql-ws until a final status. If the stream ends (or breaks) before one, falls back to
 * the evaluationJob query, polled until the job is final.
 */
async function follow(s, jobId, report, log) {
  const client = createClient({
    url: s.ws,
    webSocketImpl: WebSocket,
    connectionParams: authHeaders(),
    retryAttempts: 3,
  });
  let job;
  try {
    const events = client.iterate({ query: `subscription($id: ID!) { evaluationJobUpdated(jobId: $id) { ${JOB_FIELDS} } }`, variables: { id: jobId } });
    for await (const event of events) {
      if (event.errors?.length) throw new ApiError(event.errors[0].extensions?.code ?? 'ERROR', event.errors.map((e) => e.message).join('; '));
      job = event.data.evaluationJobUpdated;
      report(job);
      if (TERMINAL.has(job.status)) return job;
    }
    log('the subscription ended before a final status; asking for the job');
  } catch (e) {
    const why = Array.isArray(e) ? e.map((x) => `${x.extensions?.code ?? 'ERROR'}: ${x.message}`).join('; ') : e?.code && e?.reason !== undefined ? `closed ${e.code} ${e.reason}` : String(e?.message ?? e);
    log(`the subscription failed (${why}); polling the job instead`);
  } finally {
    await client.dispose();
  }
  for (;;) {
    job = (await gql(s, `query($id: ID!) { evaluationJob(id: $id) { ${JOB_FIELDS} } }`, { id: jobId })).evaluationJob;
    if (!job) throw new ApiError('NOT_FOUND', `evaluation job ${jobId} not found`);
    report(job);
    if (TERMINAL.has(job.status)) return job;
    await new Promise((r) => setTimeout(r, 2000));
  }
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

function printHuman(out, log) {
  const t = out.timings;
  log(`job ${out.jobId} ${out.status} in ${fmt(t.jobSeconds, 1)} s (${fmt(t.queuedSeconds, 1)} s queued, ${fmt(t.runSeconds, 1)} s running); evaluation run ${out.evaluationRunId ?? '-'}`);
  if (out.status !== 'SUCCEEDED') return;
  log(`  mAP50 ${fmt(out.map50)}  mAP50-95 ${fmt(out.map50_95)}  P ${fmt(out.precision)}  R ${fmt(out.recall)}  F1 ${fmt(out.f1)}  best confidence ${fmt(out.bestConfidence, 3)}`);
  log(`  COCO AP ${fmt(out.coco?.ap)}  AP50 ${fmt(out.coco?.ap50)}  AR100 ${fmt(out.coco?.ar100)}`);
  log(`  provider ${out.executionProvider} (${out.device}), ${fmt(out.imagesPerSecond, 1)} images/s, ${out.imagesEvaluated} images, ${out.skippedImages} skipped`);
  if (out.fallbackReason) log(`  CUDA not used: ${out.fallbackReason}`);
  for (const sk of out.skipped.slice(0, 10)) log(`    skipped ${sk.file}: ${sk.reason}`);
}

async function main() {
  const start = Date.now();
  const args = parseArgs(process.argv.slice(2));
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
  const stored = await upload(s, runId, artifactPath);
  const uploadSeconds = (Date.now() - uploadStart) / 1000;
  log(`uploaded ${artifactPath}: ${(stored.size / 1e6).toFixed(1)} MB in ${uploadSeconds.toFixed(1)} s (sha256 ${stored.sha256.slice(0, 12)})`);

  const input = { runId, artifactPath, dataset: { name: s.dataset }, imgsz: s.imgsz, executionProvider: s.ep, ...(s.batch ? { batch: s.batch } : {}) };
  const { evaluateModel: queued } = await gql(s, 'mutation($input: EvaluateModelInput!) { evaluateModel(input: $input) { id status dataset { name version } } }', { input });
  log(`job ${queued.id}: ${basename(s.model)} on ${queued.dataset.name} v${queued.dataset.version}, imgsz ${s.imgsz}, ${s.ep}${s.batch ? `, batch ${s.batch}` : ''}`);

  const job = await follow(s, queued.id, reporter(log), (l) => console.error(l));
  const out = summary(s, job, { start, uploadSeconds });
  printHuman(out, log);
  if (out.status !== 'SUCCEEDED') console.error(`${out.status}${out.errorCode ? `: ${out.errorCode}` : ''}${out.error ? `: ${out.error}` : ''}`);
  if (s.json) console.log(JSON.stringify(out));
  return out.status === 'SUCCEEDED' ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e instanceof UsageError ? `${e.message}\n${USAGE}` : e.message);
    process.exitCode = 2;
  },
);
