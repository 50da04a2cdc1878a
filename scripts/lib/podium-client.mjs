// What the scripts under scripts/ share to talk to a Podium api: argument parsing, GraphQL over HTTP, MLflow's REST
// wire, artifact uploads, and following an evaluation job over graphql-ws (polling when the stream fails).
// A "settings" object `s` carries { base, ws, token }: base is http(s)://host:port, ws the graphql-ws URL, token a
// `pod_…` secret or undefined (loopback in local mode needs none).
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export class UsageError extends Error {}
/** A refused request: the api's typed error (extensions.code), an HTTP error body {error: {code, message}} or MLflow's {error_code, message}. */
export class ApiError extends Error {
  constructor(code, message, extensions = {}) {
    super(`${code}: ${message}`);
    this.code = code;
    this.extensions = extensions;
  }
}

/** `--key value`, `--key=value` for `options`, bare `--flag` for `flags`; anything else is a UsageError. */
export function parseArgs(argv, options, flags) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const key = a.slice(2, eq < 0 ? undefined : eq);
    if (flags.has(key) && eq < 0) args[key] = true;
    else if (options.has(key)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${key} needs a value`);
      args[key] = value;
    } else throw new UsageError(`unknown option --${key}`);
  }
  return args;
}

export function intArg(args, key, min, max) {
  if (args[key] === undefined) return undefined;
  const n = Number(args[key]);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${key} must be an integer in [${min}, ${max}], got "${args[key]}"`);
  return n;
}

/** { base, ws } from a --url (with or without /graphql); default http://localhost:4000. */
export function endpointsOf(urlArg) {
  const base = (urlArg ?? 'http://localhost:4000').replace(/\/+$/, '').replace(/\/graphql$/, '');
  let url;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`--url is not a URL: "${urlArg}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http(s)://…, got "${urlArg}"`);
  return { base, ws: `${base.replace(/^http/, 'ws')}/graphql` };
}

export const authHeaders = (s) => (s.token ? { authorization: `Bearer ${s.token}` } : {});

/** fetch, with an unreachable api reported as such (the message names the address and the cause). */
export async function request(url, init) {
  try {
    return await fetch(url, init);
  } catch (e) {
    const cause = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new Error(`cannot reach ${url}: ${cause}`);
  }
}

export async function gql(s, query, variables = {}) {
  const res = await request(`${s.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders(s) }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${s.base}/graphql answered ${res.status} with something that is not GraphQL: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new ApiError(body.errors[0].extensions?.code ?? `HTTP_${res.status}`, body.errors.map((e) => e.message).join('; '), body.errors[0].extensions ?? {});
  return body.data;
}

/**
 * One call of MLflow's tracking REST API (docs/mlflow.md), as MLflow's Python client sends it: GET with the fields in
 * the query string, POST with a JSON body. Answers the JSON; an error answer throws ApiError(error_code).
 */
export async function mlflow(s, method, route, fields = {}) {
  const url = new URL(`${s.base}/api/2.0/mlflow/${route}`);
  const init = { method, headers: { ...authHeaders(s) } };
  if (method === 'GET') for (const [k, v] of Object.entries(fields)) url.searchParams.append(k, String(v));
  else {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(fields);
  }
  const res = await request(url, init);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url} answered ${res.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (res.status !== 200) throw new ApiError(body.error_code ?? `HTTP_${res.status}`, body.message ?? `${route} answered ${res.status}`);
  return body;
}

/**
 * mlflow.log_artifact: PUT the bytes to MLflow's artifact proxy (docs/mlflow.md), under the run's artifact root
 * `mlflow-artifacts:/<experiment>/<run>/artifacts`. Same store and rows as PUT /artifacts/<run>/<path>.
 */
export async function mlflowArtifact(s, experimentIdValue, runId, path, bytes, contentType) {
  const route = [experimentIdValue, runId, 'artifacts', ...path.split('/')].map(encodeURIComponent).join('/');
  const res = await request(`${s.base}/api/2.0/mlflow-artifacts/artifacts/${route}`, { method: 'PUT', headers: { 'content-type': contentType, ...authHeaders(s) }, body: bytes });
  if (res.status !== 200) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(body.error_code ?? `HTTP_${res.status}`, body.message ?? `artifact upload answered ${res.status}`);
  }
}

/** The experiment's id, created when absent (the name is unique: a concurrent creation is read back). */
export async function experimentId(s, name) {
  // A lookup answers null when absent.
  const byName = () => gql(s, 'query($name: String) { experiment(name: $name) { id } }', { name }).then((d) => d.experiment?.id ?? null);
  const found = await byName();
  if (found) return found;
  try {
    return (await gql(s, 'mutation($name: String!) { createExperiment(input: { name: $name }) { id } }', { name })).createExperiment.id;
  } catch (e) {
    if (e.code !== 'CONFLICT') throw e;
    return byName(); // created meanwhile by someone else
  }
}

/** Size of a readable regular file, or a UsageError naming the option that gave it. */
export function fileSize(file, option) {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UsageError(`${option} is not a file: ${file}`);
    return st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read the ${option} file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

/** sha256 of a file, streamed. */
export async function sha256File(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Streams `file` to PUT /artifacts/<run>/<path> (no buffering of the whole file) and checks the stored sha256 against
 * the bytes sent. Answers the api's body ({ path, size, sha256, … }).
 */
export async function upload(s, runId, path, file) {
  const size = fileSize(file, 'artifact');
  const hash = createHash('sha256');
  async function* hashed() {
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk);
      yield chunk;
    }
  }
  const res = await request(`${s.base}/artifacts/${encodeURIComponent(runId)}/${path.split('/').map(encodeURIComponent).join('/')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size), ...authHeaders(s) },
    body: hashed(),
    duplex: 'half',
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 201) throw new ApiError(body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? `upload answered ${res.status}`);
  const sent = hash.digest('hex');
  if (body.sha256 !== sent) throw new Error(`the stored artifact's sha256 ${body.sha256} is not the file's ${sent}`);
  return body;
}

