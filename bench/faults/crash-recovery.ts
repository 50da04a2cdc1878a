// Crash faults in a few seconds, for CI: the built api (dist/) is SIGKILLed mid-operation and restarted on the same
// data directory and database, and what it then serves is checked.
//  1. Under load, at a random moment: 3 writers logging metric batches, artifact replacements, uploads to new paths
//     (streamed in parts) and downloads. After the restart every acknowledged batch is stored whole and no batch in
//     part; every download (before and after) had bytes whose sha256 is its header's; each path serves its last
//     acknowledged replacement or the one in flight at the kill; no blob without a row, no row without a blob, no
//     temp file.
//  2. An artifact replacement held at its commit (the "slow commit": a lock held from outside) after its
//     blob is placed, with an upload to a new path cut off mid-body: a download meanwhile serves the old bytes under
//     the old sha256 (PostgreSQL; on SQLite the held lock blocks the api's one writer, and its thread), the kill leaves
//     the old row, and the restarted api serves the old bytes, has no row for the new path and no orphan or temp file.
// Run: npm run build && node dist/bench/faults/crash-recovery.js [sqlite|postgres|both] (default both)
// PostgreSQL: DATABASE_URL names an empty database to use (the e2e suite gives a fresh one); otherwise one is created
// from PODIUM_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) and dropped afterwards.
// Prints one JSON line per database; exits 1 when an invariant broke.
import BetterSqlite from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { type ApiProcess, gql, startApi, stopApi } from '../api-process';

type Dialect = 'sqlite' | 'postgres';

const WRITERS = 3;
const BATCH = 100;
const MODELS = 4;
const LOG = 'mutation($input: LogMetricsInput!) { logMetrics(input: $input) { count } }';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The database as the api sees it, read from outside (the checks), and a lock held from outside (the slow commit). */
interface Db {
  env: Record<string, string>;
  artifacts(): Promise<{ run_id: string; path: string; sha256: string; size: number }[]>;
  steps(runId: string): Promise<{ key: string; step: number }[]>;
  /** Holds what the api's commit of (run, path) needs until the returned release is called. */
  holdCommit(runId: string, path: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

async function openDb(dialect: Dialect, dataDir: string): Promise<Db> {
  if (dialect === 'sqlite') {
    const file = join(dataDir, 'podium.sqlite');
    const query = <T>(sql: string, ...args: unknown[]): T[] => {
      const db = new BetterSqlite(file, { readonly: true, timeout: 5000 });
      try {
        return db.prepare(sql).all(...args) as T[];
      } finally {
        db.close();
      }
    };
    return {
      env: {},
      artifacts: async () => query('SELECT run_id, path, sha256, size FROM artifacts'),
      steps: async (runId) => query('SELECT key, step FROM metric_points WHERE run_id = ?', runId),
      holdCommit: async () => {
        // SQLite's one writer: the api's write waits for this transaction (its busy timeout is 10 s).
        const db = new BetterSqlite(file, { timeout: 5000 });
        db.exec('BEGIN IMMEDIATE');
        return async () => {
          db.exec('ROLLBACK');
          db.close();
        };
      },
      close: async () => undefined,
    };
  }
  let url = process.env.DATABASE_URL;
  let drop: (() => Promise<void>) | undefined;
  if (!url) {
    const base = process.env.PODIUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const name = `podium_fault_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    env: { DATABASE_URL: url },
    artifacts: async () => (await client.query('SELECT run_id, path, sha256, size::int AS size FROM artifacts')).rows,
    steps: async (runId) => (await client.query('SELECT key, step FROM metric_points WHERE run_id = $1', [runId])).rows,
    holdCommit: async (runId, path) => {
      // The row lock: the api's upsert of this row waits for it (its blob already placed).
      const holder = new Client({ connectionString: url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM artifacts WHERE run_id = $1 AND path = $2 FOR UPDATE', [runId, path]);
      return async () => {
        await holder.query('ROLLBACK');
        await holder.end();
      };
    },
    close: async () => {
      await client.end();
      await drop?.();
    },
  };
}

const baseOf = (api: ApiProcess) => api.url.replace(/\/graphql$/, '');

/** Every api this script started: none may outlive it, whatever fails. */
const started: ApiProcess[] = [];
async function launch(db: Db, dataDir: string): Promise<ApiProcess> {
  const api = await startApi(db.env, { dataDir });
  started.push(api);
  return api;
}

function blobsOnDisk(dataDir: string): string[] {
  const dir = join(dataDir, 'artifacts', 'blobs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((p) => /[0-9a-f]{64}$/.test(p))
    .map((p) => p.slice(-64))
    .sort();
}

const tempOnDisk = (dataDir: string) => (existsSync(join(dataDir, 'artifacts', '.incoming')) ? readdirSync(join(dataDir, 'artifacts', '.incoming')) : []);

/**
 * PUT on a connection of its own: a pooled keep-alive socket that the api closes at its idle timeout just as a request
 * starts on it fails that request before it reaches the api, which a loaded machine makes likely enough to flake.
 */
function put(api: ApiProcess, runId: string, path: string, body: Buffer | ReadableStream<Uint8Array>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseOf(api)}/artifacts/${runId}/${path}`, { method: 'PUT', agent: false, headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      res.on('error', reject).on('end', () => resolve(res.statusCode ?? 0));
      res.resume();
    });
    req.on('error', reject);
    if (body instanceof Buffer) req.end(body);
    else
      Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>)
        .on('error', reject)
        .pipe(req);
  });
}

