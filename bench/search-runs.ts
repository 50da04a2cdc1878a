// Benchmark: searchRuns over 100,000 runs with a metric filter and a metric order, on SQLite and PostgreSQL.
// Prints figures; asserts nothing. Run: npm run build && node dist/bench/search-runs.js [runs=100000]
// PostgreSQL: PODIUM_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); skipped when unreachable.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { dialectOf, openDataSources } from '../apps/api/src/database/data-source';
import { Database } from '../apps/api/src/database/database';
import { SearchRunsRepository } from '../apps/api/src/runs/search/search-runs.repository';
import { type SearchRunsArgs, SearchRunsService } from '../apps/api/src/runs/search/search-runs.service';
import { APP_FEATURES } from '../apps/api/src/app.module';

const RUNS = Number(process.argv[2] ?? 100_000) || 100_000;
const BATCH = 500;

const CASES: { name: string; args: Omit<SearchRunsArgs, 'experimentIds'> }[] = [
  { name: 'metric filter + max(metric) DESC', args: { filter: 'metrics.map50 > 0.3', orderBy: ['max(metrics.map50) DESC'], first: 20 } },
  { name: 'metric AND param + last DESC', args: { filter: "metrics.map50 > 0.3 and params.imgsz = '416'", orderBy: ['metrics.map50 DESC'], first: 20 } },
  { name: 'OR + parentheses + tag', args: { filter: "(params.imgsz = '320' and metrics.`metrics/mAP50(B)` > 0.55) or tags.best = 'yes'", orderBy: ['metrics.map50 DESC'], first: 20 } },
  { name: 'selective metric filter (top 1%)', args: { filter: 'metrics.map50 > 0.594', orderBy: ['metrics.map50 DESC'], first: 20 } },
  { name: 'selective param, metric order', args: { filter: "params.seed = '3' and tags.best = 'yes'", orderBy: ['max(metrics.map50) DESC'], first: 20 } },
  { name: 'no filter, order by start_time', args: { orderBy: ['attributes.start_time DESC'], first: 20 } },
  { name: 'no filter, order by metric ASC', args: { orderBy: ['metrics.loss ASC'], first: 100 } },
];

/** Searches walked 100 pages deep (pages of 100). */
const DEEP: { name: string; args: Omit<SearchRunsArgs, 'experimentIds'> }[] = [
  { name: 'metric filter + max(metric) DESC', args: CASES[0].args },
  { name: 'no filter, metrics.loss ASC', args: { orderBy: ['metrics.loss ASC'] } },
  { name: 'no filter, attributes.start_time DESC', args: { orderBy: ['attributes.start_time DESC'] } },
  { name: 'no filter, params.seed DESC, metrics.map50', args: { orderBy: ['params.seed DESC', 'metrics.map50'] } },
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function insertRows(db: Database, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const pg = db.dialect === 'postgres';
  await db.write(async (tx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      let n = 0;
      const values = chunk.map((r) => `(${r.map(() => (pg ? `$${++n}` : '?')).join(', ')})`).join(', ');
      await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, chunk.flat());
    }
  });
}

export async function seed(db: Database, count = RUNS): Promise<string> {
  const experimentId = randomUUID();
  const otherId = randomUUID();
  const now = Date.now();
  await insertRows(
    db,
    'experiments',
    ['id', 'name', 'tags', 'lifecycle'],
    [
      [experimentId, 'bench', '[]', 'active'],
      [otherId, 'other', '[]', 'active'],
    ],
  );
  const rand = rng(42);
  const runs: unknown[][] = [];
  const params: unknown[][] = [];
  const tags: unknown[][] = [];
  const summaries: unknown[][] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    // 5% of the runs belong to another experiment, 1% are soft-deleted: both must be excluded.
    const exp = i % 20 === 0 ? otherId : experimentId;
    runs.push([id, exp, `run_${i}`, 'TRAINING', i % 10 === 0 ? 'FAILED' : 'FINISHED', now - i * 1000, now - i * 1000 + 60_000, 'bench', i % 100 === 1 ? 'deleted' : 'active', 0]);
    const imgsz = i % 2 === 0 ? '320' : '416';
    params.push([id, 'imgsz', imgsz], [id, 'lr0', i % 4 < 2 ? '0.01' : '0.005'], [id, 'seed', String(i % 7)]);
    if (i % 1000 === 3) tags.push([id, 'best', 'yes']);
    tags.push([id, 'dataset', 'coco128']);
    // map50 in [0, 0.6); 1% NaN last, 1% never logged.
    if (i % 100 !== 7) {
      const nan = i % 100 === 5;
      const last = rand() * 0.6;
      const max = last + rand() * 0.05;
      summaries.push([id, 'map50', nan ? null : last, nan ? 1 : 0, 99, now, 100, last * 0.5, 0, max, 80, 100]);
    }
    const loss = 0.5 + rand() * 2;
    summaries.push([id, 'loss', loss, 0, 99, now, 101, loss, 99, loss * 3, 0, 100]);
    summaries.push([id, 'map50_95', rand() * 0.4, 0, 99, now, 102, 0, 0, 0.4, 90, 100]);
  }
  await insertRows(db, 'runs', ['id', 'experiment_id', 'name', 'kind', 'status', 'start_time', 'end_time', 'created_by', 'lifecycle', 'next_sequence'], runs);
  await insertRows(db, 'run_params', ['run_id', 'key', 'value'], params);
  await insertRows(db, 'run_tags', ['run_id', 'key', 'value'], tags);
  await insertRows(
    db,
    'metric_summaries',
    ['run_id', 'key', 'last_value', 'last_is_nan', 'last_step', 'last_timestamp', 'last_sequence', 'min_value', 'min_step', 'max_value', 'max_step', 'count'],
    summaries,
  );
  await db.writer.query('ANALYZE');
  return experimentId;
}