export const JOB_FIELDS = `id status attempt error errorCode cancelRequested runId sourceRunId modelName modelVersion createdAt startedAt finishedAt
  dataset { name version digest } settings { imgsz conf iou maxDet batch executionProvider }
  progress { done total imagesPerSecond etaSeconds }
  result { map50 map50_95 map75 precision recall f1 bestConfidence fitness precisionAtConf recallAtConf
    coco { ap ap50 ap75 ar100 } executionProvider device fallbackReason imagesPerSecond imagesEvaluated skippedImages
    skipped { file reason } }`;

export const secondsBetween = (from, to) => (from && to ? (new Date(to) - new Date(from)) / 1000 : null);
export const fmt = (x, digits = 4) => (x == null ? '-' : Number(x).toFixed(digits));

/** Prints one line per change: status changes, then each progress report (done/total, images/s, ETA). */
export function reporter(log, prefix = '') {
  let last = '';
  return (job) => {
    const p = job.progress;
    const line =
      p && job.status === 'RUNNING'
        ? `${job.status} ${p.done}/${p.total} images (${Math.round((100 * p.done) / Math.max(1, p.total))} %), ${fmt(p.imagesPerSecond, 1)} images/s, ETA ${Math.round(p.etaSeconds)} s`
        : `${job.status}${job.attempt > 1 ? ` (attempt ${job.attempt})` : ''}${job.status === 'QUEUED' ? ': waiting for a worker' : ''}${job.cancelRequested && !TERMINAL.has(job.status) ? ', cancel requested' : ''}`;
    // The final status is printed with the result.
    if (line !== last && !TERMINAL.has(job.status)) log(`${prefix}${line}`);
    last = line;
  };
}

/**
 * Follows the job over graphql-ws until a final status. If the stream ends (or breaks) before one, falls back to
 * the evaluationJob query, polled until the job is final.
 */
export async function follow(s, jobId, report, log) {
  const client = createClient({
    url: s.ws,
    webSocketImpl: WebSocket,
    connectionParams: authHeaders(s),
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
    const why = Array.isArray(e)
      ? e.map((x) => `${x.extensions?.code ?? 'ERROR'}: ${x.message}`).join('; ')
      : e?.code && e?.reason !== undefined
        ? `closed ${e.code} ${e.reason}`
        : String(e?.message ?? e);
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

/** The lines that state a finished job's measured result (nothing more for a job that did not succeed). */
export function evaluationLines(job) {
  const r = job.result;
  const lines = [];
  if (job.status !== 'SUCCEEDED' || !r) return lines;
  lines.push(`mAP50 ${fmt(r.map50)}  mAP50-95 ${fmt(r.map50_95)}  P ${fmt(r.precision)}  R ${fmt(r.recall)}  F1 ${fmt(r.f1)}  best confidence ${fmt(r.bestConfidence, 3)}`);
  lines.push(`COCO AP ${fmt(r.coco?.ap)}  AP50 ${fmt(r.coco?.ap50)}  AR100 ${fmt(r.coco?.ar100)}`);
  lines.push(`provider ${r.executionProvider} (${r.device}), ${fmt(r.imagesPerSecond, 1)} images/s, ${r.imagesEvaluated} images, ${r.skippedImages} skipped`);
  if (r.fallbackReason) lines.push(`CUDA not used: ${r.fallbackReason}`);
  for (const sk of (r.skipped ?? []).slice(0, 10)) lines.push(`  skipped ${sk.file}: ${sk.reason}`);
  return lines;
}

/** Runs an async main(): its answer is the exit code; a UsageError, an ApiError or an unreachable api exit 2. */
export function runMain(main, usage) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(e instanceof UsageError ? `${e.message}\n${usage}` : e.message);
      process.exitCode = 2;
    },
  );
}
