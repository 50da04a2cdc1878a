// Benchmark: reads of runs with many distinct metric keys (issue 10, item 4): 10 runs × N keys, then the report's
// query `runs(first: 100) { nodes { metrics { key last } } }`, a bounded page, named keys, compareRuns and gridAnalysis,
// each timed with its answer's size, the api's RSS, and the longest wait of another client pinging meanwhile (the
// stall it causes). Beside them, the same summaries read straight from the database (the bare peer). Asserts nothing.
// Run: npm run build && node dist/bench/metric-keys.js [keysPerRun=20000] [runs=10]
// Each query runs 3 times (median reported).
// PostgreSQL: PODIUM_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); PODIUM_BENCH_SQLITE_ONLY=1 skips it.
// The same compiled file runs against an older build of the api (copy it into that build's dist/bench/): a query the
// older schema does not know is reported as such.
import Database from 'better-sqlite3';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { gql, startApi, stopApi } from './api-process';

const KEYS = Number(process.argv[2] ?? 20_000);
const RUNS = Number(process.argv[3] ?? 10);
const BATCH = 1000;
const WRITERS = 4;
const PG_URL = process.env.PODIUM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const key = (i: number) => `k${String(i).padStart(6, '0')}`;
const ASKED = ['map50', key(42)];

interface Sample {
  ms: number;
  bytes: number;
  /** The api's resident set after the query (MiB). */
  rssMiB: number;
  /** The longest answer time of a 1-field query sent every 10 ms by another client while this one ran. */
  stallMs: number;
  outcome: string;
}

function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

const REPEAT = 3;

/** The api stopped answering during an operation (it died: out of memory, say). */
class ApiGone extends Error {}

/** The operation REPEAT times: the median time, the largest stall and RSS, and what it answered. */
async function timedMedian(url: string, pid: number, query: string, variables: unknown): Promise<Sample> {
  const samples: Sample[] = [];
  for (let i = 0; i < REPEAT; i++) samples.push(await timed(url, pid, query, variables));
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(REPEAT / 2)];
  return { ...samples[0], ms, stallMs: Math.max(...samples.map((s) => s.stallMs)), rssMiB: Math.max(...samples.map((s) => s.rssMiB)) };
}

/** The api's floor on this machine: the median answer time of a one-field query. */
async function pingMs(url: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ serverInfo { database } }"}' });
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[10];
}