/** A body sent in parts with pauses between them, so that a kill can land in its middle. */
function inParts(bytes: Buffer, parts: number, pauseMs: number): ReadableStream<Uint8Array> {
  let i = 0;
  const size = Math.ceil(bytes.length / parts);
  return new ReadableStream({
    async pull(controller) {
      if (i > 0) await sleep(pauseMs);
      if (i * size >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(i * size, (i + 1) * size));
      i++;
    },
  });
}

/** GET: the bytes, their sha256 and the header's, when the download completed; null when it did not. */
async function download(api: ApiProcess, runId: string, path: string): Promise<{ status: number; sha256?: string; header?: string | null; size?: number } | null> {
  try {
    const res = await fetch(`${baseOf(api)}/artifacts/${runId}/${path}`);
    if (res.status !== 200) return { status: res.status };
    const body = Buffer.from(await res.arrayBuffer());
    return { status: 200, sha256: sha(body), header: res.headers.get('x-podium-sha256'), size: body.length };
  } catch {
    return null; // the api died mid-download
  }
}

interface Failures {
  list: string[];
  check(ok: boolean, what: string): void;
}

async function checkStore(api: ApiProcess, db: Db, dataDir: string, f: Failures, label: string): Promise<{ rows: number }> {
  const rows = await db.artifacts();
  for (const row of rows) {
    const got = await download(api, row.run_id, row.path.split('/').map(encodeURIComponent).join('/'));
    f.check(
      got?.status === 200 && got.sha256 === row.sha256 && got.header === row.sha256 && got.size === Number(row.size),
      `${label}: ${row.path} serves ${JSON.stringify(got)} under the row's sha256 ${row.sha256}`,
    );
  }
  const refs = [...new Set(rows.map((r) => r.sha256))].sort();
  const blobs = blobsOnDisk(dataDir);
  const orphans = blobs.filter((b) => !refs.includes(b));
  const missing = refs.filter((r) => !blobs.includes(r));
  f.check(orphans.length === 0, `${label}: ${orphans.length} blobs no row references after the start-up sweep`);
  f.check(missing.length === 0, `${label}: ${missing.length} rows name a blob the store lacks`);
  f.check(tempOnDisk(dataDir).length === 0, `${label}: temp files left after the start-up sweep: ${tempOnDisk(dataDir).join(', ')}`);
  return { rows: rows.length };
}

