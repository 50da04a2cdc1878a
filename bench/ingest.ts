// Benchmark: metric points per second through `logMetrics` over HTTP (1,000-point batches, 4 concurrent writers), on
// SQLite and PostgreSQL, beside a bare insert loop on the same machine. Prints figures; asserts nothing.
// Run: npm run build && node dist/bench/ingest.js [batchesPerWriter=50] [writers=4]
// PostgreSQL: PODIUM_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); skipped when unreachable.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { cpuSecondsOf, gql, startApi, stopApi, withPostgresDatabase } from './api-process';

const BATCHES = Number(process.argv[2] ?? 50);
const WRITERS = Number(process.argv[3] ?? 4);
const BATCH_SIZE = 1000;
const KEYS = ['metrics/mAP50(B)', 'metrics/mAP50-95(B)', 'metrics/precision(B)', 'metrics/recall(B)', 'train/box_loss', 'train/cls_loss', 'train/dfl_loss', 'val/box_loss', 'val/cls_loss', 'lr/pg0'];
const PG_URL = process.env.PODIUM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function batch(writer: number, b: number): { key: string; value: number; step: number }[] {
  const out = [];
  for (let i = 0; i < BATCH_SIZE; i++) {
    const step = b * (BATCH_SIZE / KEYS.length) + Math.floor(i / KEYS.length);
    out.push({ key: KEYS[i % KEYS.length], value: Math.sin(step + writer) * 0.5 + 0.5, step });
  }
  return out;
}

const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface Rate {
  /** points per wall-clock second */
  wall: number;
  /** points per CPU second of the process doing the work (fairer on a loaded machine); NaN when unknown */
  cpu: number;
}

const LOG = 'mutation($input: LogMetricsInput!) { logMetrics(input: $input) { count lastSequence } }';

/** Points/s through logMetrics. `sameRun`: all writers log to one run (serialised by its row lock). */
async function throughLogMetrics(url: string, pid: number, sameRun: boolean): Promise<Rate> {
  const exp = await gql(url, 'mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: `ingest-${Date.now()}-${sameRun}` });
  const runIds: string[] = [];
  for (let w = 0; w < (sameRun ? 1 : WRITERS); w++) runIds.push((await gql(url, 'mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }', { e: exp.createExperiment.id })).createRun.id);
  // Bodies are built before the clock starts: the figure is the server's, not JSON.stringify's.
  const bodies = Array.from({ length: WRITERS }, (_, w) =>
    Array.from({ length: BATCHES }, (_, b) => JSON.stringify({ query: LOG, variables: { input: { runId: runIds[sameRun ? 0 : w], metrics: batch(w, b) } } })),
  );
  await gql(url, LOG, { input: { runId: runIds[0], metrics: batch(99, 9999) } }); // warm-up
  const cpu0 = cpuSecondsOf(pid);
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (list) => {
      for (const body of list) {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const j = (await r.json()) as { errors?: unknown };
        if (j.errors) throw new Error(JSON.stringify(j.errors));
      }
    }),
  );
  const points = WRITERS * BATCHES * BATCH_SIZE;
  const wall = points / ((performance.now() - t0) / 1000);
  const cpu1 = cpuSecondsOf(pid);
  return { wall, cpu: cpu0 === undefined || cpu1 === undefined ? Number.NaN : points / (cpu1 - cpu0) };
}