/** Times one operation while another client pings the api; reports what the operation answered. */
async function timed(url: string, pid: number, query: string, variables: unknown): Promise<Sample> {
  let stop = false;
  let stallMs = 0;
  let pingFailures = 0;
  const pinger = (async () => {
    while (!stop) {
      const t0 = performance.now();
      try {
        await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ serverInfo { database } }"}' });
      } catch {
        pingFailures += 1; // counted as a stall until the operation ends
      }
      stallMs = Math.max(stallMs, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t0 = performance.now();
  let text: string;
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    text = await res.text();
  } catch (e) {
    stop = true;
    await pinger;
    throw new ApiGone(`after ${fmt(performance.now() - t0)} ms: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`);
  }
  const ms = performance.now() - t0;
  stop = true;
  await pinger;
  const body = JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  const outcome = body.errors ? `${body.errors[0].extensions?.code ?? 'ERROR'}: ${body.errors[0].message.slice(0, 70)}` : 'ok';
  if (pingFailures) stallMs = Math.max(stallMs, ms);
  return { ms, bytes: Buffer.byteLength(text), rssMiB: memoryOf(pid).rss, stallMs, outcome: pingFailures ? `${outcome} (${pingFailures} pings of the other client failed)` : outcome };
}

async function seed(url: string): Promise<{ experimentId: string; runIds: string[] }> {
  const experimentId = (await gql(url, 'mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: `keys-${Date.now()}` })).createExperiment.id;
  const runIds: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    const p = [{ key: 'lr0', value: String(r % 2) }];
    runIds.push((await gql(url, 'mutation($e: ID!, $p: [KeyValueInput!]) { createRun(input: { experimentId: $e, params: $p }) { id } }', { e: experimentId, p })).createRun.id);
  }
  const bodies: string[] = [];
  const LOG = 'mutation($input: LogMetricsInput!) { logMetrics(input: $input) { count } }';
  for (const runId of runIds) {
    for (let from = 0; from < KEYS; from += BATCH) {
      const metrics = Array.from({ length: Math.min(BATCH, KEYS - from) }, (_, i) => ({ key: from + i === 0 ? 'map50' : key(from + i), value: (from + i) / KEYS, step: 0 }));
      bodies.push(JSON.stringify({ query: LOG, variables: { input: { runId, metrics } } }));
    }
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const r = (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as { errors?: unknown };
        if (r.errors) throw new Error(JSON.stringify(r.errors));
      }
    }),
  );
  return { experimentId, runIds };
}

const QUERIES: [string, string, (e: string, ids: string[]) => unknown][] = [
  ['runs(first:100){nodes{metrics{key last}}} (the report)', 'query($e: ID!) { runs(experimentId: $e, first: 100) { nodes { id metrics { key last } } } }', (e) => ({ e })],
  ['runs(first:10){nodes{metrics(first:100){key last}}}', 'query($e: ID!) { runs(experimentId: $e, first: 10) { nodes { id metrics(first: 100) { key last } } } }', (e) => ({ e })],
  [
    'runs(first:10){nodes{metrics(keys:[2]){key last}}}',
    'query($e: ID!, $k: [String!]) { runs(experimentId: $e, first: 10) { nodes { id metrics(keys: $k) { key last } } } }',
    (e) => ({ e, k: ASKED }),
  ],
  ['compareRuns(10 runs, 2 metrics)', 'query($ids: [ID!]!, $m: [String!]!) { compareRuns(runIds: $ids, metrics: $m) { metrics { key summaries { last } } } }', (_, ids) => ({ ids, m: ASKED })],
  ['gridAnalysis(10 runs, map50, LAST)', 'query($ids: [ID!]!) { gridAnalysis(runIds: $ids, metric: "map50", aggregation: LAST) { runCount best { runName value } } }', (_, ids) => ({ ids })],
];

const SUMMARY_SQL = (ph: (n: number) => string, runs: number) =>
  `SELECT run_id, key, last_value, last_is_nan, last_step FROM metric_summaries WHERE run_id IN (${Array.from({ length: runs }, (_, i) => ph(i + 1)).join(',')}) AND key IN (${ph(runs + 1)}, ${ph(runs + 2)})`;

/** The two asked keys of every run, read straight from the database: what compareRuns needs. */
async function bare(kind: 'sqlite' | 'postgres', where: string, runIds: string[]): Promise<number> {
  const reps = 20;
  if (kind === 'sqlite') {
    const db = new Database(where, { readonly: true });
    const stmt = db.prepare(SUMMARY_SQL(() => '?', runIds.length));
    stmt.all(...runIds, ...ASKED);
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) stmt.all(...runIds, ...ASKED);
    db.close();
    return (performance.now() - t0) / reps;
  }
  const c = new Client({ connectionString: where });
  await c.connect();
  const sql = SUMMARY_SQL((n) => `$${n}`, runIds.length);
  await c.query(sql, [...runIds, ...ASKED]);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await c.query(sql, [...runIds, ...ASKED]);
  await c.end();
  return (performance.now() - t0) / reps;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function measure(label: string, env: Record<string, string>, bareWhere: (dataDir: string) => string, kind: 'sqlite' | 'postgres'): Promise<void> {
  const api = await startApi({ PODIUM_MAX_METRIC_KEYS_PER_RUN: String(KEYS), NODE_ENV: 'production', ...env });
  try {
    const pid = api.proc.pid!;
    const s0 = performance.now();
    const { experimentId, runIds } = await seed(api.url);
    const seeded = memoryOf(pid);
    console.log(`${label}: seeded ${RUNS} runs × ${fmt(KEYS)} keys in ${fmt((performance.now() - s0) / 1000, 1)} s; api RSS ${fmt(seeded.rss)} MiB`);
    console.log(`  (median of ${REPEAT}; "other client waited": the longest of its pings during the ${REPEAT})`);
    for (const [name, query, vars] of QUERIES) {
      let s: Sample;
      try {
        s = await timedMedian(api.url, pid, query, vars(experimentId, runIds));
      } catch (e) {
        if (!(e instanceof ApiGone)) throw e;
        await new Promise((r) => setTimeout(r, 500));
        const exit = api.proc.exitCode ?? api.proc.signalCode;
        console.log(`  ${name.padEnd(58)} the api stopped answering ${e.message}; process ${exit === null ? 'still running' : `exited (${exit})`}, peak RSS before: see above`);
        return;
      }
      console.log(
        `  ${name.padEnd(58)} ${fmt(s.ms).padStart(7)} ms ${fmt(s.bytes / 1024).padStart(9)} KiB  RSS ${fmt(s.rssMiB).padStart(5)} MiB  other client waited ≤ ${fmt(s.stallMs).padStart(6)} ms  ${s.outcome}`,
      );
    }
    const bareMs = await bare(kind, bareWhere(api.dataDir), runIds);
    const compare = await timedMedian(api.url, pid, QUERIES[3][1], QUERIES[3][2](experimentId, runIds));
    const floor = await pingMs(api.url);
    console.log(
      `  bare peer: the 2 asked summaries of ${RUNS} runs read straight from the database ${fmt(bareMs, 2)} ms; the api's floor (a one-field query) ${fmt(floor, 1)} ms; ` +
        `compareRuns ${fmt(compare.ms, 1)} ms = floor + ${fmt(compare.ms - floor, 1)} ms`,
    );
    console.log(`  api peak RSS ${fmt(memoryOf(pid).hwm)} MiB`);
  } finally {
    if (api.proc.exitCode === null && api.proc.signalCode === null) await stopApi(api);
    else rmSync(api.dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`metric keys: ${RUNS} runs × ${fmt(KEYS)} distinct keys (node ${process.version})`);
  await measure('SQLite', {}, (dataDir) => join(dataDir, 'podium.sqlite'), 'sqlite');
  if (process.env.PODIUM_BENCH_SQLITE_ONLY === '1') return;
  const admin = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    console.log('PostgreSQL: unreachable, skipped');
    return;
  }
  const name = `podium_bench_keys_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  try {
    await measure('PostgreSQL', { DATABASE_URL: url.toString() }, () => url.toString(), 'postgres');
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
