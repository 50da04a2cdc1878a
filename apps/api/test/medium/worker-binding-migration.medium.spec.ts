// The WorkerBinding migration on a database written by the version before it, on SQLite and PostgreSQL: existing
// workers are owned by the active token whose name registered them, and a RUNNING job is bound to its worker's token
// so that its worker can still report on it after the upgrade.
import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresOptions } from '../../src/database/data-source';
import { POSTGRES_MIGRATIONS } from '../../src/database/migrations/postgres';
import { WorkerBinding1795700100000 as PostgresBinding } from '../../src/database/migrations/postgres/1795700100000-WorkerBinding';
import { SQLITE_MIGRATIONS } from '../../src/database/migrations/sqlite';
import { WorkerBinding1795700100000 as SqliteBinding } from '../../src/database/migrations/sqlite/1795700100000-WorkerBinding';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases';
import { APP_FEATURES } from '../../src/app.module';

const T_REAL = '10000000-0000-4000-8000-000000000001';
const T_GONE = '10000000-0000-4000-8000-000000000002';
const W_REAL = '20000000-0000-4000-8000-000000000001';
const W_GONE = '20000000-0000-4000-8000-000000000002';
const W_LOCAL = '20000000-0000-4000-8000-000000000003';
const J_RUNNING = '30000000-0000-4000-8000-000000000001';
const J_DONE = '30000000-0000-4000-8000-000000000002';

describe.each(DIALECTS)('the WorkerBinding migration over existing rows on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let ds: DataSource | undefined;

  /** A data source over the suite's database running `migrations` (the full list, or those before WorkerBinding). */
  const open = async (upTo: 'before' | 'all'): Promise<DataSource> => {
    const all = dialect === 'postgres' ? POSTGRES_MIGRATIONS : SQLITE_MIGRATIONS;
    const migrations = upTo === 'all' ? all : all.slice(0, all.indexOf(dialect === 'postgres' ? PostgresBinding : SqliteBinding));
    const base: DataSourceOptions =
      dialect === 'postgres' ? postgresOptions(tdb!.config.databaseUrl!, APP_FEATURES.entities) : { type: 'better-sqlite3', database: join(tdb!.config.dataDir, 'podium.sqlite') };
    const source = new DataSource({ ...base, entities: [], migrations } as DataSourceOptions);
    await source.initialize();
    await source.runMigrations({ transaction: 'each' });
    return source;
  };
  /** `?` placeholders, numbered for PostgreSQL. */
  const sql = (text: string) => {
    let i = 0;
    return dialect === 'postgres' ? text.replace(/\?/g, () => `$${++i}`) : text;
  };

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    const before = await open('before');
    const now = Date.now();
    const token = `INSERT INTO "api_tokens" ("id", "name", "role", "token_hash", "prefix", "created_at", "revoked_at") VALUES (?, ?, 'WORKER', ?, 'pod_x', ?, ?)`;
    await before.query(sql(token), [T_REAL, 'gpu-real', 'a'.repeat(64), now, null]);
    await before.query(sql(token), [T_GONE, 'gpu-gone', 'b'.repeat(64), now, now]);
    const worker = `INSERT INTO "workers" ("id", "name", "execution_providers", "cpu_cores", "created_by", "created_at", "last_heartbeat_at") VALUES (?, ?, '["CPU"]', 2, ?, ?, ?)`;
    for (const [id, name, by] of [
      [W_REAL, 'box-1', 'gpu-real'],
      [W_GONE, 'box-2', 'gpu-gone'],
      [W_LOCAL, 'local-box', 'local'],
    ])
      await before.query(sql(worker), [id, name, by, now, now]);
    const job = `INSERT INTO "evaluation_jobs" ("id", "status", "artifact_path", "dataset_id", "dataset_name", "dataset_version", "dataset_digest", "settings", "attempt", "worker_id", "created_at", "updated_at")
      VALUES (?, ?, 'm.onnx', '40000000-0000-4000-8000-000000000001', 'd', 1, 'digest', '{}', 1, ?, ?, ?)`;
    await before.query(sql(job), [J_RUNNING, 'RUNNING', W_REAL, now, now]);
    await before.query(sql(job), [J_DONE, 'SUCCEEDED', W_REAL, now, now]);
    await before.destroy();
    ds = await open('all');
  });
  afterAll(async () => {
    await ds?.destroy();
    await tdb?.drop();
  });

  it('owns each existing worker by the active token of the name that registered it; the rest by their name alone', async (ctx) => {
    if (!ds) return ctx.skip();
    const rows = await ds.query(`SELECT "id", "token_id", "token_name", "state", "state_changed_at" FROM "workers" ORDER BY "name"`);
    expect(rows).toEqual([
      { id: W_REAL, token_id: T_REAL, token_name: 'gpu-real', state: 'ACTIVE', state_changed_at: null },
      { id: W_GONE, token_id: null, token_name: 'gpu-gone', state: 'ACTIVE', state_changed_at: null },
      { id: W_LOCAL, token_id: null, token_name: 'local', state: 'ACTIVE', state_changed_at: null },
    ]);
  });

  it("binds a RUNNING job to its worker's token, and leaves finished jobs unbound", async (ctx) => {
    if (!ds) return ctx.skip();
    const rows = await ds.query(`SELECT "id", "claim_token_id" FROM "evaluation_jobs" ORDER BY "id"`);
    expect(rows).toEqual([
      { id: J_RUNNING, claim_token_id: T_REAL },
      { id: J_DONE, claim_token_id: null },
    ]);
  });

  it('reverts cleanly', async (ctx) => {
    if (!ds) return ctx.skip();
    const last = await ds.query(sql(`SELECT count(*) AS n FROM "migrations" WHERE "name" = ?`), ['WorkerBinding1795700100000']);
    expect(Number(last[0].n)).toBe(1);
    await (dialect === 'postgres' ? new PostgresBinding() : new SqliteBinding()).down(ds.createQueryRunner());
    const workers = await ds.query(`SELECT * FROM "workers" WHERE "id" = '${W_REAL}'`);
    expect(Object.keys(workers[0]).sort()).toEqual([
      'cpu_cores',
      'cpu_model',
      'created_at',
      'created_by',
      'execution_providers',
      'gpu_memory_mb',
      'gpu_name',
      'id',
      'last_heartbeat_at',
      'name',
      'version',
    ]);
    const jobs = await ds.query(`SELECT * FROM "evaluation_jobs" WHERE "id" = '${J_RUNNING}'`);
    expect(Object.keys(jobs[0])).not.toContain('claim_token_id');
  });
});