/** better-sqlite3, same pragmas and table, a prepared insert; one transaction per 1,000-point batch (and one for all). */
function bareSqlite(): { perBatch: Rate; oneTx: Rate } {
  const dir = mkdtempSync(join(tmpdir(), 'podium-bare-'));
  const db = new Database(join(dir, 'bare.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    `CREATE TABLE metric_points (run_id varchar(36) NOT NULL, sequence integer NOT NULL, key varchar(250) NOT NULL, value double precision, is_nan boolean NOT NULL DEFAULT 0, step integer NOT NULL, timestamp integer NOT NULL, PRIMARY KEY (run_id, sequence)) WITHOUT ROWID`,
  );
  db.exec(`CREATE INDEX idx ON metric_points (run_id, key, step, sequence)`);
  const insert = db.prepare('INSERT INTO metric_points VALUES (?, ?, ?, ?, ?, ?, ?)');
  const run = (runId: string, points: ReturnType<typeof batch>, seq0: number) => {
    const now = Date.now();
    for (let i = 0; i < points.length; i++) insert.run(runId, seq0 + i, points[i].key, points[i].value, 0, points[i].step, now);
  };
  const runIds = Array.from({ length: WRITERS }, (_, w) => `00000000-0000-4000-8000-00000000000${w}`);
  const batches = Array.from({ length: WRITERS }, (_, w) => Array.from({ length: BATCHES }, (_, b) => batch(w, b)));
  const perBatchTx = db.transaction(run);
  const points = WRITERS * BATCHES * BATCH_SIZE;
  const measure = (work: () => void): Rate => {
    const c0 = ownCpuSeconds();
    const t0 = performance.now();
    work();
    return { wall: points / ((performance.now() - t0) / 1000), cpu: points / (ownCpuSeconds() - c0) };
  };
  const perBatch = measure(() => {
    for (let b = 0; b < BATCHES; b++) for (let w = 0; w < WRITERS; w++) perBatchTx(runIds[w], batches[w][b], b * BATCH_SIZE + 1);
  });
  db.exec('DELETE FROM metric_points');
  const oneTx = measure(() =>
    db.transaction(() => {
      for (let b = 0; b < BATCHES; b++) for (let w = 0; w < WRITERS; w++) run(runIds[w], batches[w][b], b * BATCH_SIZE + 1);
    })(),
  );
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { perBatch, oneTx };
}

/** pg, a multi-row INSERT of 1,000 rows per statement (autocommit), one connection per writer. */
async function barePostgres(url: string): Promise<number> {
  const setup = new Client({ connectionString: url });
  await setup.connect();
  await setup.query(
    `CREATE TABLE metric_points (run_id uuid NOT NULL, sequence integer NOT NULL, key varchar(250) NOT NULL, value double precision, is_nan boolean NOT NULL DEFAULT false, step integer NOT NULL, timestamp bigint NOT NULL, PRIMARY KEY (run_id, sequence))`,
  );
  await setup.query(`CREATE INDEX idx ON metric_points (run_id, key, step, sequence)`);
  await setup.end();
  const clients = await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const values = Array.from({ length: BATCH_SIZE }, (_, i) => `($${i * 7 + 1}, $${i * 7 + 2}, $${i * 7 + 3}, $${i * 7 + 4}, $${i * 7 + 5}, $${i * 7 + 6}, $${i * 7 + 7})`).join(', ');
  const sql = `INSERT INTO metric_points VALUES ${values}`;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, w) => {
      const runId = `00000000-0000-4000-8000-00000000000${w}`;
      for (let b = 0; b < BATCHES; b++) {
        const now = Date.now();
        const params: unknown[] = [];
        batch(w, b).forEach((p, i) => params.push(runId, b * BATCH_SIZE + i + 1, p.key, p.value, false, p.step, now));
        await c.query(sql, params);
      }
    }),
  );
  const rate = (WRITERS * BATCHES * BATCH_SIZE) / ((performance.now() - t0) / 1000);
  await Promise.all(clients.map((c) => c.end()));
  return rate;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const sqliteOnly = process.env.PODIUM_BENCH_SQLITE_ONLY === '1';
  const total = WRITERS * BATCHES * BATCH_SIZE;
  console.log(`ingest: ${WRITERS} writers × ${BATCHES} batches × ${BATCH_SIZE} points = ${fmt(total)} points per case (node ${process.version}, api NODE_ENV=${process.env.NODE_ENV ?? 'unset'})`);

  const sqliteApi = await startApi({});
  const sqliteRuns = await throughLogMetrics(sqliteApi.url, sqliteApi.proc.pid!, false);
  const sqliteOne = await throughLogMetrics(sqliteApi.url, sqliteApi.proc.pid!, true);
  await stopApi(sqliteApi);
  const bare = bareSqlite();
  const r = (x: Rate) => `${fmt(x.wall)} points/s wall, ${fmt(x.cpu)} points per CPU-second`;
  console.log(`SQLite  logMetrics, ${WRITERS} runs: ${r(sqliteRuns)}; all writers on one run: ${r(sqliteOne)}`);
  console.log(`SQLite  bare better-sqlite3 prepared insert, a transaction per 1,000: ${r(bare.perBatch)}; one transaction: ${r(bare.oneTx)}`);
  console.log(
    `SQLite  ratio logMetrics / bare (wall; CPU): ${(sqliteRuns.wall / bare.perBatch.wall).toFixed(2)}; ${(sqliteRuns.cpu / bare.perBatch.cpu).toFixed(2)} against per-batch transactions, ` +
      `${(sqliteRuns.wall / bare.oneTx.wall).toFixed(2)}; ${(sqliteRuns.cpu / bare.oneTx.cpu).toFixed(2)} against one transaction`,
  );

  if (sqliteOnly) return;
  const pg = await withPostgresDatabase(PG_URL, async (url) => {
    const api = await startApi({ DATABASE_URL: url });
    try {
      return { runs: await throughLogMetrics(api.url, api.proc.pid!, false), one: await throughLogMetrics(api.url, api.proc.pid!, true) };
    } finally {
      await stopApi(api);
    }
  });
  const pgBare = await withPostgresDatabase(PG_URL, barePostgres);
  if (!pg || pgBare === undefined) {
    console.log('PostgreSQL: unreachable, skipped');
    return;
  }
  console.log(`Postgres logMetrics, ${WRITERS} runs: ${fmt(pg.runs.wall)} points/s (api process: ${fmt(pg.runs.cpu)} points per CPU-second); all writers on one run: ${fmt(pg.one.wall)} points/s`);
  console.log(`Postgres bare pg multi-row insert (1,000 rows a statement, ${WRITERS} connections): ${fmt(pgBare)} points/s`);
  console.log(`Postgres ratio logMetrics / bare (wall): ${(pg.runs.wall / pgBare).toFixed(2)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