async function measure(label: string, db: Database): Promise<void> {
  const t0 = performance.now();
  const experimentId = await seed(db);
  console.log(`\n${label}: seeded ${RUNS} runs (params ×3, summaries ×3) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await report(db, experimentId);
}

/** Times every case against an already seeded database. */
export async function report(db: Database, experimentId: string): Promise<void> {
  const service = new SearchRunsService(new SearchRunsRepository(db));
  // PODIUM_BENCH_DEEP_ONLY=1: only the deep pages below.
  if (process.env.PODIUM_BENCH_DEEP_ONLY !== '1') await cases(service, experimentId);
  await deepPages(service, experimentId);
}

async function cases(service: SearchRunsService, experimentId: string): Promise<void> {
  console.log('  case                                  matches   page median/p95 ms   page+totalCount median/p95 ms');
  const stats = (xs: number[]) => {
    xs.sort((a, b) => a - b);
    return `${xs[Math.floor(xs.length / 2)].toFixed(1).padStart(7)} /${xs[Math.floor(xs.length * 0.95)].toFixed(1).padStart(7)}`;
  };
  for (const c of CASES) {
    const args = { experimentIds: [experimentId], ...c.args };
    const total = await (await service.searchRuns(args)).totalCount;
    for (let i = 0; i < 2; i++) await service.searchRuns(args);
    const page: number[] = [];
    const withCount: number[] = [];
    for (let i = 0; i < 15; i++) {
      let s = performance.now();
      await service.searchRuns(args);
      page.push(performance.now() - s);
      s = performance.now();
      await (
        await service.searchRuns(args)
      ).totalCount;
      withCount.push(performance.now() - s);
    }
    console.log(`  ${c.name.padEnd(38)} ${String(total).padStart(7)}   ${stats(page)}        ${stats(withCount)}`);
  }
  // Deeper pages through the opaque cursor.
  let after: string | null = null;
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    const p = await service.searchRuns({ experimentIds: [experimentId], ...CASES[0].args, after });
    times.push(performance.now() - s);
    after = p.pageInfo.endCursor;
  }
  console.log(`  pages 1..10 of case 1 (ms): ${times.map((t) => t.toFixed(1)).join(' ')}`);
}

async function deepPages(service: SearchRunsService, experimentId: string): Promise<void> {
  // Page 1 against page 100 of pages of 100 (runs 9,901–10,000), walking the cursor as the web table does; then each
  // of the two pages fetched again 5 times from its cursor (median).
  console.log('  pages of 100, walked by cursor            page 1 median ms   page 100 median ms   walk of 100 pages s');
  for (const c of DEEP) {
    const base = { experimentIds: [experimentId], ...c.args, first: 100 };
    let cursor: string | null = null;
    let before100: string | null = null;
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      if (i === 99) before100 = cursor;
      const p = await service.searchRuns({ ...base, after: cursor });
      cursor = p.pageInfo.endCursor;
      if (!p.pageInfo.hasNextPage) break;
    }
    const walk = (performance.now() - t0) / 1000;
    const median = async (after: string | null) => {
      const xs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const s = performance.now();
        await service.searchRuns({ ...base, after });
        xs.push(performance.now() - s);
      }
      return xs.sort((a, b) => a - b)[2];
    };
    const [first, deep] = [await median(null), await median(before100)];
    console.log(`  ${c.name.padEnd(42)} ${first.toFixed(1).padStart(16)}   ${deep.toFixed(1).padStart(18)}   ${walk.toFixed(2).padStart(19)}`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'podium-bench-'));
  try {
    const config = { sqlitePath: join(dir, 'bench.sqlite'), databaseUrl: undefined };
    const { writer, reader } = await openDataSources(config, APP_FEATURES.entities);
    const db = new Database(writer, reader, dialectOf(config));
    await measure('SQLite', db);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const adminUrl = process.env.PODIUM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    console.log(`\nPostgreSQL: skipped (${(e as Error).message})`);
    return;
  }
  const name = `podium_bench_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const config = { databaseUrl: url.toString(), sqlitePath: '' };
    const { writer, reader } = await openDataSources(config, APP_FEATURES.entities);
    const db = new Database(writer, reader, dialectOf(config));
    await measure('PostgreSQL', db);
    await db.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
