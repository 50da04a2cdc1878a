// Benchmark: metric points per second through MLflow's `runs/log-batch` (1,000-metric batches as MLflow's Python client
// sends them, 4 concurrent writers on 4 runs) beside GraphQL `logMetrics` with the same points on the same run shape,
// in the same api process, interleaved round by round. Prints figures; asserts nothing.
// Run: npm run build && NODE_ENV=production node dist/bench/mlflow-log-batch.js [batchesPerWriter=50] [writers=4] [rounds=3]
// PostgreSQL: PODIUM_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); PODIUM_BENCH_SQLITE_ONLY=1 skips it.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuSecondsOf, gql, startApi, stopApi, withPostgresDatabase } from './api-process';

const BATCHES = Number(process.argv[2] ?? 50);
const WRITERS = Number(process.argv[3] ?? 4);
const ROUNDS = Number(process.argv[4] ?? 3);
const BATCH_SIZE = 1000;
/** The keys Ultralytics' MLflow callback logs (parentheses stripped): four of them are aliases of canonical keys. */
const KEYS = ['metrics/mAP50B', 'metrics/mAP50-95B', 'metrics/precisionB', 'metrics/recallB', 'train/box_loss', 'train/cls_loss', 'train/dfl_loss', 'val/box_loss', 'val/cls_loss', 'lr/pg0'];
const PG_URL = process.env.PODIUM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const T0 = 1_795_700_490_000;

interface Point {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

function batch(writer: number, b: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < BATCH_SIZE; i++) {
    const step = b * (BATCH_SIZE / KEYS.length) + Math.floor(i / KEYS.length);
    out.push({ key: KEYS[i % KEYS.length], value: Math.sin(step + writer) * 0.5 + 0.5, step, timestamp: T0 + step });
  }
  return out;
}

/** A body as MLflow's client writes it (json.dumps: ", " and ": " separators). */
const mlflowBody = (runId: string, points: Point[]): string =>
  `{"run_id": "${runId}", "metrics": [${points.map((p) => `{"key": "${p.key}", "value": ${p.value}, "timestamp": ${p.timestamp}, "step": ${p.step}}`).join(', ')}]}`;

const LOG = 'mutation($input: LogMetricsInput!) { logMetrics(input: $input) { count lastSequence } }';
const gqlBody = (runId: string, points: Point[]): string => JSON.stringify({ query: LOG, variables: { input: { runId, metrics: points } } });

interface Rate {
  wall: number;
  /** Points per CPU-second of the api process (the fairer figure on a loaded machine); NaN when unknown. */
  cpu: number;
}

type Case = 'log-batch' | 'logMetrics';

/** One case: WRITERS concurrent writers, each on a fresh run, sending BATCHES pre-built bodies one after another. */
async function measure(apiUrl: string, pid: number, experimentId: string, which: Case, round: number): Promise<Rate> {
  const base = apiUrl.replace(/\/graphql$/, '');
  const runIds: string[] = [];
  for (let w = 0; w < WRITERS; w++) {
    const res = await fetch(`${base}/api/2.0/mlflow/runs/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_id: experimentId, run_name: `${which}-${round}-${w}`, start_time: T0, tags: [] }),
    });
    runIds.push(((await res.json()) as { run: { info: { run_id: string } } }).run.info.run_id);
  }
  // Bodies are built before the clock starts: the figure is the server's, not the client's serialisation.
  const bodies = runIds.map((runId, w) => Array.from({ length: BATCHES }, (_, b) => (which === 'log-batch' ? mlflowBody(runId, batch(w, b)) : gqlBody(runId, batch(w, b)))));
  const url = which === 'log-batch' ? `${base}/api/2.0/mlflow/runs/log-batch` : apiUrl;
  const cpu0 = cpuSecondsOf(pid);
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (list) => {
      for (const body of list) {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'mlflow-python-client/2.19.0' }, body });
        const text = await r.text();
        if (r.status !== 200 || text.includes('"errors"')) throw new Error(`${which}: HTTP ${r.status} ${text.slice(0, 500)}`);
      }
    }),
  );
  const points = WRITERS * BATCHES * BATCH_SIZE;
  const wall = points / ((performance.now() - t0) / 1000);
  const cpu1 = cpuSecondsOf(pid);
  return { wall, cpu: cpu0 === undefined || cpu1 === undefined ? Number.NaN : points / (cpu1 - cpu0) };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function compare(label: string, apiUrl: string, pid: number): Promise<void> {
  const experimentId = (await gql(apiUrl, 'mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: `mlflow-bench-${Date.now()}` })).createExperiment.id;
  // Warm-up of both paths (JIT, statement caches), not measured.
  await measure(apiUrl, pid, experimentId, 'log-batch', -1);
  await measure(apiUrl, pid, experimentId, 'logMetrics', -1);
  const results: Record<Case, Rate[]> = { 'log-batch': [], logMetrics: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, alternating which goes first, so a change in the machine's load hits both alike.
    const order: Case[] = round % 2 === 0 ? ['log-batch', 'logMetrics'] : ['logMetrics', 'log-batch'];
    for (const which of order) results[which].push(await measure(apiUrl, pid, experimentId, which, round));
  }
  for (const which of ['log-batch', 'logMetrics'] as const) {
    const r = results[which];
    console.log(
      `${label} ${which.padEnd(10)} wall points/s: ${r.map((x) => fmt(x.wall)).join(', ')} (median ${fmt(median(r.map((x) => x.wall)))}); api points per CPU-second: ${r.map((x) => fmt(x.cpu)).join(', ')} (median ${fmt(median(r.map((x) => x.cpu)))})`,
    );
  }
  const wallRatio = median(results['log-batch'].map((x) => x.wall)) / median(results.logMetrics.map((x) => x.wall));
  const cpuRatio = median(results['log-batch'].map((x) => x.cpu)) / median(results.logMetrics.map((x) => x.cpu));
  console.log(`${label} ratio log-batch / logMetrics (medians): wall ${wallRatio.toFixed(2)}, CPU ${cpuRatio.toFixed(2)}`);
}

async function main(): Promise<void> {
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
  console.log(
    `mlflow-log-batch: ${WRITERS} writers × ${BATCHES} batches × ${BATCH_SIZE} points = ${fmt(WRITERS * BATCHES * BATCH_SIZE)} points per case, ${ROUNDS} rounds ` +
      `(node ${process.version}, api NODE_ENV=${process.env.NODE_ENV ?? 'unset'}, load average ${load()})`,
  );
  const sqlite = await startApi({});
  try {
    await compare('SQLite  ', sqlite.url, sqlite.proc.pid!);
  } finally {
    await stopApi(sqlite);
  }
  if (process.env.PODIUM_BENCH_SQLITE_ONLY !== '1') {
    const done = await withPostgresDatabase(PG_URL, async (url) => {
      const api = await startApi({ DATABASE_URL: url });
      try {
        await compare('Postgres', api.url, api.proc.pid!);
      } finally {
        await stopApi(api);
      }
      return true;
    });
    if (!done) console.log('PostgreSQL: unreachable, skipped');
  }
  console.log(`load average after: ${load()}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
