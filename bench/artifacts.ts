// Benchmark: artifact uploads and downloads through the api (PUT/GET /artifacts, hashed, flushed to disk, recorded),
// beside a bare peer on the same disk in the same run (write + fsync + rename + fsync of the folder, then a read).
// Prints figures; asserts nothing. Run: npm run build && node dist/bench/artifacts.js [count=64] [sizeKiB=1024] [concurrency=4]
// PostgreSQL too when PODIUM_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) answers.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { type ApiProcess, cpuSecondsOf, gql, startApi, stopApi } from './api-process';

const COUNT = Number(process.argv[2] ?? 64);
const SIZE = Number(process.argv[3] ?? 1024) * 1024;
const CONCURRENCY = Number(process.argv[4] ?? 4);
const PG_URL = process.env.PODIUM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const bodies = Array.from({ length: COUNT }, () => randomBytes(SIZE));
const mb = (n: number) => (n * SIZE) / (1024 * 1024);

/** Runs `work(i)` for every body, `CONCURRENCY` at a time; MiB per second. */
async function rate(work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < COUNT; i = next++) await work(i);
    }),
  );
  return mb(COUNT) / ((performance.now() - t0) / 1000);
}

/** MiB/s through the api, and the api process's CPU milliseconds per MiB (the fairer figure on a loaded machine). */
async function throughApi(api: ApiProcess): Promise<{ put: number; get: number; putCpu: number; getCpu: number }> {
  const base = api.url.replace(/\/graphql$/, '');
  const e = (await gql(api.url, 'mutation($n: String!) { createExperiment(input: { name: $n }) { id } }', { n: `artifacts-${randomUUID()}` })).createExperiment.id;
  const runId = (await gql(api.url, 'mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }', { e })).createRun.id;
  const cpu = () => cpuSecondsOf(api.proc.pid!) ?? Number.NaN;
  const c0 = cpu();
  const put = await rate(async (i) => {
    const res = await fetch(`${base}/artifacts/${runId}/bench/${i}.bin`, { method: 'PUT', body: bodies[i] });
    if (res.status !== 201) throw new Error(`PUT ${res.status}: ${await res.text()}`);
  });
  const c1 = cpu();
  const get = await rate(async (i) => {
    const res = await fetch(`${base}/artifacts/${runId}/bench/${i}.bin`);
    if ((await res.arrayBuffer()).byteLength !== SIZE) throw new Error('short GET');
  });
  const c2 = cpu();
  return { put, get, putCpu: ((c1 - c0) * 1000) / mb(COUNT), getCpu: ((c2 - c1) * 1000) / mb(COUNT) };
}

/** The same bytes made durable by hand: temp file, fsync, rename, fsync of the folder; then read back. */
async function bare(): Promise<{ put: number; get: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'podium-bare-artifacts-'));
  mkdirSync(join(dir, 'tmp'));
  mkdirSync(join(dir, 'files'));
  try {
    const put = await rate(async (i) => {
      const temp = join(dir, 'tmp', `${i}`);
      const file = await open(temp, 'wx');
      await file.writeFile(bodies[i]);
      await file.sync();
      await file.close();
      await rename(temp, join(dir, 'files', `${i}`));
      const folder = await open(join(dir, 'files'), 'r');
      await folder.sync();
      await folder.close();
    });
    const get = await rate(async (i) => void (await readFile(join(dir, 'files', `${i}`))));
    return { put, get };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresAvailable(): Promise<boolean> {
  const c = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const f = (n: number) => n.toFixed(1);
  const peer = await bare();
  console.log(`${COUNT} artifacts of ${SIZE / 1024} KiB, ${CONCURRENCY} at a time`);
  console.log(`bare (write + fsync + rename + fsync folder; read): PUT ${f(peer.put)} MiB/s, GET ${f(peer.get)} MiB/s`);
  const sqlite = await startApi();
  try {
    const r = await throughApi(sqlite);
    console.log(
      `api on SQLite: PUT ${f(r.put)} MiB/s (${(r.put / peer.put).toFixed(2)} of bare), ${f(r.putCpu)} api CPU ms/MiB; GET ${f(r.get)} MiB/s (${(r.get / peer.get).toFixed(2)} of bare), ${f(r.getCpu)} api CPU ms/MiB`,
    );
  } finally {
    await stopApi(sqlite);
  }
  if (!(await postgresAvailable())) return console.log('PostgreSQL: not reachable, skipped');
  const name = `podium_bench_artifacts_${process.pid}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const pg = await startApi({ DATABASE_URL: url.toString() });
  try {
    const r = await throughApi(pg);
    console.log(
      `api on PostgreSQL: PUT ${f(r.put)} MiB/s (${(r.put / peer.put).toFixed(2)} of bare), ${f(r.putCpu)} api CPU ms/MiB; GET ${f(r.get)} MiB/s (${(r.get / peer.get).toFixed(2)} of bare), ${f(r.getCpu)} api CPU ms/MiB`,
    );
  } finally {
    await stopApi(pg);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