/** Phase 1; returns the restarted api (phase 2 goes on with it). */
async function underLoad(dataDir: string, db: Db, f: Failures): Promise<{ api: ApiProcess; report: Record<string, unknown> }> {
  let api = await launch(db, dataDir);
  const experimentId = (await gql(api.url, 'mutation { createExperiment(input: { name: "crash" }) { id } }', {})).createExperiment.id;
  const newRun = async () => (await gql(api.url, 'mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }', { e: experimentId })).createRun.id as string;
  const metricsRun = await newRun();
  const filesRun = await newRun();
  const lastAcked = new Map<string, string>();
  for (let i = 0; i < MODELS; i++) {
    const bytes = randomBytes(32 * 1024);
    if ((await put(api, filesRun, `model-${i}.bin`, bytes)) !== 201) throw new Error('setup upload failed');
    lastAcked.set(`model-${i}.bin`, sha(bytes));
  }

  let stop = false;
  const acked = Array.from({ length: WRITERS }, () => new Set<number>());
  const inFlight = new Map<string, string>();
  const newAcked = new Map<string, string>();
  let replacementsAcked = 0;
  let downloads = 0;
  const writer = async (w: number) => {
    for (let b = 0; !stop; b++) {
      const metrics = Array.from({ length: BATCH }, (_, j) => ({ key: `crash/w${w}`, value: b * BATCH + j, step: b * BATCH + j }));
      try {
        const res = await fetch(api.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: LOG, variables: { input: { runId: metricsRun, metrics } } }),
        });
        const body = (await res.json()) as { data?: { logMetrics: { count: number } }; errors?: unknown };
        if (body.data?.logMetrics.count === BATCH) acked[w].add(b);
        else f.check(false, `batch ${w}/${b} answered ${JSON.stringify(body)}`);
      } catch {
        return; // the api is gone
      }
    }
  };
  const replacer = (paths: string[]) => async () => {
    for (let i = 0; !stop; i++) {
      const path = paths[i % paths.length];
      const bytes = randomBytes(32 * 1024 + Math.floor(Math.random() * 224 * 1024));
      inFlight.set(path, sha(bytes));
      try {
        if ((await put(api, filesRun, path, bytes)) === 201) {
          lastAcked.set(path, sha(bytes));
          replacementsAcked++;
        }
      } catch {
        return;
      }
      inFlight.delete(path);
    }
  };
  const newPaths = async () => {
    for (let n = 0; !stop; n++) {
      const bytes = randomBytes(64 * 1024);
      try {
        if ((await put(api, filesRun, `new-${n}.bin`, inParts(bytes, 4, 5))) === 201) newAcked.set(`new-${n}.bin`, sha(bytes));
      } catch {
        return;
      }
    }
  };
  const reader = async () => {
    while (!stop) {
      const got = await download(api, filesRun, `model-${Math.floor(Math.random() * MODELS)}.bin`);
      if (got === null) return;
      downloads++;
      f.check(got.status === 200 && got.sha256 === got.header, `a download under load served bytes of sha256 ${got.sha256} under the header ${got.header}`);
    }
  };
  const load = [...Array.from({ length: WRITERS }, (_, w) => writer(w)), replacer(['model-0.bin', 'model-2.bin'])(), replacer(['model-1.bin', 'model-3.bin'])(), newPaths(), reader()];

  const until = Date.now() + 20_000;
  while (acked.reduce((n, s) => n + s.size, 0) < 20 || replacementsAcked < 4 || newAcked.size < 2) {
    if (Date.now() > until) throw new Error(`the load did not get going: ${api.log().slice(-2000)}`);
    await sleep(20);
  }
  await sleep(Math.random() * 150);
  api.proc.kill('SIGKILL');
  stop = true;
  await Promise.all(load);

  api = await launch(db, dataDir);
  try {
    let stored = 0;
    let half = 0;
    let lost = 0;
    for (let w = 0; w < WRITERS; w++) {
      const perBatch = new Map<number, number>();
      for (const { key, step } of await db.steps(metricsRun)) if (key === `crash/w${w}`) perBatch.set(Math.floor(step / BATCH), (perBatch.get(Math.floor(step / BATCH)) ?? 0) + 1);
      for (const [, count] of perBatch) {
        if (count === BATCH) stored++;
        else half++;
      }
      for (const b of acked[w]) if (perBatch.get(b) !== BATCH) lost++;
    }
    f.check(half === 0, `${half} metric batches stored in part`);
    f.check(lost === 0, `${lost} acknowledged metric batches lost`);
    const rows = new Map((await db.artifacts()).filter((r) => r.run_id === filesRun).map((r) => [r.path, r.sha256]));
    for (const [path, sha256] of lastAcked) {
      const allowed = [sha256, inFlight.get(path)].filter(Boolean);
      f.check(allowed.includes(rows.get(path)), `${path}: the row says ${rows.get(path)}, acknowledged ${sha256} (in flight: ${inFlight.get(path) ?? 'none'})`);
    }
    for (const [path, sha256] of newAcked) f.check(rows.get(path) === sha256, `${path}: acknowledged ${sha256}, the row says ${rows.get(path)}`);
    const store = await checkStore(api, db, dataDir, f, 'after a kill under load');
    return {
      api,
      report: {
        ackedBatches: acked.reduce((n, s) => n + s.size, 0),
        storedBatches: stored,
        halfBatches: half,
        lostAckedBatches: lost,
        replacementsAcked,
        newUploadsAcked: newAcked.size,
        downloadsChecked: downloads,
        rowsChecked: store.rows,
      },
    };
  } catch (e) {
    await stopApi(api, { keepDataDir: true });
    throw e;
  }
}

