// Benchmark: what auth costs per request. `{ viewer { name } }` over HTTP as the loopback local admin (no lookup) vs
// with a bearer token (sha256 + one indexed lookup among N tokens), and the abuse-limit check alone per operation.
// Prints figures; asserts nothing. Run: npm run build && node dist/bench/auth-overhead.js [requests=2000] [tokens=10000]
// PostgreSQL: PODIUM_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); skipped when unreachable.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSchema, parse } from 'graphql';
import { Client } from 'pg';
import { createPodiumApp } from '../apps/api/src/app.factory';
import { ApiTokenEntity } from '../apps/api/src/auth/api-token.entity';
import { AuthService } from '../apps/api/src/auth/auth.service';
import { OperationLimits } from '../apps/api/src/auth/limits/operation-limits';
import { Role } from '../apps/api/src/auth/roles';
import { hashTokenSecret } from '../apps/api/src/auth/token-secret';
import { loadConfig } from '../apps/api/src/config/app-config';
import { Database } from '../apps/api/src/database/database';

const REQUESTS = Number(process.argv[2] ?? 2000) || 2000;
const TOKENS = Number(process.argv[3] ?? 10_000) || 10_000;
const PG_URL = process.env.PODIUM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Timing {
  perSecond: number;
  p50: number;
  p99: number;
}

/** Interleaves the variants request by request, so load from other processes weighs on each alike. */
async function timeRequests(url: string, variants: Record<string, string>[]): Promise<Timing[]> {
  const body = JSON.stringify({ query: '{ viewer { name } }' });
  const call = async (headers: Record<string, string>) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const json = (await res.json()) as { data?: unknown };
    if (!json.data) throw new Error(JSON.stringify(json));
  };
  for (let i = 0; i < 100; i++) for (const h of variants) await call(h);
  const lat = variants.map(() => [] as number[]);
  for (let i = 0; i < REQUESTS; i++) {
    for (let v = 0; v < variants.length; v++) {
      const s = performance.now();
      await call(variants[v]);
      lat[v].push(performance.now() - s);
    }
  }
  return lat.map((l) => {
    const total = l.reduce((a, b) => a + b, 0);
    l.sort((a, b) => a - b);
    return { perSecond: (l.length / total) * 1000, p50: l[Math.floor(l.length / 2)], p99: l[Math.floor(l.length * 0.99)] };
  });
}

async function run(label: string, dbConfig: { databaseUrl?: string; sqlitePath: string; dataDir: string }): Promise<void> {
  const config = loadConfig({}, { ...dbConfig, port: 0, host: '127.0.0.1', authMode: 'local', localWorker: false, seedDemo: false });
  const podium = await createPodiumApp(config, { logger: ['error'] });
  try {
    const db = podium.app.get(Database);
    // Fill the table so the lookup is an index probe among many rows, as on a long-lived server.
    for (let i = 0; i < TOKENS; i += 500) {
      const rows = Array.from({ length: Math.min(500, TOKENS - i) }, (_, j) =>
        Object.assign(new ApiTokenEntity(), {
          id: randomUUID(),
          name: `bench-${i + j}`,
          role: Role.VIEWER,
          tokenHash: hashTokenSecret(randomUUID()),
          prefix: 'pod_bench',
          createdBy: 'bench',
          createdAt: Date.now(),
          expiresAt: null,
          revokedAt: null,
          revokedBy: null,
          lastUsedAt: null,
        }),
      );
      await db.write((tx) => tx.insert(ApiTokenEntity, rows));
    }
    const secret = readFileSync(join(config.dataDir, 'admin-token'), 'utf8').trim();
    const url = `${podium.url}/graphql`;
    const [local, token] = await timeRequests(url, [{}, { authorization: `Bearer ${secret}` }]);
    const auth = podium.app.get(AuthService);
    for (let i = 0; i < 200; i++) await auth.verifySecret(secret);
    const v0 = performance.now();
    for (let i = 0; i < REQUESTS; i++) await auth.verifySecret(secret);
    const verifyMs = (performance.now() - v0) / REQUESTS;
    const f = (r: Timing) => `${r.perSecond.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`;
    console.log(`${label}: ${TOKENS + 1} tokens, ${REQUESTS} sequential requests per variant, interleaved`);
    console.log(`  loopback, no token (local admin): ${f(local)}`);
    console.log(`  bearer token (hash + lookup):     ${f(token)}`);
    console.log(`  auth overhead at p50:             ${(token.p50 - local.p50).toFixed(2)} ms`);
    console.log(`  AuthService.verifySecret alone:   ${(verifyMs * 1000).toFixed(0)} µs (mean, in-process)`);
  } finally {
    await podium.close();
  }
}

function limitsCheck(): void {
  const limits = new OperationLimits({ maxQueryDepth: 12, maxQueryComplexity: 5000, mutationRateLimitPerMinute: 1_000_000 });
  const doc = parse('query { searchRuns(first: 50) { nodes { id name status params { key value } metrics { key last } } pageInfo { endCursor } } }');
  // A tiny schema is enough for the cost of the walk itself.
  const schema = buildSchema(`type KV { key: String value: String } type M { key: String last: Float } type Run { id: ID name: String status: String params: [KV] metrics: [M] }
    type Page { endCursor: String } type Conn { nodes: [Run] pageInfo: Page } type Query { searchRuns(first: Int): Conn }`);
  const n = 20_000;
  const identity = { name: 'bench', role: Role.VIEWER };
  for (let i = 0; i < 1000; i++) limits.check({ schema, document: doc, identity });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) limits.check({ schema, document: doc, identity });
  console.log(`abuse limits (depth + complexity + bucket) on a 4-level searchRuns query: ${(((performance.now() - t0) / n) * 1000).toFixed(1)} µs per operation`);
}

async function main(): Promise<void> {
  limitsCheck();
  const dir = mkdtempSync(join(tmpdir(), 'podium-bench-auth-'));
  try {
    await run('SQLite', { dataDir: dir, sqlitePath: join(dir, 'podium.sqlite') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const name = `podium_bench_auth_${process.pid}`;
  const admin = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    console.log('PostgreSQL: skipped (unreachable)');
    return;
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const pgDir = mkdtempSync(join(tmpdir(), 'podium-bench-auth-'));
  try {
    await run('PostgreSQL', { dataDir: pgDir, sqlitePath: join(pgDir, 'unused.sqlite'), databaseUrl: url.toString() });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(pgDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