/** Phase 2, on a running api; stops the api it restarts. */
async function slowCommit(dialect: Dialect, running: ApiProcess, dataDir: string, db: Db, f: Failures): Promise<Record<string, unknown>> {
  let api = running;
  const experimentId = (await gql(api.url, 'mutation { createExperiment(input: { name: "slow-commit" }) { id } }', {})).createExperiment.id;
  const runId = (await gql(api.url, 'mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }', { e: experimentId })).createRun.id as string;
  const v1 = randomBytes(96 * 1024);
  const v2 = randomBytes(128 * 1024);
  if ((await put(api, runId, 'slow.bin', v1)) !== 201) throw new Error('setup upload failed');
  // An upload to a new path, cut off mid-body by the kill.
  let feed!: ReadableStreamDefaultController<Uint8Array>;
  const fresh = put(api, runId, 'fresh.bin', new ReadableStream({ start: (c) => void (feed = c) })).catch(() => 0);
  feed.enqueue(randomBytes(64 * 1024));
  for (const until = Date.now() + 30_000; tempOnDisk(dataDir).length === 0; await sleep(10)) if (Date.now() > until) throw new Error('the cut-off upload never reached the store');

  const release = await db.holdCommit(runId, 'slow.bin');
  let servedDuringCommit = 'skipped (SQLite: the api waits on its one writer)';
  try {
    const v2Blob = join(dataDir, 'artifacts', 'blobs', sha(v2).slice(0, 2), sha(v2).slice(2, 4), sha(v2));
    // SQLite at times refuses the held write at once ("database is locked", a 500 that removes the placed blob)
    // instead of waiting for the lock: that attempt leaves nothing behind (the checks below and after the restart say
    // so), and the replacement is sent again until one waits at its commit with its blob placed.
    let answered: number | undefined;
    let replacement: Promise<unknown> = Promise.resolve();
    let sent = 0;
    const send = () => {
      sent++;
      answered = undefined;
      replacement = put(api, runId, 'slow.bin', v2)
        .catch(() => 0)
        .then((status) => void (answered = status));
    };
    send();
    for (const until = Date.now() + 30_000; !existsSync(v2Blob); await sleep(5)) {
      if (Date.now() > until || sent > 6)
        throw new Error(`the replacement never placed its blob (${sent} sent, last answer ${answered ?? 'none'}); the api said: ${api.log().slice(-4000) || '(nothing)'}`);
      if (answered !== undefined) send();
    }
    if (dialect === 'postgres') {
      const got = await download(api, runId, 'slow.bin');
      servedDuringCommit = got?.sha256 === sha(v1) && got.header === sha(v1) ? 'old bytes under the old sha256' : `WRONG: ${JSON.stringify(got)}`;
      f.check(got?.sha256 === sha(v1) && got.header === sha(v1), `during the held commit slow.bin served ${JSON.stringify(got)}, expected the old ${sha(v1)}`);
    }
    api.proc.kill('SIGKILL');
    await Promise.all([replacement, fresh]);
  } finally {
    await release();
  }
  const rowAfterKill = (await db.artifacts()).find((r) => r.run_id === runId && r.path === 'slow.bin')?.sha256;
  f.check(rowAfterKill === sha(v1), `after the kill the row of slow.bin says ${rowAfterKill}, expected the old ${sha(v1)}`);
  const orphanBeforeSweep = blobsOnDisk(dataDir).includes(sha(v2));

  api = await launch(db, dataDir);
  try {
    const got = await download(api, runId, 'slow.bin');
    f.check(got?.sha256 === sha(v1) && got.header === sha(v1), `after the restart slow.bin served ${JSON.stringify(got)}, expected the old ${sha(v1)}`);
    const freshGot = await download(api, runId, 'fresh.bin');
    f.check(freshGot?.status === 404, `the cut-off upload answers ${JSON.stringify(freshGot)}, expected 404`);
    await checkStore(api, db, dataDir, f, 'after a kill at a held commit');
    return {
      servedDuringCommit,
      servedAfterRestart: got?.sha256 === sha(v1) ? 'old bytes under the old sha256' : 'WRONG',
      uncommittedBlobOnDiskBeforeSweep: orphanBeforeSweep,
      freshAfterRestart: freshGot?.status,
    };
  } finally {
    await stopApi(api, { keepDataDir: true });
  }
}

export async function runCrashFaults(dialect: Dialect): Promise<{ ok: boolean; report: Record<string, unknown> }> {
  const t0 = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'podium-crash-'));
  const db = await openDb(dialect, dataDir);
  const f: Failures = { list: [], check: (ok, what) => void (ok || f.list.push(what)) };
  try {
    const load = await underLoad(dataDir, db, f);
    const slow = await slowCommit(dialect, load.api, dataDir, db, f);
    return { ok: f.list.length === 0, report: { database: dialect, ...load.report, slowCommit: slow, failures: f.list, seconds: (Date.now() - t0) / 1000 } };
  } finally {
    for (const api of started.splice(0)) if (api.proc.exitCode === null && api.proc.signalCode === null) api.proc.kill('SIGKILL');
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'both';
  const dialects: Dialect[] = which === 'both' ? ['sqlite', 'postgres'] : [which as Dialect];
  let ok = true;
  for (const dialect of dialects) {
    const result = await runCrashFaults(dialect);
    console.log(JSON.stringify(result.report));
    ok &&= result.ok;
  }
  process.exit(ok ? 0 : 1);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
